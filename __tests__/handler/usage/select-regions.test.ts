import {
  RegionChoiceError,
  enabledRegions,
  isRegionName,
  regionsToCheck,
  type DescribedRegion,
} from "../../../handler/usage/select-regions";

const DESCRIBED: DescribedRegion[] = [
  { name: "us-west-2", optInStatus: "opt-in-not-required" },
  { name: "us-east-1", optInStatus: "opt-in-not-required" },
  { name: "ap-east-1", optInStatus: "not-opted-in" },
  { name: "me-south-1", optInStatus: "opted-in" },
];

describe("enabledRegions", () => {
  it("keeps regions that need no opt-in or were opted in, sorted", () => {
    expect(enabledRegions(DESCRIBED)).toEqual(["me-south-1", "us-east-1", "us-west-2"]);
  });
});

describe("regionsToCheck", () => {
  it("defaults to every enabled region", () => {
    expect(regionsToCheck(undefined, DESCRIBED)).toEqual(["me-south-1", "us-east-1", "us-west-2"]);
  });

  it("keeps the requested regions in their order, once each", () => {
    expect(regionsToCheck(["us-west-2", "me-south-1", "us-west-2"], DESCRIBED)).toEqual(["us-west-2", "me-south-1"]);
  });

  it("names the flag and an unknown region", () => {
    expect(() => regionsToCheck(["us-east-1", "xx-fake-1"], DESCRIBED)).toThrow(RegionChoiceError);
    expect(() => regionsToCheck(["xx-fake-1"], DESCRIBED)).toThrow(/^--regions "xx-fake-1": not a region/);
  });

  it("names a region that exists but is not enabled, with its opt-in status", () => {
    expect(() => regionsToCheck(["ap-east-1"], DESCRIBED)).toThrow(
      '--regions "ap-east-1": not enabled in this account (opt-in status not-opted-in)',
    );
  });
});

describe("isRegionName", () => {
  it.each(["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-7", "cn-north-1"])("accepts %s", (name) => {
    expect(isRegionName(name)).toBe(true);
  });

  it.each(["US-EAST-1", "us-east", "useast1", "us-east-1a", "", "eu_west_1"])("rejects %j", (name) => {
    expect(isRegionName(name)).toBe(false);
  });
});
