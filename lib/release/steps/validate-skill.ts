import type { v1 } from "ask-smapi-model";
import { OperationFailed } from "../../errors";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { retryWhileBusy } from "../../smapi/busy";
import { waitForSmapiStatus } from "./wait-smapi";

/**
 * SMAPI's skill validations: the checks Amazon runs before a submission
 * (the endpoint answers, the privacy and example phrases are in order, ...).
 * Running them first turns a certification that would be refused within
 * minutes into a failure now, with Amazon's own reasons.
 */

export type ValidateDeps = Pick<ReleaseDeps, "smapi" | "config" | "output" | "clock" | "dryRun">;

export interface ValidationItem {
  locale?: string;
  title: string;
  description?: string;
  importance?: string;
}

export interface ValidationReport {
  /** passed: Amazon's validations succeeded; planned: --dry-run. */
  outcome: "passed" | "planned";
  id?: string;
  locales: string[];
  /** Recommended (not required) checks that failed: reported, not fatal. */
  warnings: ValidationItem[];
}

// Amazon's validations call the endpoint and check the listing; they take a few minutes at most.
export const VALIDATION_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs the validations of every configured locale on the development stage
 * and waits for them. FAILED is an OperationFailed listing each failed
 * validation; a 409 (another validation running) is waited out a few times.
 */
export async function runSkillValidations(deps: ValidateDeps, options: { timeoutMs?: number } = {}): Promise<ValidationReport> {
  const skillId = deps.config.skill.id;
  const locales = [...deps.config.skill.locales];
  const done = await mutate(deps, `run SMAPI's skill validations on the development stage (${locales.join(", ")}) and wait for them`, () =>
    validate(deps, skillId, locales, options.timeoutMs),
  );
  if (done === undefined) return { outcome: "planned", locales, warnings: [] };
  const items = (done.result?.validations ?? []).filter((v) => v.status === "FAILED").map(item);
  if (done.status !== "SUCCESSFUL") {
    const reasons = [...items.map(describe), ...(done.result?.error?.message ? [done.result.error.message] : [])];
    throw new OperationFailed(
      `Amazon's skill validations failed on the development stage${reasons.length > 0 ? `:\n${reasons.map((r) => `  - ${r}`).join("\n")}` : " without saying why"}\n` +
        "Nothing was submitted. Fix these (the skill package, the code behind the candidate alias, or the listing in the developer console), then run the command again.",
    );
  }
  for (const warning of items) deps.output.warn(`recommended validation failed: ${describe(warning)}`);
  deps.output.info(`Amazon's skill validations passed (${locales.join(", ")}).`);
  return { outcome: "passed", ...(done.id ? { id: done.id } : {}), locales, warnings: items };
}

async function validate(deps: ValidateDeps, skillId: string, locales: string[], timeoutMs = VALIDATION_TIMEOUT_MS): Promise<v1.skill.validations.ValidationsApiResponse> {
  const started = await retryWhileBusy(deps, "the skill validation", { action: "starting the skill validations", skillId }, () =>
    deps.smapi.submitSkillValidationV1({ locales }, skillId, "development"),
  );
  const id = started.id;
  if (!id) throw new OperationFailed("SMAPI started the skill validations without giving their id.");
  const done = await waitForSmapiStatus(deps, {
    what: "Amazon's skill validations",
    action: "reading the skill validations",
    skillId,
    read: () => deps.smapi.getSkillValidationsV1(skillId, id, "development"),
    timeoutMs,
  });
  if (!done) throw new OperationFailed(`SMAPI reported no result for validation ${id}.`);
  return done;
}

function item(v: v1.skill.validations.ResponseValidation): ValidationItem {
  return {
    title: v.title ?? "(untitled validation)",
    ...(v.locale !== undefined && { locale: v.locale }),
    ...(v.description !== undefined && { description: v.description }),
    ...(v.importance !== undefined && { importance: v.importance }),
  };
}

function describe(v: ValidationItem): string {
  return `${v.locale ? `[${v.locale}] ` : ""}${v.title}${v.description ? `: ${v.description}` : ""}${v.importance ? ` (${v.importance.toLowerCase()})` : ""}`;
}
