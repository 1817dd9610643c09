import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { loadConfig } from "../handler/runtime/config/config";
import {
  ENFORCEMENT_BRAKE_METRIC,
  keyCountMetric,
  METRIC_DIMENSION,
  METRIC_NAMESPACE,
  UNCHECKED_USERS_METRIC,
} from "../handler/runtime/run-metrics";
import { chooseScanStrategy } from "../handler/scan/scan-strategy";
import { parseEnforcementMode } from "../handler/enforcement/enforcement-mode";
import { AlertStateTable } from "../modules/alert-state-table/alert-state-table";
import { FailedRunQueue } from "../modules/failed-run-queue/failed-run-queue";
import { FunctionAlarms } from "../modules/function-alarms/function-alarms";
import { KeyAgeFunction } from "../modules/key-age-function/key-age-function";
import { MonitorDashboard } from "../modules/monitor-dashboard/monitor-dashboard";
import { securityHubWidget } from "../modules/monitor-dashboard/dashboard-widgets";
import { SECURITY_HUB_EXPORT_FAILED_METRIC } from "../handler/security-hub/security-hub-metrics";
import { DEFAULT_SCHEDULE, ScheduleRule } from "../modules/schedule-rule/schedule-rule";
import { EnvironmentSettings, StateBackendSettings } from "./environment-config";
import {
  alertStateTableName,
  handlerEnvironment,
  keyAgeFunctionName,
  legacyAlertStateTableName,
} from "./handler-environment";
import { forgetPreviousAlertStateTable } from "./previous-alert-state";
import { maximumEventAgeSeconds } from "./maximum-event-age";
import { remoteStateBackend } from "./remote-state";
import { HEARTBEAT_EVENT_KIND } from "../handler/runtime/run-trigger";
import { DEFAULT_MEMBER_ROLE_NAME } from "../handler/organization/organization-scope";
import { STALE_ACCOUNTS_METRIC } from "../handler/organization/stale-accounts";
import { DispatcherAlarms } from "../modules/organization-fan-out/dispatcher-alarms";
import { OrganizationFanOut, WORKER_MEMORY_MB } from "../modules/organization-fan-out/organization-fan-out";
import { MemberRoleStackSet } from "../modules/member-role-stack-set/member-role-stack-set";
import { MemberRole } from "../modules/member-role/member-role";
import { ORGANIZATION_DEFAULTS, memberRoleInThisAccount, organizationEnvironment } from "./organization-settings";
import { exposureEventRoute, type ExposureEventRoute } from "./exposure-route";

/** Props of {@link MonitorStack}. */
export interface MonitorStackProps {
  /** Environment name: the stack is `monitor-<name>`. */
  readonly environmentName: string;
  /** The environment's settings (already validated). */
  readonly settings: EnvironmentSettings;
  /** The shared state backend. */
  readonly stateBackend: StateBackendSettings;
}

/** Name of the monitor stack of an environment. */
export function monitorStackName(environmentName: string): string {
  return `monitor-${environmentName}`;
}

/** One environment's monitor: the key-age function on a schedule, with its state in the shared S3 backend. */
export class MonitorStack extends TerraformStack {
  /** The key-age function. */
  public readonly keyAgeFunction: KeyAgeFunction;
  /** The schedule that invokes it. */
  public readonly schedule: ScheduleRule;
  /** Where failed runs are kept. */
  public readonly failedRuns: FailedRunQueue;
  /** The monitor's own alarms. */
  public readonly alarms: FunctionAlarms;
  /** The monitor's CloudWatch dashboard. */
  public readonly dashboard: MonitorDashboard;
  /** The alert state. @default undefined when `alertState` is false */
  public readonly alertState?: AlertStateTable;
  /** The daily heartbeat. @default undefined without `heartbeatSchedule` */
  public readonly heartbeat?: ScheduleRule;
  /** Organization mode's dispatcher, queues and mapping. @default undefined in single-account mode */
  public readonly fanOut?: OrganizationFanOut;
  /** The StackSet putting the member role into member accounts. @default undefined */
  public readonly memberRoleStackSet?: MemberRoleStackSet;
  /** AWS Health exposure events' route to a run. @default undefined with `exposureEvents: false` */
  public readonly exposureEvents?: ExposureEventRoute;

  constructor(scope: Construct, props: MonitorStackProps) {
    const name = monitorStackName(props.environmentName);
    super(scope, name);
    const { settings, stateBackend } = props;

    remoteStateBackend(this, stateBackend, { s3NativeLocking: settings.s3NativeLocking });

    const providerSettings = {
      assumeRole: settings.assumeRoleArn
        ? [{ roleArn: settings.assumeRoleArn, sessionName: `key-age-${props.environmentName}` }]
        : undefined,
      defaultTags: [{ tags: { project: "iam-key-age-monitor", ...settings.tags } }],
    };
    new AwsProvider(this, "aws", { region: settings.region, ...providerSettings });

    const functionName = keyAgeFunctionName(props.environmentName);
    if (settings.alertState ?? true) {
      this.alertState = new AlertStateTable(this, "account-state", {
        tableName: alertStateTableName(functionName),
        deletionProtection: settings.deletionProtection,
      });
      // The previous layout's table (a key-schema change is a replacement): left standing for the
      // function to carry its items over, and no longer managed here. See the README's upgrade note.
      forgetPreviousAlertStateTable(this, "alert-state");
    }
    const organization = settings.organization;
    // SECURITY_HUB=on: findings go to the account that owns the keys, in the monitor's region.
    const securityHub = settings.securityHub === true;
    const workerConcurrency = organization?.workerMaxConcurrency ?? ORGANIZATION_DEFAULTS.workerMaxConcurrency;
    this.keyAgeFunction = new KeyAgeFunction(this, "key-age-function", {
      functionName,
      environment: {
        ...handlerEnvironment(props.environmentName, settings).variables,
        // The table's attribute rather than its name as text, so Terraform orders the two.
        ...(this.alertState ? { ALERT_STATE_TABLE: this.alertState.table.name } : {}),
        ...(organization ? organizationEnvironment(organization) : {}),
      },
      // Organization mode: this function is the worker, reading IAM only through member roles.
      ...(organization
        ? {
            handler: "index.worker",
            scanOwnAccount: false,
            reservedConcurrency: workerConcurrency,
            // A batch's accounts are scanned side by side: their memory adds up.
            memorySize: WORKER_MEMORY_MB,
          }
        : {}),
      alertStateTable: this.alertState?.table,
      ...(this.alertState ? { legacyAlertStateTableName: legacyAlertStateTableName(functionName) } : {}),
      readCredentialReport: mayUseCredentialReport(props.environmentName, settings),
      // The function's own parser: a value it would not run armed with never grants the permission.
      deactivateKeys: parseEnforcementMode(settings.enforcement) === "armed",
      // In organization mode the worker imports through the member roles, and its own role gets nothing.
      importSecurityHubFindings: securityHub && !organization,
      // KEY_USAGE=on: single-account only (synth refuses it with organization, see validate-organization.ts).
      lookupKeyUsage: settings.keyUsage === true && !organization,
      slackWebhookParameterName: settings.slackWebhookParameter,
      slackWebhookKmsKeyArn: settings.slackWebhookKmsKeyArn,
      slackBotTokenParameterName: settings.slackBotTokenParameter,
      slackBotTokenKmsKeyArn: settings.slackBotTokenKmsKeyArn,
      logRetentionDays: settings.logRetentionDays,
    });

    if (organization) {
      this.fanOut = new OrganizationFanOut(this, "organization", {
        worker: this.keyAgeFunction,
        workerTimeoutSeconds: 300,
        memberRoleName: organization.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
        dispatcherEnvironment: { ENVIRONMENT_NAME: props.environmentName, ...organizationEnvironment(organization) },
        listing: {
          organization: organization.accounts === undefined && organization.includeOrganizationalUnits === undefined,
          units:
            organization.includeOrganizationalUnits !== undefined ||
            organization.excludeOrganizationalUnits !== undefined,
        },
        // The heartbeat is one organization summary, posted by the dispatcher.
        ...(settings.heartbeatSchedule !== undefined
          ? {
              summarySlack: {
                environment: handlerEnvironment(props.environmentName, settings).variables,
                slackWebhookParameterName: settings.slackWebhookParameter,
                slackWebhookKmsKeyArn: settings.slackWebhookKmsKeyArn,
                slackBotTokenParameterName: settings.slackBotTokenParameter,
                slackBotTokenKmsKeyArn: settings.slackBotTokenKmsKeyArn,
              },
            }
          : {}),
        maxConcurrency: workerConcurrency,
        maxReceiveCount: organization.maxReceiveCount ?? ORGANIZATION_DEFAULTS.maxReceiveCount,
        alertStateTable: this.alertState?.table,
        readAccountTags: settings.slackChannelFromAccountTag === true && settings.slackBotTokenParameter !== undefined,
        logRetentionDays: settings.logRetentionDays,
      });
      if (memberRoleInThisAccount(organization)) {
        new MemberRole(this, "member-role", {
          trustedRole: this.keyAgeFunction.role,
          roleName: organization.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
          organizationId: organization.organizationId,
          readCredentialReport: mayUseCredentialReport(props.environmentName, settings),
          ...(securityHub ? { securityHubRegion: settings.region } : {}),
        });
      }
      if (organization.memberRoleStackSet) {
        this.memberRoleStackSet = new MemberRoleStackSet(this, "member-role-stack-set", {
          trustedRole: this.keyAgeFunction.role,
          organizationalUnits: organization.memberRoleStackSet.organizationalUnits,
          roleName: organization.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
          organizationId: organization.organizationId,
          readCredentialReport: mayUseCredentialReport(props.environmentName, settings),
          callAs: organization.memberRoleStackSet.callAs,
          region: settings.region,
          ...(securityHub ? { securityHubRegion: settings.region } : {}),
        });
      }
    }
    // The schedule starts a scan: the function itself, or in organization mode the dispatcher.
    const scheduled = this.fanOut?.dispatcher ?? this.keyAgeFunction;

    // Names and descriptions below are built from plain text (functionName, KeyAgeFunction.name), never
    // from `function.functionName`: that reference would hold every queue, alarm and rule back until the
    // function exists, so Terraform would wait out each resource's create one after another. Only what
    // needs the function (the invoke config, permissions, targets, the mapping) references it.
    const scheduleExpression = settings.schedule ?? DEFAULT_SCHEDULE;
    this.schedule = new ScheduleRule(this, "schedule", {
      ruleName: functionName,
      function: scheduled.function,
      functionName: scheduled.name,
      scheduleExpression,
    });

    if (settings.heartbeatSchedule !== undefined) {
      this.heartbeat = new ScheduleRule(this, "heartbeat", {
        ruleName: `${functionName}-heartbeat`,
        function: scheduled.function,
        functionName: scheduled.name,
        scheduleExpression: settings.heartbeatSchedule,
        description: this.fanOut
          ? `Daily organization summary of ${functionName}: accounts scanned, failing and flagged`
          : `Daily all-clear of ${functionName}: posts when nothing else was posted`,
        input: { kind: HEARTBEAT_EVENT_KIND },
      });
    }

    if (settings.exposureEvents ?? true) {
      const stackSet = organization?.memberRoleStackSet;
      this.exposureEvents = exposureEventRoute(this, {
        namePrefix: functionName,
        target: scheduled.function,
        targetName: scheduled.name,
        region: settings.region,
        provider: providerSettings,
        ...(stackSet
          ? {
              members: {
                ...(organization?.organizationId ? { organizationId: organization.organizationId } : {}),
                organizationalUnits: stackSet.organizationalUnits,
                ...(stackSet.callAs ? { callAs: stackSet.callAs } : {}),
              },
            }
          : {}),
      });
    }

    this.failedRuns = new FailedRunQueue(this, "failed-runs", {
      function: scheduled.function,
      functionName: scheduled.name,
      role: scheduled.role,
      maximumEventAgeSeconds: maximumEventAgeSeconds(scheduleExpression),
    });

    this.alarms = new FunctionAlarms(this, "alarms", {
      functionName,
      // Organization mode: the worker's failures end in the accounts' dead-letter queue.
      failedRunQueue: this.fanOut?.deadLetterQueue ?? this.failedRuns.queue,
      email: settings.alarmEmail,
      criticalKeysMetric: settings.alarmOnCriticalKeys
        ? {
            namespace: METRIC_NAMESPACE,
            metricName: keyCountMetric("critical"),
            dimensions: { [METRIC_DIMENSION]: props.environmentName },
          }
        : undefined,
      // An exposed key is an incident, not a backlog: it always raises an alarm too.
      exposedKeysMetric: {
        namespace: METRIC_NAMESPACE,
        metricName: keyCountMetric("exposed"),
        dimensions: { [METRIC_DIMENSION]: props.environmentName },
      },
      enforcementBrakeMetric:
        (parseEnforcementMode(settings.enforcement ?? "off") ?? "off") !== "off"
          ? {
              namespace: METRIC_NAMESPACE,
              metricName: ENFORCEMENT_BRAKE_METRIC,
              dimensions: { [METRIC_DIMENSION]: props.environmentName },
            }
          : undefined,
      uncheckedUsersMetric: {
        namespace: METRIC_NAMESPACE,
        metricName: UNCHECKED_USERS_METRIC,
        dimensions: { [METRIC_DIMENSION]: props.environmentName },
      },
      securityHubExportFailedMetric: securityHub
        ? {
            namespace: METRIC_NAMESPACE,
            metricName: SECURITY_HUB_EXPORT_FAILED_METRIC,
            dimensions: { [METRIC_DIMENSION]: props.environmentName },
          }
        : undefined,
    });

    let dispatcherAlarms: DispatcherAlarms | undefined;
    if (this.fanOut) {
      dispatcherAlarms = new DispatcherAlarms(this, "dispatcher-alarms", {
        functionName: this.fanOut.dispatcher.name,
        failedRunQueue: this.failedRuns.queue,
        topic: this.alarms.topic,
        ...(this.alertState
          ? {
              staleAccountsMetric: {
                namespace: METRIC_NAMESPACE,
                metricName: STALE_ACCOUNTS_METRIC,
                dimensions: { [METRIC_DIMENSION]: props.environmentName },
              },
            }
          : {}),
      });
      new TerraformOutput(this, "account_queue", { value: this.fanOut.queue.url });
      new TerraformOutput(this, "account_dead_letter_queue", { value: this.fanOut.deadLetterQueue.url });
      new TerraformOutput(this, "dispatcher_function_name", { value: this.fanOut.dispatcher.function.functionName });
    }

    this.dashboard = new MonitorDashboard(this, "dashboard", {
      dashboardName: functionName,
      region: settings.region,
      functionName,
      failedRunQueue: this.failedRuns.queue,
      runMetricDimensions: { [METRIC_DIMENSION]: props.environmentName },
      alarms: [...Object.values(this.alarms.alarms), ...Object.values(dispatcherAlarms?.alarms ?? {})],
      additionalWidgets: securityHub
        ? [
            securityHubWidget(
              { region: settings.region, periodSeconds: 600 },
              { [METRIC_DIMENSION]: props.environmentName },
            ),
          ]
        : [],
    });

    new TerraformOutput(this, "function_name", { value: this.keyAgeFunction.function.functionName });
    new TerraformOutput(this, "log_group", { value: this.keyAgeFunction.logGroup.name });
    new TerraformOutput(this, "failed_runs_queue", { value: this.failedRuns.queue.url });
    new TerraformOutput(this, "alarm_topic", { value: this.alarms.topic.arn });
    new TerraformOutput(this, "dashboard_url", { value: this.dashboard.consoleUrl });
  }
}

/**
 * Whether the function's scan can ever take the credential-report path: the same decision the handler
 * makes for `auto` (handler/scan/scan-strategy.ts), on the configuration the handler will load from the
 * variables the stack deploys. Per-user tags can only narrow who is checked live, never switch the strategy.
 */
export function mayUseCredentialReport(environmentName: string, settings: EnvironmentSettings): boolean {
  const config = loadConfig(handlerEnvironment(environmentName, settings).variables);
  return chooseScanStrategy(config.scanStrategy, config.thresholds) === "credential-report";
}
