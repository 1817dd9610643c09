/**
 * The tool behind a CloudTrail `userAgent`, as a short family name (`aws-cli`, `Terraform`, …), so a
 * summary groups thousands of version strings into the few tools that would break with the key.
 */

// Most specific first: Terraform and the CDK run on an SDK, the AWS CLI on botocore, OpenTofu and
// Pulumi on Terraform's AWS provider, and each says so further along the same user-agent string.
const FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/\bOpenTofu\//i, "OpenTofu"],
  [/\bPulumi\b/i, "Pulumi"],
  [/\bTerraform\/|terraform-provider-aws/i, "Terraform"],
  [/\baws-cdk\//i, "AWS CDK"],
  [/\baws-cli\//i, "aws-cli"],
  [/\bAWSPowerShell|\bAWS\.Tools\.|\bPowerShell/i, "AWS Tools for PowerShell"],
  [/\bBoto3\//i, "Boto3"],
  [/\bBotocore\//i, "Botocore"],
  [/\baws-sdk-(js|nodejs)\b|\baws-sdk-js-v3\b/i, "SDK for JavaScript"],
  [/\baws-sdk-go(-v2)?\//i, "SDK for Go"],
  [/\baws-sdk-java\/|\bAWSSDKJava|\bapp\/AwsJava/i, "SDK for Java"],
  [/\baws-sdk-dotnet|\bAWSSDK\.NET/i, "SDK for .NET"],
  [/\baws-sdk-ruby/i, "SDK for Ruby"],
  [/\baws-sdk-php\//i, "SDK for PHP"],
  [/\baws-sdk-rust\//i, "SDK for Rust"],
  [/\baws-sdk-cpp\//i, "SDK for C++"],
  [/\baws-sdk-kotlin\//i, "SDK for Kotlin"],
  [/\baws-sdk-swift\//i, "SDK for Swift"],
  [/\bconsole\.[a-z0-9.-]*amazonaws\.com|\bsignin\.amazonaws\.com/i, "console"],
  [/^AWS Internal$/i, "AWS Internal"],
];

// An AWS service acting on the caller's behalf names itself, e.g. `cloudformation.amazonaws.com`.
const SERVICE_PRINCIPAL = /^([a-z0-9-]+)\.amazonaws\.com$/i;
// An unknown tool is named by its first product token (`curl/8.5.0` → `curl`) when that token is a
// plain name: whoever holds a key chooses its user agent, so nothing else of it is ever repeated.
const PRODUCT_TOKEN = /^([A-Za-z][A-Za-z0-9._-]{0,31})\//;

/** The family of a CloudTrail `userAgent`: a known tool or SDK, `AWS service (x)`, a product name, or `unknown`. */
export function userAgentFamily(userAgent: string | undefined): string {
  const agent = (userAgent ?? "").trim();
  if (agent === "") return "unknown";
  for (const [pattern, family] of FAMILIES) {
    if (pattern.test(agent)) return family;
  }
  const service = SERVICE_PRINCIPAL.exec(agent);
  if (service) return `AWS service (${service[1].toLowerCase()})`;
  if (/^Mozilla\//.test(agent)) return "browser";
  const product = PRODUCT_TOKEN.exec(agent);
  return product ? `other (${product[1]})` : "other";
}
