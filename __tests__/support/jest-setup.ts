// Tests talk only to loopback servers they start themselves: make sure no developer profile or
// instance metadata lookup can send a request to real AWS.
delete process.env.AWS_PROFILE;
process.env.AWS_EC2_METADATA_DISABLED = "true";
// The tools run on Node 20 here; the SDK's notice about its future Node 22 requirement is noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
