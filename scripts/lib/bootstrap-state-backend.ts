import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { BOOTSTRAP_LOCAL_STATE_FILE } from "../../stacks/state-backend-stack";
import { type BootstrapStep, chooseBootstrapStep } from "./bootstrap-step";
import { terraform, terraformOk } from "./terraform";

// Terraform merges `*_override.tf.json` over the synthesized stack: a backend block there replaces the
// S3 backend, so the first apply can run before the bucket exists without a second synthesized variant.
const LOCAL_BACKEND_OVERRIDE = "bootstrap_override.tf.json";
// Import blocks that adopt an existing bucket and table (a plain config file: overrides cannot add blocks).
const ADOPT_FILE = "bootstrap_adopt.tf.json";
const PLAN_FILE = "bootstrap.tfplan";

/** Options of {@link bootstrapStateBackend}. */
export interface BootstrapOptions {
  /** The synthesized `state-backend` stack directory (`<outdir>/stacks/state-backend`). */
  readonly stackDir: string;
  /** Environment for Terraform (credentials, CLI config); merged over this process's. */
  readonly env: Readonly<Record<string, string>>;
  /** Import an existing bucket and lock table when no state knows them. @default false */
  readonly adoptExisting?: boolean;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

/** What a bootstrap run did. */
export interface BootstrapResult {
  /** The step it took. */
  readonly step: Exclude<BootstrapStep["kind"], "refuse">;
  /** Whether it changed any resource. */
  readonly changed: boolean;
  /** Where the bootstrap's state lives now, `s3://bucket/key`. */
  readonly stateLocation: string;
}

/** Raised when the bootstrap stops without changing anything; the message says what to do. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BootstrapError";
  }
}

interface StackFacts {
  readonly bucket: string;
  readonly key: string;
  readonly lockTable: string;
  readonly bucketAddress: string;
  readonly lockTableAddress: string;
}

/**
 * Creates or updates the state backend and keeps the bootstrap's own state in it: on the first run,
 * apply with local state (the bucket does not exist yet), then `terraform init -migrate-state` into
 * the bucket under the stack's own key, locked by the table; on every later run, plan against that
 * remote state and apply only what changed. Safe to re-run, including after a crash between the two.
 */
export async function bootstrapStateBackend(options: BootstrapOptions): Promise<BootstrapResult> {
  const { stackDir, env } = options;
  const log = options.log ?? (() => {});
  const facts = stackFacts(stackDir);
  const stateLocation = `s3://${facts.bucket}/${facts.key}`;
  removeBootstrapFiles(stackDir);

  const remote = await observeRemote(stackDir, env);
  const localResources = managedResources(readLocalState(stackDir));
  const step = chooseBootstrapStep({ ...remote, localResources }, { adoptExisting: options.adoptExisting });

  if (step.kind === "refuse") throw new BootstrapError(`state-backend: ${step.reason}`);
  if (step.kind === "update-remote") {
    if (step.staleLocalFile) {
      log(`a local ${BOOTSTRAP_LOCAL_STATE_FILE} is left from an earlier run; the state in ${stateLocation} is used`);
    }
    const changed = await planAndApply(stackDir, env);
    log(changed ? `applied the changes; state in ${stateLocation}` : `no changes; state in ${stateLocation}`);
    return { step: step.kind, changed, stateLocation };
  }

  try {
    writeFileSync(
      path.join(stackDir, LOCAL_BACKEND_OVERRIDE),
      JSON.stringify({ terraform: { backend: { local: { path: BOOTSTRAP_LOCAL_STATE_FILE } } } }, null, 2),
    );
    if (step.adoptExisting) {
      log(`adopting the existing bucket ${facts.bucket} and lock table ${facts.lockTable}`);
      writeFileSync(
        path.join(stackDir, ADOPT_FILE),
        JSON.stringify(
          {
            import: [
              { to: facts.bucketAddress, id: facts.bucket },
              { to: facts.lockTableAddress, id: facts.lockTable },
            ],
          },
          null,
          2,
        ),
      );
    }
    await terraformOk(["init", "-reconfigure", "-input=false"], stackDir, env);
    log(`applying with local state (${BOOTSTRAP_LOCAL_STATE_FILE})`);
    await terraformOk(["apply", "-auto-approve", "-input=false"], stackDir, env);
  } finally {
    removeBootstrapFiles(stackDir);
  }

  log(`moving the state into ${stateLocation}`);
  await terraformOk(["init", "-migrate-state", "-force-copy", "-input=false"], stackDir, env);
  const migrated = managedResources(await pullState(stackDir, env));
  if (migrated === 0) throw new BootstrapError(`state-backend: ${stateLocation} is empty after the migration`);
  // The bucket holds the state now (versioned); a second copy on disk would only go stale.
  for (const file of [BOOTSTRAP_LOCAL_STATE_FILE, `${BOOTSTRAP_LOCAL_STATE_FILE}.backup`]) {
    rmSync(path.join(stackDir, file), { force: true });
  }
  if (await planAndApply(stackDir, env, { expectNoChanges: true })) {
    throw new BootstrapError(`state-backend: the remote state in ${stateLocation} does not match after migration`);
  }
  log(`state in ${stateLocation}, locked by ${facts.lockTable}`);
  return { step: step.kind, changed: true, stateLocation };
}

/** Reads the backend settings and the two resources' addresses from the synthesized stack. */
function stackFacts(stackDir: string): StackFacts {
  const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  const s3 = stack.terraform?.backend?.s3;
  if (!s3) throw new BootstrapError(`${stackDir}: the state-backend stack has no S3 backend`);
  const only = (type: string) => {
    const names = Object.keys(stack.resource?.[type] ?? {});
    if (names.length !== 1) throw new BootstrapError(`${stackDir}: expected one ${type}, found ${names.length}`);
    return `${type}.${names[0]}`;
  };
  return {
    bucket: s3.bucket,
    key: s3.key,
    lockTable: s3.dynamodb_table,
    bucketAddress: only("aws_s3_bucket"),
    lockTableAddress: only("aws_dynamodb_table"),
  };
}

/** Initialises the S3 backend: it fails when the bucket does not exist; else reads the state object. */
async function observeRemote(stackDir: string, env: Readonly<Record<string, string>>) {
  const init = await terraform(["init", "-reconfigure", "-input=false"], stackDir, env);
  if (init.code !== 0) {
    if (/NoSuchBucket|bucket does not exist|S3 bucket "[^"]*" does not exist/i.test(init.stderr + init.stdout)) {
      return { bucketExists: false, remoteResources: 0 };
    }
    throw new Error(`terraform init failed in ${stackDir} (exit ${init.code}):\n${init.stderr || init.stdout}`);
  }
  return { bucketExists: true, remoteResources: managedResources(await pullState(stackDir, env)) };
}

async function pullState(stackDir: string, env: Readonly<Record<string, string>>): Promise<unknown> {
  const pulled = await terraformOk(["state", "pull"], stackDir, env);
  return pulled.stdout.trim() === "" ? undefined : JSON.parse(pulled.stdout);
}

function readLocalState(stackDir: string): unknown {
  const file = path.join(stackDir, BOOTSTRAP_LOCAL_STATE_FILE);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return text.trim() === "" ? undefined : JSON.parse(text);
}

function managedResources(state: unknown): number {
  const resources = (state as { resources?: { mode?: string }[] } | undefined)?.resources ?? [];
  return resources.filter((resource) => resource.mode === "managed").length;
}

/** Plans; applies that very plan when it has changes (unless only checking). Returns whether it had changes. */
async function planAndApply(
  stackDir: string,
  env: Readonly<Record<string, string>>,
  options: { readonly expectNoChanges?: boolean } = {},
): Promise<boolean> {
  const plan = await terraform(["plan", "-detailed-exitcode", "-input=false", `-out=${PLAN_FILE}`], stackDir, env);
  try {
    if (plan.code === 0) return false;
    if (plan.code !== 2) {
      throw new Error(`terraform plan failed in ${stackDir} (exit ${plan.code}):\n${plan.stderr || plan.stdout}`);
    }
    if (!options.expectNoChanges) await terraformOk(["apply", "-input=false", PLAN_FILE], stackDir, env);
    return true;
  } finally {
    rmSync(path.join(stackDir, PLAN_FILE), { force: true });
  }
}

function removeBootstrapFiles(stackDir: string): void {
  for (const file of [LOCAL_BACKEND_OVERRIDE, ADOPT_FILE, PLAN_FILE])
    rmSync(path.join(stackDir, file), { force: true });
}
