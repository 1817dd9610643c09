import { CredentialReportFormatError, parseCredentialReport, parseCsv } from "../../../handler/scan/credential-report";

// A report as AWS writes it (columns as documented, root row first, CRLF line ends here), with the
// values IAM uses for "nothing": N/A, no_information and not_supported.
const HEADER =
  "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation," +
  "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region," +
  "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date," +
  "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const AWS_REPORT = [
  HEADER,
  "<root_account>,arn:aws:iam::123456789012:root,2014-09-01T22:28:48+00:00,not_supported,2024-11-12T23:36:49+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
  "alice,arn:aws:iam::123456789012:user/alice,2019-03-01T10:00:00+00:00,true,2025-05-30T08:00:00+00:00,2024-01-01T00:00:00+00:00,N/A,true,true,2024-12-01T09:15:27+00:00,2025-05-31T17:02:00+00:00,us-east-1,s3,false,2023-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
  "ci-bot,arn:aws:iam::123456789012:user/ci-bot,2020-01-01T00:00:00+00:00,false,no_information,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,no_information,N/A,N/A,true,2025-04-01T00:00:00+00:00,not_supported,N/A,N/A,false,N/A,false,N/A",
  "nokeys,arn:aws:iam::123456789012:user/nokeys,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
].join("\r\n");

describe("parseCredentialReport", () => {
  it("reads AWS's report: drops the root row, keeps existing key slots, maps N/A and no_information", () => {
    expect(parseCredentialReport(`${AWS_REPORT}\r\n`)).toEqual([
      {
        userName: "alice",
        accessKeys: [
          {
            slot: 1,
            active: true,
            createDate: new Date("2024-12-01T09:15:27Z"),
            lastUsed: new Date("2025-05-31T17:02:00Z"),
          },
          { slot: 2, active: false, createDate: new Date("2023-01-01T00:00:00Z"), lastUsed: "never" },
        ],
      },
      {
        userName: "ci-bot",
        accessKeys: [
          { slot: 1, active: true, createDate: new Date("2025-01-01T00:00:00Z"), lastUsed: "unknown" },
          { slot: 2, active: true, createDate: new Date("2025-04-01T00:00:00Z"), lastUsed: "unknown" },
        ],
      },
      { userName: "nokeys", accessKeys: [] },
    ]);
  });

  it("reads moto's report (LF line ends, columns found by name even if reordered or added)", () => {
    const moto =
      "arn,user,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active," +
      "access_key_2_last_rotated,access_key_2_last_used_date,extra\n" +
      "arn:aws:iam::123456789012:user/bob,bob,true,2025-05-01T00:00:00+00:00,N/A,false,N/A,N/A,x\n";
    expect(parseCredentialReport(moto)).toEqual([
      {
        userName: "bob",
        accessKeys: [{ slot: 1, active: true, createDate: new Date("2025-05-01T00:00:00Z"), lastUsed: "never" }],
      },
    ]);
  });

  it("unquotes RFC 4180 fields: user names with commas and quotes", () => {
    const row = (user: string) =>
      `${user},"arn:aws:iam::1:user/x",2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
    const rows = parseCredentialReport([HEADER, row('"ci,bot"'), row('"say ""hi"""')].join("\n"));
    expect(rows.map((r) => r.userName)).toEqual(["ci,bot", 'say "hi"']);
  });

  it("refuses a report it cannot read rather than hide keys", () => {
    expect(() => parseCredentialReport("")).toThrow(CredentialReportFormatError);
    expect(() => parseCredentialReport("user,arn\nalice,x\n")).toThrow(/missing column\(s\) access_key_1_active/);
    expect(() => parseCredentialReport(`${HEADER}\nalice,too,few\n`)).toThrow(/line 2 has 3 fields, the header has 22/);
    const activeWithoutDate = AWS_REPORT.split("\r\n")[4]!.replace("false,false,N/A", "false,true,N/A");
    expect(() => parseCredentialReport(`${HEADER}\n${activeWithoutDate}`)).toThrow(
      /nokeys: access key 1 is active but has no last_rotated date/,
    );
  });
});

describe("parseCsv", () => {
  it("handles quoted line breaks, empty fields, CRLF and a missing final line break", () => {
    expect(parseCsv('a,"b\r\nc",\r\n"",x')).toEqual([
      ["a", "b\r\nc", ""],
      ["", "x"],
    ]);
    expect(parseCsv("a\n\nb\n")).toEqual([["a"], [""], ["b"]]);
  });

  it("rejects an unclosed quote", () => {
    expect(() => parseCsv('a,"b')).toThrow(/not closed/);
  });
});
