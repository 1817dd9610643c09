import { DescribeRegionsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { DescribedRegion } from "./select-regions";

/**
 * Every region of the partition with its opt-in status (`ec2:DescribeRegions` with `AllRegions`), so
 * a requested region can be told apart as unknown or as not enabled. EC2 rather than
 * `account:ListRegions`: read-only roles (ReadOnlyAccess, SecurityAudit, ViewOnlyAccess) grant it, and
 * moto emulates it.
 */
export async function describeRegions(ec2: EC2Client): Promise<DescribedRegion[]> {
  const { Regions } = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  return (Regions ?? []).flatMap((region) =>
    region.RegionName
      ? [{ name: region.RegionName, ...(region.OptInStatus ? { optInStatus: region.OptInStatus } : {}) }]
      : [],
  );
}
