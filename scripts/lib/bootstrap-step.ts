/** What the bootstrap found before it changed anything. */
export interface BackendObservation {
  /** The state bucket exists (the S3 backend initialised). */
  readonly bucketExists: boolean;
  /** Resources in the bootstrap's state object in the bucket (0: no such object). */
  readonly remoteResources: number;
  /** Resources in the local bootstrap state file (0: no such file). */
  readonly localResources: number;
}

/** The one thing the bootstrap does next. */
export type BootstrapStep =
  /** The state is in the bucket already: plan against it and apply only what changed. */
  | { readonly kind: "update-remote"; readonly staleLocalFile: boolean }
  /**
   * Apply with local state (adopting an existing bucket and table first when `adoptExisting`), then
   * move that state into the bucket.
   */
  | { readonly kind: "apply-locally-then-migrate"; readonly adoptExisting: boolean }
  /** Neither state knows the bucket that exists: applying would try to create it again. */
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * Decides the bootstrap's next step from what exists. Pure, so every case is tested without AWS:
 * a re-run finds the remote state and changes nothing; a first run (or a run after a crash before the
 * move) applies locally and migrates; a lost local file with the bucket still there is adopted only
 * when the operator asks for it.
 */
export function chooseBootstrapStep(
  observed: BackendObservation,
  options: { readonly adoptExisting?: boolean } = {},
): BootstrapStep {
  if (observed.remoteResources > 0) return { kind: "update-remote", staleLocalFile: observed.localResources > 0 };
  if (observed.localResources > 0) return { kind: "apply-locally-then-migrate", adoptExisting: false };
  if (!observed.bucketExists) return { kind: "apply-locally-then-migrate", adoptExisting: false };
  if (options.adoptExisting) return { kind: "apply-locally-then-migrate", adoptExisting: true };
  return {
    kind: "refuse",
    reason:
      "the state bucket exists but neither the bucket nor the local file holds the bootstrap's state " +
      "(the local state file of an earlier bootstrap was lost). Run `npm run bootstrap -- --adopt-existing` " +
      "to import the existing bucket and lock table into a fresh state and move it into the bucket.",
  };
}
