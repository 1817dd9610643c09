import { Testing, TerraformStack } from "cdktf";
import { config } from "../../../environments";
import { SEVERITY_ORDER } from "../../../handler/scan/classify";
import { embeddedMetrics } from "../../../handler/runtime/run-metrics";
import { buildApp } from "../../../main";
import {
  type DashboardWidget,
  keysByStatusWidget,
  layOutWidgets,
} from "../../../modules/monitor-dashboard/dashboard-widgets";
import { MonitorDashboard } from "../../../modules/monitor-dashboard/monitor-dashboard";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

interface NamedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What the function really emits for an environment: read off its EMF record, not restated. */
function emittedMetrics(environment: string): NamedMetric[] {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((status) => [status, 1]));
  const fromReport = { ok: 1, inactive: 1, generatedAt: new Date(0) };
  const record = embeddedMetrics({ counts, durationMs: 1, apiCalls: 1, fromReport }, environment, new Date(0)) as Json;
  return record._aws.CloudWatchMetrics.flatMap((directive: Json) =>
    directive.Metrics.map((metric: Json) => ({
      namespace: directive.Namespace,
      name: metric.Name,
      dimensions: Object.fromEntries(directive.Dimensions[0].map((key: string) => [key, record[key]])),
    })),
  );
}

/** Every metric line of a dashboard body, as namespace, name and dimensions. */
function dashboardMetrics(body: Json): NamedMetric[] {
  return (body.widgets as Json[])
    .filter((widget) => widget.type === "metric")
    .flatMap((widget) => widget.properties.metrics as unknown[][])
    .map((line) => {
      const parts = line.filter((part): part is string => typeof part === "string");
      const [namespace, name, ...pairs] = parts;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
      return { namespace, name, dimensions };
    });
}

/** Run metrics the dashboard names that the function does not emit (same namespace, name, dimensions). */
function notEmitted(dashboard: readonly NamedMetric[], emitted: readonly NamedMetric[], namespace: string) {
  return dashboard
    .filter((metric) => metric.namespace === namespace)
    .filter((metric) => !emitted.some((e) => JSON.stringify(e) === JSON.stringify(metric)));
}

function monitorStacks(): { environment: string; json: Json }[] {
  const app = buildApp(config, Testing.app());
  return app.node.children
    .filter((c): c is TerraformStack => c instanceof TerraformStack && c.node.id.startsWith("monitor-"))
    .map((stack) => ({ environment: stack.node.id.replace(/^monitor-/, ""), json: JSON.parse(Testing.synth(stack)) }));
}

describe("MonitorDashboard in every monitor stack", () => {
  const stacks = monitorStacks();

  test.each(stacks.map((s) => [s.environment, s.json]))(
    "%s: every run metric it names is one the function emits",
    (environment, json) => {
      const dashboards = Object.values((json as Json).resource.aws_cloudwatch_dashboard) as Json[];
      expect(dashboards).toHaveLength(1);
      const body = JSON.parse(dashboards[0].dashboard_body);
      const emitted = emittedMetrics(environment as string);
      const named = dashboardMetrics(body);
      const namespace = emitted[0].namespace;
      expect(named.filter((m) => m.namespace === namespace).length).toBeGreaterThan(0);
      expect(notEmitted(named, emitted, namespace)).toEqual([]);
      // Every figure a run emits is on the dashboard.
      expect(emitted.filter((e) => !named.some((m) => JSON.stringify(m) === JSON.stringify(e)))).toEqual([]);
    },
  );

  test.each(stacks.map((s) => [s.environment, s.json]))(
    "%s: shows the function's runs and the failure queue",
    (_environment, json) => {
      const resources = (json as Json).resource;
      // The function's own name, as text: the dashboard does not wait for the function to exist.
      const functionName = (Object.values(resources.aws_lambda_function)[0] as Json).function_name;
      expect(functionName).toMatch(/^iam-key-age-monitor-/);
      const queue = Object.keys(resources.aws_sqs_queue)[0];
      const body = JSON.parse((Object.values(resources.aws_cloudwatch_dashboard)[0] as Json).dashboard_body);
      const named = dashboardMetrics(body);
      for (const name of ["Invocations", "Errors", "Throttles", "DestinationDeliveryFailures"]) {
        expect(named).toContainEqual({
          namespace: "AWS/Lambda",
          name,
          dimensions: { FunctionName: functionName },
        });
      }
      expect(named).toContainEqual({
        namespace: "AWS/SQS",
        name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: `\${aws_sqs_queue.${queue}.name}` },
      });
      const alarmWidget = (body.widgets as Json[]).find((w) => w.type === "alarm");
      expect(alarmWidget?.properties.alarms).toHaveLength(Object.keys(resources.aws_cloudwatch_metric_alarm).length);
    },
  );

  test("the stack outputs the dashboard's console URL", () => {
    const prod = stacks.find((s) => s.environment === "prod")!.json;
    const name = Object.keys(prod.resource.aws_cloudwatch_dashboard)[0];
    expect(prod.output.dashboard_url.value).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/\${aws_cloudwatch_dashboard.${name}.dashboard_name}`,
    );
  });

  test("a renamed or re-dimensioned metric is caught", () => {
    const emitted = emittedMetrics("prod");
    const renamed = { ...emitted[0], name: "CriticalKeyCount" };
    const otherDimension = { ...emitted[0], dimensions: { Env: "prod" } };
    expect(notEmitted([renamed, otherDimension, emitted[1]], emitted, emitted[0].namespace)).toEqual([
      renamed,
      otherDimension,
    ]);
  });
});

describe("MonitorDashboard", () => {
  const synth = (additionalWidgets?: DashboardWidget[]) =>
    JSON.parse(
      Testing.synthScope((scope) => {
        new MonitorDashboard(scope, "dashboard", {
          dashboardName: "key-age-test",
          region: "eu-west-1",
          functionName: "key-age-test",
          failedRunQueue: { name: "key-age-test-failed-runs" },
          runMetricDimensions: { Environment: "test" },
          additionalWidgets,
        });
      }),
    );
  const body = (json: Json) =>
    JSON.parse((Object.values(json.resource.aws_cloudwatch_dashboard)[0] as Json).dashboard_body);

  test("has the standard widgets, and no alarm widget without alarms", () => {
    const titles = (body(synth()).widgets as Json[]).map((w) => w.properties.title);
    expect(titles).toEqual([
      "Flagged keys by status",
      "Other keys by status",
      "Scan duration (ms)",
      "IAM calls per period",
      "IAM throttling: throttled attempts, retries, unchecked users",
      "Credential report: keys it vouched for, its age",
      "Runs: invocations, errors (failed runs), throttles",
      "Failed runs waiting in the queue",
    ]);
  });

  test("takes further widgets, such as keys by status for one account", () => {
    const perAccount = keysByStatusWidget(
      { region: "eu-west-1", periodSeconds: 600 },
      "Account 111111111111",
      ["critical"],
      {
        Environment: "test",
        Account: "111111111111",
      },
    );
    const widgets = body(synth([perAccount])).widgets as Json[];
    expect(widgets.at(-1)?.properties).toMatchObject({
      title: "Account 111111111111",
      metrics: [
        ["IamKeyAgeMonitor", "CriticalKeys", "Environment", "test", "Account", "111111111111", expect.any(Object)],
      ],
    });
  });

  test("lays widgets out two to a row and wraps full-width ones", () => {
    const widget = (width?: number, height?: number): DashboardWidget => ({
      type: "text",
      width,
      height,
      properties: {},
    });
    expect(layOutWidgets([widget(24, 3), widget(), widget(), widget()]).map(({ x, y }) => [x, y])).toEqual([
      [0, 0],
      [0, 3],
      [12, 3],
      [0, 9],
    ]);
  });
});
