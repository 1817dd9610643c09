/**
 * The one-line usage summary for an owner's direct message and a deactivation notice: what will
 * break when the key goes. Plain text; a Slack message passes it through `inertText` like any other
 * text from AWS.
 */
import { type UsageSummary, formatUtcMinute, windowDays } from "./summarize-usage";

const SERVICES_SHOWN = 3;
const IPS_SHOWN = 2;
const AGENTS_SHOWN = 3;

const number = (value: number): string => value.toLocaleString("en-US");

/** ` and 2 more IPs` when a list was cut, else nothing. */
function more(shown: number, total: number, singular: string, plural: string): string {
  const rest = total - shown;
  return rest > 0 ? ` and ${rest} more ${rest === 1 ? singular : plural}` : "";
}

/**
 * One line such as `1,234 calls in the last 90 days, last 2026-06-04 09:12 UTC: s3 812, ec2 300,
 * sts 122 · from 203.0.113.7, 198.51.100.2 and 1 more IP · with Terraform, aws-cli`. It says when
 * regions failed, and for a key without calls, which window and how many regions were searched.
 */
export function formatUsageLine(summary: UsageSummary): string {
  const days = windowDays(summary.from, summary.to);
  const window = days === 1 ? "in the last day" : `in the last ${days} days`;
  const incomplete =
    summary.regionErrors.length > 0
      ? ` (incomplete: ${summary.regionErrors.length} ${summary.regionErrors.length === 1 ? "region" : "regions"} could not be read)`
      : "";
  if (summary.events === 0) {
    const regions = summary.regionsChecked.length;
    return `No calls ${window} (CloudTrail management events, ${regions} ${regions === 1 ? "region" : "regions"})${incomplete}.`;
  }
  const services = summary.services
    .slice(0, SERVICES_SHOWN)
    .map((entry) => `${entry.service} ${number(entry.calls)}`)
    .join(", ");
  const ips = summary.sourceIps
    .slice(0, IPS_SHOWN)
    .map((entry) => entry.ip)
    .join(", ");
  const agents = summary.userAgents
    .slice(0, AGENTS_SHOWN)
    .map((entry) => entry.agent)
    .join(", ");
  const last = summary.lastSeen ? `, last ${formatUtcMinute(summary.lastSeen)}` : "";
  return (
    `${number(summary.events)} ${summary.events === 1 ? "call" : "calls"} ${window}${last}: ` +
    `${services}${more(SERVICES_SHOWN, summary.services.length, "service", "services")}` +
    ` · from ${ips}${more(IPS_SHOWN, summary.sourceIps.length, "IP", "IPs")}` +
    ` · with ${agents}${more(AGENTS_SHOWN, summary.userAgents.length, "tool", "tools")}` +
    incomplete
  );
}
