import { chooseBootstrapStep } from "../../../scripts/lib/bootstrap-step";

describe("chooseBootstrapStep", () => {
  const nothing = { bucketExists: false, remoteResources: 0, localResources: 0 };

  test("a first run applies with local state, then migrates it into the new bucket", () => {
    expect(chooseBootstrapStep(nothing)).toEqual({ kind: "apply-locally-then-migrate", adoptExisting: false });
  });

  test("a re-run plans against the state in the bucket", () => {
    expect(chooseBootstrapStep({ bucketExists: true, remoteResources: 8, localResources: 0 })).toEqual({
      kind: "update-remote",
      staleLocalFile: false,
    });
    expect(chooseBootstrapStep({ bucketExists: true, remoteResources: 8, localResources: 8 })).toEqual({
      kind: "update-remote",
      staleLocalFile: true,
    });
  });

  test("local state from an earlier bootstrap (or a run stopped before the move) is applied and moved", () => {
    expect(chooseBootstrapStep({ bucketExists: true, remoteResources: 0, localResources: 8 })).toEqual({
      kind: "apply-locally-then-migrate",
      adoptExisting: false,
    });
  });

  test("a bucket no state knows is adopted only on request, never created twice", () => {
    const orphan = { bucketExists: true, remoteResources: 0, localResources: 0 };
    const refused = chooseBootstrapStep(orphan);
    expect(refused.kind).toBe("refuse");
    expect(refused.kind === "refuse" && refused.reason).toContain("--adopt-existing");
    expect(chooseBootstrapStep(orphan, { adoptExisting: true })).toEqual({
      kind: "apply-locally-then-migrate",
      adoptExisting: true,
    });
  });
});
