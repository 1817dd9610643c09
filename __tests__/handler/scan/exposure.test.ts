import { isQuarantined, keyExposure, quarantinePolicyNames } from "../../../handler/scan/exposure";

describe("quarantinePolicyNames", () => {
  it("finds AWS's quarantine policies in every version and partition, once each", () => {
    expect(
      quarantinePolicyNames([
        "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine",
        "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2",
        "arn:aws-us-gov:iam::aws:policy/AWSCompromisedKeyQuarantineV3",
        "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3",
        "arn:aws:iam::aws:policy/AdministratorAccess",
      ]),
    ).toEqual(["AWSCompromisedKeyQuarantine", "AWSCompromisedKeyQuarantineV2", "AWSCompromisedKeyQuarantineV3"]);
  });

  it("ignores a customer policy that only borrows the name: only AWS attaches the real one", () => {
    expect(isQuarantined(["arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV3"])).toBe(false);
    expect(isQuarantined(undefined)).toBe(false);
  });
});

describe("keyExposure", () => {
  it("says why a key is exposed, or nothing", () => {
    const event = new Set(["AKIAEVENT00000000001"]);
    expect(keyExposure("AKIAOTHER00000000001", [], event)).toBeUndefined();
    expect(keyExposure("AKIAEVENT00000000001", undefined, event)).toEqual({ healthEvent: true });
    expect(
      keyExposure("AKIAEVENT00000000001", ["arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2"], event),
    ).toEqual({ quarantinePolicies: ["AWSCompromisedKeyQuarantineV2"], healthEvent: true });
  });
});
