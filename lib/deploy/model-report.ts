/**
 * The result of `deploy:model`: the --json document, and the same facts as
 * lines for a CodeBuild log.
 */
import type { Problem } from "../skill-package";
import type { CertificationInProgress } from "../smapi/certification";
import type { ModelBuildStatus, SmapiProblem, UpdateStatus } from "../smapi/skill-status";

/**
 * Per locale: `skipped` (unchanged and built), `uploaded` (and built),
 * `failed` (refused, build failed or unfinished), `would-upload` (--dry-run),
 * `deferred` (not uploaded: the skill is in review).
 */
export type LocaleResult = "skipped" | "uploaded" | "failed" | "would-upload" | "deferred";

export type DeployOutcome = "deployed" | "unchanged" | "dry-run" | "deferred" | "invalid" | "build-failed" | "timed-out" | "conflict" | "upload-failed";

export interface LocaleReport {
  locale: string;
  result: LocaleResult;
  reason: string;
  /** The build as last seen; null where none was looked at. */
  build: { status: UpdateStatus | "NOT_REPORTED"; version?: string; errors: SmapiProblem[]; warnings: SmapiProblem[] } | null;
}

export interface DeployModelResult {
  skillId: string;
  stage: "development";
  dryRun: boolean;
  outcome: DeployOutcome;
  /** The review that locks the development stage (outcome `deferred`). */
  certification?: CertificationInProgress;
  /** How long the builds were waited for. */
  waitedMs?: number;
  /** The validator's findings (all of them for `invalid`, warnings otherwise). */
  problems?: Problem[];
  locales: LocaleReport[];
}

export function buildReport(build: ModelBuildStatus | undefined): LocaleReport["build"] {
  if (build === undefined) return null;
  return {
    status: build.status ?? "NOT_REPORTED",
    ...(build.version !== undefined && { version: build.version }),
    errors: build.errors,
    warnings: build.warnings,
  };
}

/** Amazon's errors and warnings of one locale's build, one per line. */
export function amazonProblemLines(locale: string, build: Pick<ModelBuildStatus, "errors" | "warnings">): string[] {
  const line = (kind: string, p: SmapiProblem) => `  ${locale} ${kind}: ${p.message}${p.code !== undefined ? ` [${p.code}]` : ""}`;
  return [...build.errors.map((p) => line("error", p)), ...build.warnings.map((p) => line("warning", p))];
}

export function listLocales(locales: readonly string[]): string {
  return locales.length === 0 ? "none" : locales.join(", ");
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
