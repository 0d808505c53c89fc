/**
 * npm run setup:credentials: from a Login with Amazon security profile to the
 * four SecureString parameters CodeBuild reads, in one command. A login (or a
 * refresh token on standard input) is verified against LWA and SMAPI before
 * anything is stored; --check proves the stored ones still work.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { runtime } from "ask-smapi-model";
import type { EnvironmentConfig } from "../../config";
import { InvariantRefusal, OperationFailed } from "../errors";
import type { Output } from "../output";
import type { Confirm } from "../release/confirm";
import { checkStored, type CheckReport } from "./check";
import { clientCredentials, refreshTokenFromStdin } from "./client-credentials";
import { loginWithAmazon } from "./login";
import { PARAMETER_ROLES, parameterNames, type CredentialValues } from "./parameters";
import { applyStore, planStore, type PlannedParameter } from "./store";
import type { Terminal } from "./terminal";
import { accessTokenFor, chooseVendor, listVendors, skillAccess, smapiWithToken, type Hosts, type SkillAccess, type Vendor } from "./verify";

export interface SetupOptions {
  mode: "login" | "stdin" | "check";
  port: number;
  timeoutMs: number;
  browser: boolean;
  overwrite: boolean;
  dryRun: boolean;
}

export interface SetupDeps {
  config: EnvironmentConfig;
  /** For ASK_LWA_CLIENT_ID/SECRET and ASK_VENDOR_ID. */
  env: NodeJS.ProcessEnv;
  hosts: Hosts;
  /** LWA and SMAPI's HTTP layer (timeouts, retries). */
  http: runtime.ApiClient;
  ssm: SSMClient;
  output: Output;
  terminal: Terminal;
  readStdin: () => Promise<string>;
  openBrowser: (url: string) => boolean;
  confirm: Confirm;
}

export interface SetupResult {
  mode: "login" | "stdin";
  dryRun: boolean;
  vendor: Vendor;
  skill: SkillAccess;
  /** Names and actions only: never a value. */
  parameters: PlannedParameter[];
  stored: boolean;
}

export async function setupCredentials(options: SetupOptions, deps: SetupDeps): Promise<SetupResult | CheckReport> {
  const parameters = parameterNames(deps.config);
  if (options.mode === "check") return check(deps);

  const client = await clientCredentials(deps.env, deps.terminal);
  const refreshToken =
    options.mode === "stdin"
      ? await refreshTokenFromStdin(deps.readStdin, deps.terminal)
      : (await loginWithAmazon(client, { port: options.port, timeoutMs: options.timeoutMs, browser: options.browser }, deps)).refreshToken;

  // Verified as CodeBuild will use it: the refresh token, not the access token the login also returned.
  deps.output.progress("Verifying: refresh token → access token, the account's vendors, the skill…");
  const smapi = smapiWithToken(deps, await accessTokenFor(deps, client, refreshToken));
  const vendor = await chooseVendor(await listVendors(smapi), deps.env.ASK_VENDOR_ID?.trim() || undefined, deps.terminal, deps.output.info);
  const skill = await skillAccess(smapi, deps.config.skill.id, vendor.id);
  deps.output.info(`Verified: vendor ${vendor.name} (${vendor.id}); skill ${skill.skillId} is readable, stages: ${skill.stages.join(", ")}.`);

  const values: CredentialValues = { lwaClientId: client.clientId, lwaClientSecret: client.clientSecret, refreshToken, vendorId: vendor.id };
  const plan = await planStore(deps.ssm, parameters, values, { overwrite: options.overwrite });
  const result: SetupResult = { mode: options.mode, dryRun: options.dryRun, vendor, skill, parameters: plan, stored: false };
  describePlan(plan, deps, parameters.kmsKeyArn);

  const kept = plan.filter((p) => p.action === "keep");
  if (kept.length > 0) {
    throw new InvariantRefusal(
      `${kept.map((p) => `${p.name} (${p.note})`).join(", ")} already exist${kept.length === 1 ? "s" : ""} and ${kept.length === 1 ? "was" : "were"} left alone, so nothing was stored ` +
        "(the four values must belong together). To rotate the credentials, run again with --overwrite.",
    );
  }
  const writes = plan.filter((p) => p.action === "create" || p.action === "overwrite");
  if (writes.length === 0) {
    deps.output.info("Parameter Store already holds these four values; nothing to change.");
    return result;
  }
  if (options.dryRun) {
    deps.output.info("Dry run: nothing was stored.");
    return result;
  }
  if (!(await deps.confirm(`Store ${writes.length} SecureString parameter${writes.length === 1 ? "" : "s"} (${writes.map((w) => `${w.action} ${w.name}`).join(", ")})?`))) {
    throw new OperationFailed("Not stored: not confirmed. Nothing was changed.");
  }
  await applyStore(deps.ssm, parameters, plan, values, deps.output.progress);
  deps.output.info(`Stored. CodeBuild reads them on its next run; \`npm run setup:credentials -- --check\` proves them at any time.`);
  return { ...result, stored: true };
}

function describePlan(plan: PlannedParameter[], deps: SetupDeps, kmsKeyArn: string | undefined): void {
  const width = Math.max(...plan.map((p) => p.action.length));
  const what = (role: string) => PARAMETER_ROLES.find((r) => r.role === role)?.what ?? role;
  deps.output.info(`Parameter Store (${deps.config.region}), SecureString under ${kmsKeyArn ?? "the AWS-managed key aws/ssm"}:`);
  for (const p of plan) {
    const note = p.action === "keep" ? `${p.note}; left alone without --overwrite` : p.note;
    deps.output.info(`  ${p.action.padEnd(width)}  ${p.name}  ${what(p.role)}${note ? ` (${note})` : ""}`);
  }
}

async function check(deps: SetupDeps): Promise<CheckReport> {
  const parameters = parameterNames(deps.config);
  deps.output.progress("Reading the stored parameters (with decryption) and using them as CodeBuild does…");
  const report = await checkStored(deps.ssm, parameters, deps.config.skill.id, deps);
  const width = Math.max(...report.parameters.map((p) => p.status.length));
  for (const p of report.parameters) deps.output.info(`  ${p.status.padEnd(width)}  ${p.name}${p.problem ? `: ${p.problem}` : ""}`);
  if (report.skill) deps.output.info(`Skill ${report.skill.skillId} is readable with them; stages: ${report.skill.stages.join(", ")}.`);
  if (report.problem) deps.output.info(report.problem);
  return report;
}

/** Exit 1 after the report: some parameter is missing or wrong. */
export function failedCheck(report: CheckReport): OperationFailed {
  const bad = report.parameters.filter((p) => p.status === "missing" || p.status === "wrong");
  return new OperationFailed(
    bad.length > 0
      ? `${bad.map((p) => `${p.name} is ${p.status}`).join("; ")}. Fix with npm run setup:credentials${bad.some((p) => p.status === "wrong") ? " -- --overwrite" : ""}.`
      : `The stored credentials could not be proven: ${report.problem ?? "see above"}.`,
  );
}
