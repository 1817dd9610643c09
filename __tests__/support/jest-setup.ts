// Tests talk only to loopback servers they start themselves: make sure no developer profile or
// instance metadata lookup can send a request to real AWS.
delete process.env.AWS_PROFILE;
process.env.AWS_EC2_METADATA_DISABLED = "true";
