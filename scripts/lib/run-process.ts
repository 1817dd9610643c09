import { spawn } from "node:child_process";

/** What a finished child process did. */
export interface ProcessResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Working directory. @default the current one */
  readonly cwd?: string;
  /** The child's whole environment. @default this process's */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting it kills the child with SIGKILL, as Lambda ends a container. @default never */
  readonly signal?: AbortSignal;
}

/**
 * Runs a command with no stdin and collects its output. Asynchronous on purpose: loopback servers
 * living in this process (a fake Slack, a proxy) keep answering while the child runs.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.signal ? { signal: options.signal, killSignal: "SIGKILL" as const } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", (error) => {
      // A kill on purpose is an outcome, not an error: "close" reports it.
      if (!options.signal?.aborted) reject(error);
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
