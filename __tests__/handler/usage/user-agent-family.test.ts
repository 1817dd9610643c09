import { userAgentFamily } from "../../../handler/usage/user-agent-family";

describe("userAgentFamily", () => {
  it.each([
    ["aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls", "aws-cli"],
    ["aws-cli/1.29.0 Python/3.8.10 Linux/5.15.0 botocore/1.31.0", "aws-cli"],
    [
      "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.2 Botocore/1.34.51",
      "Boto3",
    ],
    ["Botocore/1.31.0 Python/3.9.16 Linux/5.10", "Botocore"],
    [
      "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.100.0 " +
        "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.36.3 os/linux lang/go#1.23",
      "Terraform",
    ],
    ["APN/1.0 HashiCorp/1.0 OpenTofu/1.6.2 terraform-provider-aws/5.40.0 aws-sdk-go/1.50.0", "OpenTofu"],
    ["aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.11.0 api/iam#3.1169.0 m/N,E", "SDK for JavaScript"],
    ["aws-sdk-nodejs/2.1500.0 linux/v18.17.0 exec-env/AWS_Lambda_nodejs18.x", "SDK for JavaScript"],
    ["aws-sdk-js/3.500.0 ua/2.0 os/darwin lang/js md/nodejs#20 api/cloudformation aws-cdk/2.130.0", "AWS CDK"],
    ["aws-sdk-go/1.44.0 (go1.20; linux; amd64)", "SDK for Go"],
    ["aws-sdk-go-v2/1.25.0 os/linux lang/go#1.22 md/GOOS#linux api/s3#1.50.0", "SDK for Go"],
    [
      "aws-sdk-java/2.20.162 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS Java/17.0.8 vendor/Amazon.com_Inc.",
      "SDK for Java",
    ],
    ["aws-sdk-dotnet-coreclr/3.7.300.0 aws-sdk-dotnet-core/3.7.300.0 .NET_Core/6.0.25 OS/Linux", "SDK for .NET"],
    [
      "AWSPowerShell.Common/4.1.500.0 .NET_Runtime/4.0 .NET_Framework/4.0 OS/Microsoft_Windows",
      "AWS Tools for PowerShell",
    ],
    ["aws-sdk-ruby3/3.190.0 ruby/3.2.2 x86_64-linux aws-sdk-s3/1.141.0", "SDK for Ruby"],
    ["aws-sdk-php/3.300.0 OS/Linux/5.15 lang/php/8.2.0 GuzzleHttp/7", "SDK for PHP"],
    ["aws-sdk-rust/1.1.0 os/linux lang/rust/1.75.0", "SDK for Rust"],
    ["console.amazonaws.com", "console"],
    ["signin.amazonaws.com", "console"],
    ["AWS Internal", "AWS Internal"],
    ["cloudformation.amazonaws.com", "AWS service (cloudformation)"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15", "browser"],
    ["curl/8.5.0", "other (curl)"],
    ["python-requests/2.31.0", "other (python-requests)"],
  ])("%s → %s", (agent, family) => {
    expect(userAgentFamily(agent)).toBe(family);
  });

  it("calls a missing or empty agent unknown", () => {
    expect(userAgentFamily(undefined)).toBe("unknown");
    expect(userAgentFamily("  ")).toBe("unknown");
  });

  it("never repeats an unknown agent beyond a plain product name: the key's holder chooses it", () => {
    expect(userAgentFamily("<!channel> @here https://evil.example/x")).toBe("other");
    expect(userAgentFamily("@here/1.0")).toBe("other");
    expect(userAgentFamily(`${"a".repeat(40)}/1.0`)).toBe("other");
    expect(userAgentFamily("\u001b[31mred/1.0")).toBe("other");
  });
});
