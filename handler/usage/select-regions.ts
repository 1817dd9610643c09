/**
 * Which regions' event history to read: the account's enabled regions, or those asked for, checked
 * against what `ec2:DescribeRegions` (with `AllRegions`) says exists and is enabled. Pure.
 */

/** One region as `ec2:DescribeRegions` lists it. */
export interface DescribedRegion {
  readonly name: string;
  /** `opt-in-not-required`, `opted-in` or `not-opted-in`. */
  readonly optInStatus?: string;
}

/** Opt-in statuses of a region the account can use. */
const ENABLED_STATUSES = new Set(["opt-in-not-required", "opted-in"]);

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** True for a well-formed region name such as `eu-west-1` or `us-gov-west-1`. */
export function isRegionName(text: string): boolean {
  return REGION_NAME.test(text);
}

/** A requested region that does not exist or is not enabled; the CLI shows it as a usage error. */
export class RegionChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegionChoiceError";
  }
}

/** The enabled regions among `described`, sorted. */
export function enabledRegions(described: readonly DescribedRegion[]): string[] {
  return described
    .filter((region) => ENABLED_STATUSES.has(region.optInStatus ?? "opt-in-not-required"))
    .map((region) => region.name)
    .sort();
}

/**
 * The regions to read: every enabled region without `requested`, else `requested` in its order once
 * each. Throws a {@link RegionChoiceError} naming `flag` and the first region that does not exist
 * or is not enabled in the account.
 */
export function regionsToCheck(
  requested: readonly string[] | undefined,
  described: readonly DescribedRegion[],
  flag = "--regions",
): string[] {
  if (requested === undefined) return enabledRegions(described);
  const byName = new Map(described.map((region) => [region.name, region]));
  for (const name of requested) {
    const region = byName.get(name);
    if (!region) {
      throw new RegionChoiceError(
        `${flag} ${JSON.stringify(name)}: not a region of this partition (ec2:DescribeRegions lists ${described.length}, e.g. ${enabledRegions(described).slice(0, 3).join(", ")})`,
      );
    }
    if (!ENABLED_STATUSES.has(region.optInStatus ?? "opt-in-not-required")) {
      throw new RegionChoiceError(
        `${flag} ${JSON.stringify(name)}: not enabled in this account (opt-in status ${region.optInStatus})`,
      );
    }
  }
  return [...new Set(requested)];
}
