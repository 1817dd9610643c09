import { embeddedMetrics, METRIC_NAMESPACE } from "../../../handler/runtime/run-metrics";

describe("embeddedMetrics", () => {
  const figures = {
    counts: { critical: 2, warning: 1, unused: 0, ok: 7, inactive: 1 },
    durationMs: 1234,
    apiCalls: 21,
    throttledRequests: 4,
    retries: 5,
    uncheckedUsers: 3,
  };
  const fields = embeddedMetrics(figures, "prod", new Date("2026-11-26T10:00:00Z"));

  test("declares every figure under one namespace with the environment dimension", () => {
    expect(fields._aws).toEqual({
      Timestamp: Date.parse("2026-11-26T10:00:00Z"),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [["Environment"]],
          Metrics: [
            { Name: "CriticalKeys", Unit: "Count" },
            { Name: "WarningKeys", Unit: "Count" },
            { Name: "UnusedKeys", Unit: "Count" },
            { Name: "OkKeys", Unit: "Count" },
            { Name: "InactiveKeys", Unit: "Count" },
            { Name: "ScanDuration", Unit: "Milliseconds" },
            { Name: "ApiCalls", Unit: "Count" },
            { Name: "ThrottledRequests", Unit: "Count" },
            { Name: "Retries", Unit: "Count" },
            { Name: "UncheckedUsers", Unit: "Count" },
          ],
        },
      ],
    });
  });

  test("carries each declared metric's value at the top level, as EMF requires", () => {
    expect(fields).toMatchObject({
      Environment: "prod",
      CriticalKeys: 2,
      WarningKeys: 1,
      UnusedKeys: 0,
      OkKeys: 7,
      InactiveKeys: 1,
      ScanDuration: 1234,
      ApiCalls: 21,
      ThrottledRequests: 4,
      Retries: 5,
      UncheckedUsers: 3,
    });
    const declared = (
      fields._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics[0].Metrics.map((m) => m.Name);
    for (const name of declared) expect(typeof fields[name]).toBe("number");
  });

  test("labels the counts a credential report vouches for, and the report's age", () => {
    const reported = embeddedMetrics(
      { ...figures, fromReport: { ok: 5, inactive: 1, generatedAt: new Date("2026-11-26T07:30:00Z") } },
      "prod",
      new Date("2026-11-26T10:00:00Z"),
    );
    expect(reported).toMatchObject({ OkKeys: 7, InactiveKeys: 1, ReportOkKeys: 5, ReportInactiveKeys: 1 });
    expect(reported.CredentialReportAge).toBe(2.5 * 3600);
    const declared = (reported._aws as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] })
      .CloudWatchMetrics[0].Metrics;
    expect(declared.slice(-3)).toEqual([
      { Name: "ReportOkKeys", Unit: "Count" },
      { Name: "ReportInactiveKeys", Unit: "Count" },
      { Name: "CredentialReportAge", Unit: "Seconds" },
    ]);
    expect(fields).not.toHaveProperty("ReportOkKeys");
  });

  test("throttling and budget figures a run did not measure are reported as 0, so alarms see data", () => {
    const plain = embeddedMetrics({ counts: {}, durationMs: 1, apiCalls: 1 }, "prod", new Date());
    expect(plain).toMatchObject({ ThrottledRequests: 0, Retries: 0, UncheckedUsers: 0 });
  });
});
