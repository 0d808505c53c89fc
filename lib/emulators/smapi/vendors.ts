/**
 * Who may do what: the accounts that sign in through LWA, the vendors
 * (organisations) each belongs to, and whether it is a developer of the
 * emulated skill. `GET /v1/vendors` answers per account; every call naming the
 * skill is refused with 403 for an account that is not one of its developers.
 */
import { type Handler, forbidden, respond } from "./http";

export interface Vendor {
  id: string;
  name: string;
  roles: string[];
}

export interface Account {
  vendors: Vendor[];
  /** Whether the account is a developer of the emulated skill (in the skill's vendor, with a role that reads it). */
  developer: boolean;
}

export class Accounts {
  private readonly accounts = new Map<string, Account>();

  set(accountId: string, account: Account): void {
    this.accounts.set(accountId, structuredClone(account));
  }

  get(accountId: string | undefined): Account | undefined {
    return accountId === undefined ? undefined : this.accounts.get(accountId);
  }
}

/** The 403 Amazon gives an account that is not a developer of the skill (`v1.BadRequestError`). */
export function notADeveloper(skillId: string): ReturnType<Handler> {
  return forbidden(`User is not authorized to access skill ${skillId}: the caller is not a developer of the vendor that owns the skill.`);
}

const getVendorListV1: Handler = (req, ctx) => {
  const vendors = ctx.accounts.get(req.account)?.vendors ?? [];
  return respond(200, { vendors: vendors.map((v) => ({ name: v.name, id: v.id, roles: v.roles })) });
};

export const vendorHandlers: Record<string, Handler> = { getVendorListV1 };
