import type { MotoServer } from "../../../../scripts/lib/moto-server";
import * as seed from "../../../../scripts/lib/seed-organization";
import { motoClientConfig } from "./seed-iam";

export type { SeededAccount } from "../../../../scripts/lib/seed-organization";

/** Creates moto's organization (the caller is its management account) and one account per name. */
export const seedOrganization = (moto: MotoServer, names: readonly string[]) =>
  seed.seedOrganization(motoClientConfig(moto), names);

/** Closes an account; moto then lists it as SUSPENDED. */
export const closeAccount = (moto: MotoServer, accountId: string) =>
  seed.closeAccount(motoClientConfig(moto), accountId);

/** Creates users with one access key each inside the account, through credentials assumed into it. */
export const seedMemberUsers = (moto: MotoServer, accountId: string, userNames: readonly string[]) =>
  seed.seedMemberUsers(motoClientConfig(moto), accountId, userNames);

/** Tags a user inside the account. */
export const tagMemberUser = (
  moto: MotoServer,
  accountId: string,
  userName: string,
  tags: Readonly<Record<string, string>>,
) => seed.tagMemberUser(motoClientConfig(moto), accountId, userName, tags);
