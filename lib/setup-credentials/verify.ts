/**
 * Proves a refresh token works before anything is stored, the way CodeBuild
 * will use it: exchanges it for an access token, lists the account's vendors
 * through SMAPI and takes one, and reads the configured skill (the account
 * must be one of its developers), noting which stages exist.
 */
import type { runtime } from "ask-smapi-model";
import { OperationFailed, UsageError } from "../errors";
import { createSmapiClient, type SmapiClient } from "../smapi/client";
import { explainSmapiError, statusCodeOf } from "../smapi/errors";
import { LwaRefusal, requestTokens, type LwaClientCredentials } from "./lwa-tokens";
import type { Terminal } from "./terminal";

/** The account can sign in, but SMAPI will not let it read the skill (403). */
export class NotADeveloper extends UsageError {}

export interface Hosts {
  /** ASK_LWA_AUTHORIZE_HOST */
  authorize: string;
  /** ASK_LWA_TOKEN_HOST */
  token: string;
  /** ASK_SMAPI_SERVER_BASE_URL */
  smapi: string;
}

export interface VerifyDeps {
  http: runtime.ApiClient;
  hosts: Hosts;
  terminal: Terminal;
}

export interface Vendor {
  id: string;
  name: string;
  roles: string[];
}

export type SkillStage = "development" | "certified" | "live";

export interface SkillAccess {
  skillId: string;
  /** The stages the skill has (development always; certified and live once certified or published). */
  stages: SkillStage[];
}

/** Exchanges the refresh token; LWA's refusals become the fix to make. */
export async function accessTokenFor(deps: Pick<VerifyDeps, "http" | "hosts">, client: LwaClientCredentials, refreshToken: string): Promise<string> {
  try {
    return (await requestTokens(deps.http, deps.hosts.token, client, { kind: "refresh_token", refreshToken })).accessToken;
  } catch (error) {
    throw error instanceof LwaRefusal ? explainRefusal(error) : error;
  }
}

export function explainRefusal(refusal: LwaRefusal): UsageError {
  if (refusal.error === "invalid_grant") {
    return new UsageError(
      `Login with Amazon refused the refresh token (invalid_grant: ${refusal.description || "revoked or expired"}): it was revoked, expired, or minted for another security profile. Nothing was stored.`,
    );
  }
  if (refusal.error === "invalid_client") {
    return new UsageError(`Login with Amazon refused the client ID or secret (invalid_client): check both against the security profile in the developer console. Nothing was stored.`);
  }
  return new UsageError(`Login with Amazon refused the request (${refusal.message}). Nothing was stored.`);
}

export function smapiWithToken(deps: Pick<VerifyDeps, "http" | "hosts">, accessToken: string): SmapiClient {
  return createSmapiClient({
    credentials: { kind: "access-token", accessToken },
    endpoints: { apiEndpoint: deps.hosts.smapi, authEndpoint: deps.hosts.token },
    apiClient: deps.http,
  });
}

export async function listVendors(smapi: SmapiClient): Promise<Vendor[]> {
  try {
    const answer = await smapi.getVendorListV1();
    return (answer.vendors ?? []).flatMap((v) => (v.id ? [{ id: v.id, name: v.name ?? v.id, roles: v.roles ?? [] }] : []));
  } catch (error) {
    throw explainSmapiError(error, { action: "listing the vendors of the account that signed in" });
  }
}

/**
 * ASK_VENDOR_ID when set (it must be one of the account's), else the only
 * vendor, else the person at the terminal chooses; without a terminal,
 * several vendors are a usage error that lists them.
 */
export async function chooseVendor(vendors: Vendor[], preferred: string | undefined, terminal: Terminal, say: (line: string) => void): Promise<Vendor> {
  const list = vendors.map((v, i) => `  ${i + 1}. ${v.name} (${v.id})${v.roles.length > 0 ? ` ${v.roles.join(", ")}` : ""}`).join("\n");
  if (vendors.length === 0) {
    throw new UsageError(
      "The account that signed in belongs to no Alexa developer vendor, so it cannot manage the skill. Sign in as a member of the skill's organisation " +
        "(developer console, Settings, User Permissions invites one). Nothing was stored.",
    );
  }
  if (preferred) {
    const found = vendors.find((v) => v.id === preferred);
    if (!found) throw new UsageError(`ASK_VENDOR_ID is ${preferred}, which is not a vendor of the account that signed in; its vendors:\n${list}\nUnset it or set one of these. Nothing was stored.`);
    return found;
  }
  if (vendors.length === 1) return vendors[0] as Vendor;
  if (!terminal.interactive) {
    throw new UsageError(`The account belongs to ${vendors.length} vendors:\n${list}\nSet ASK_VENDOR_ID to the one that owns the skill (nobody is at a terminal to choose). Nothing was stored.`);
  }
  say(`The account belongs to ${vendors.length} vendors:\n${list}`);
  const answer = await terminal.ask(`Which one owns the skill? [1-${vendors.length}] `);
  const index = Number(answer);
  const chosen = Number.isInteger(index) ? vendors[index - 1] : vendors.find((v) => v.id === answer);
  if (!chosen) throw new UsageError(`"${answer}" is not one of 1-${vendors.length}. Nothing was stored; run again.`);
  return chosen;
}

/** Reads the skill's manifest in each stage: the development read proves the account may manage it. */
export async function skillAccess(smapi: SmapiClient, skillId: string, vendor?: string): Promise<SkillAccess> {
  const read = async (stage: SkillStage): Promise<boolean> => {
    try {
      await smapi.getSkillManifestV1(skillId, stage);
      return true;
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 404 && stage !== "development") return false;
      // SMAPI sends a reader to the status while an update is applied: the stage exists.
      if (status === 303) return true;
      if (status === 403) {
        throw new NotADeveloper(
          `The account that signed in is not a developer of skill ${skillId}${vendor ? ` (vendor ${vendor})` : ""}: SMAPI refused to read it (403). ` +
            "Sign in as an account with a developer or administrator role in the vendor that owns the skill, or check SKILL_ID. Nothing was stored.",
        );
      }
      if (status === 404) throw new UsageError(`SMAPI has no skill ${skillId} (404): check the skill ID in the configuration (or SKILL_ID). Nothing was stored.`);
      throw explainSmapiError(error, { action: `reading the ${stage} manifest`, skillId });
    }
  };
  if (!(await read("development"))) throw new OperationFailed(`Skill ${skillId} has no development stage.`);
  const [certified, live] = await Promise.all([read("certified"), read("live")]);
  return { skillId, stages: ["development", ...(certified ? (["certified"] as const) : []), ...(live ? (["live"] as const) : [])] };
}
