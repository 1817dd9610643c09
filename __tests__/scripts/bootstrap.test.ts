import { bootstrapCommand } from "../../scripts/bootstrap";

describe("bootstrapCommand", () => {
  test("runs the whole bootstrap inside the state backend's aws-vault profile", () => {
    expect(bootstrapCommand({ noSession: true, adoptExisting: true })).toEqual({
      command: "aws-vault",
      args: [
        "exec",
        "--no-session",
        "key-age-admin",
        "--",
        "npx",
        "tsx",
        "scripts/bootstrap.ts",
        "--no-aws-vault",
        "--adopt-existing",
      ],
    });
  });

  test("runs here with the ambient credentials when aws-vault is not wanted", () => {
    expect(bootstrapCommand({ useAwsVault: false })).toBeUndefined();
  });
});
