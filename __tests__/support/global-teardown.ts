import { rmSync } from "node:fs";

/** Removes the run's temporary directory made by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.KEY_AGE_TEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
