/**
 * --check: what an operator runs when CodeBuild fails with invalid_grant.
 * Reads the four parameters back with decryption, then uses them as
 * CodeBuild does (refresh token → access token → vendors → the skill) and
 * says, per parameter name, whether it is missing or wrong, and why. Never a
 * value.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import { PARAMETER_ROLES, type ParameterNames, type ParameterRole } from "./parameters";
import { readStored } from "./read-parameters";
import { LwaRefusal, requestTokens } from "./lwa-tokens";
import { NotADeveloper, listVendors, skillAccess, smapiWithToken, type SkillAccess, type VerifyDeps } from "./verify";
import { PipelineError } from "../errors";

export type ParameterStatus = "ok" | "missing" | "wrong" | "unchecked";

export interface CheckedParameter {
  role: ParameterRole;
  name: string;
  status: ParameterStatus;
  problem?: string;
}

export interface CheckReport {
  ok: boolean;
  parameters: CheckedParameter[];
  skill?: SkillAccess;
  /** A problem that is not one parameter's (the skill ID, the network). */
  problem?: string;
}

export async function checkStored(ssm: SSMClient, parameters: ParameterNames, skillId: string, deps: Pick<VerifyDeps, "http" | "hosts">): Promise<CheckReport> {
  const stored = await readStored(ssm, parameters, { decrypt: true });
  const result = new Map<ParameterRole, CheckedParameter>(
    PARAMETER_ROLES.map(({ role }) => [role, { role, name: parameters.names[role], status: stored[role] ? "unchecked" : "missing" }]),
  );
  const mark = (role: ParameterRole, status: ParameterStatus, problem?: string) => {
    const entry = result.get(role) as CheckedParameter;
    if (entry.status === "missing" || entry.status === "wrong") return;
    entry.status = status;
    if (problem) entry.problem = problem;
  };
  for (const { role } of PARAMETER_ROLES) {
    const type = stored[role]?.type;
    if (type && type !== "SecureString") mark(role, "wrong", `stored as ${type}, not SecureString: store it again with npm run setup:credentials -- --overwrite`);
  }
  const report = (extra: Partial<CheckReport> = {}): CheckReport => {
    const list = [...result.values()];
    return { ok: list.every((p) => p.status === "ok") && !extra.problem, parameters: list, ...extra };
  };

  const clientId = stored.lwaClientId?.value;
  const clientSecret = stored.lwaClientSecret?.value;
  const refreshToken = stored.refreshToken?.value;
  if (!clientId || !clientSecret || !refreshToken) return report();

  let accessToken: string;
  try {
    accessToken = (await requestTokens(deps.http, deps.hosts.token, { clientId, clientSecret }, { kind: "refresh_token", refreshToken })).accessToken;
  } catch (error) {
    if (!(error instanceof LwaRefusal)) throw error;
    if (error.error === "invalid_client") {
      const problem = "Login with Amazon refused the client ID or secret (invalid_client): one of the two does not match the security profile";
      mark("lwaClientId", "wrong", problem);
      mark("lwaClientSecret", "wrong", problem);
    } else if (error.error === "invalid_grant") {
      mark("refreshToken", "wrong", `Login with Amazon refused it (invalid_grant: ${error.description || "revoked or expired"}): mint and store a new one with npm run setup:credentials -- --overwrite`);
    } else {
      return report({ problem: `Login with Amazon refused the refresh-token exchange (${error.message})` });
    }
    return report();
  }
  mark("lwaClientId", "ok");
  mark("lwaClientSecret", "ok");

  const smapi = smapiWithToken(deps, accessToken);
  const vendors = await listVendors(smapi);
  const vendorId = stored.vendorId?.value;
  if (vendorId !== undefined) {
    if (vendors.some((v) => v.id === vendorId)) mark("vendorId", "ok");
    else mark("vendorId", "wrong", `not one of the ${vendors.length} vendor(s) of the refresh token's account: store the right one with npm run setup:credentials -- --overwrite`);
  }
  try {
    const skill = await skillAccess(smapi, skillId, vendorId);
    mark("refreshToken", "ok");
    return report({ skill });
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    if (error instanceof NotADeveloper) {
      mark("refreshToken", "wrong", `its account is not a developer of skill ${skillId} (SMAPI 403): sign in as a developer of the skill and store a new token with --overwrite`);
      return report();
    }
    mark("refreshToken", "ok");
    return report({ problem: error.message });
  }
}
