import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runProcess } from "./run-process";

/** Result of one Terraform command. */
export interface TerraformResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

const MIRROR_CANDIDATES = ["/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins"];

/**
 * Finds a local provider mirror that holds `hashicorp/aws` (these machines have no registry access):
 * `TF_PROVIDER_MIRROR` if set, else the usual places, else a bounded filesystem search.
 */
export function findProviderMirror(): string | undefined {
  const hasAws = (dir: string) => existsSync(path.join(dir, "registry.terraform.io", "hashicorp", "aws"));
  const configured = process.env.TF_PROVIDER_MIRROR;
  if (configured) return hasAws(configured) ? configured : undefined;
  const known = MIRROR_CANDIDATES.find(hasAws);
  if (known) return known;
  const found = spawnSync(
    "find",
    ["/", "-maxdepth", "6", "-path", "*/registry.terraform.io/hashicorp/aws", "-type", "d"],
    {
      encoding: "utf8",
    },
  ).stdout.split("\n")[0];
  return found ? path.resolve(found, "..", "..", "..") : undefined;
}

/**
 * Writes a Terraform CLI config into `dir` that installs providers from the local mirror only, and
 * returns the environment that uses it. Without a mirror Terraform falls back to the public registry.
 */
export function terraformEnvironment(dir: string): Record<string, string> {
  const mirror = findProviderMirror();
  const file = path.join(dir, "terraformrc");
  writeFileSync(
    file,
    mirror
      ? `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`
      : "",
  );
  return { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_CLI_CONFIG_FILE: file };
}

/** True when `terraform` is on PATH. */
export function terraformAvailable(): boolean {
  return spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
}

/** Runs `terraform <args>` in a stack directory without a TTY and collects its output. */
export async function terraform(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<TerraformResult> {
  const result = await runProcess("terraform", [...args, "-no-color"], { cwd, env: { ...process.env, ...env } });
  return { ...result, code: result.code ?? 1 };
}

/** Runs `terraform <args>` and throws with its output unless it exits 0. */
export async function terraformOk(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<TerraformResult> {
  const result = await terraform(args, cwd, env);
  if (result.code !== 0) {
    throw new Error(
      `terraform ${args.join(" ")} failed in ${cwd} (exit ${result.code}):\n${result.stderr || result.stdout}`,
    );
  }
  return result;
}
