/**
 * `deploy:model`: validate the skill package's interaction models, upload
 * those that differ from the development stage, all at once, and wait for
 * their builds together, so N locales cost about one build's time.
 *
 * It replaces `deploy_tools.py -i`, which printed Amazon's errors but exited
 * 0, and polled a failed build forever: here every outcome has its exit code
 * (DESIGN.md), and the wait has a limit.
 */
import type { Clock } from "../clock";
import { ExitCode, OperationFailed, PipelineError, UsageError } from "../errors";
import type { Output } from "../output";
import { formatReport, hasErrors, loadSkillPackage, type ParsedModel } from "../skill-package";
import { describeCertification, findCertificationInProgress, type CertificationInProgress } from "../smapi/certification";
import type { SmapiClient } from "../smapi/client";
import { waitForModelBuilds, type ModelBuildStatus, type WaitResult } from "../smapi/skill-status";
import { planModelDeployment, type LocalePlan } from "./model-plan";
import {
  amazonProblemLines,
  buildReport,
  listLocales,
  seconds,
  type DeployModelResult,
  type DeployOutcome,
  type LocaleReport,
} from "./model-report";
import { uploadModel, type UploadOutcome } from "./model-upload";

export type { DeployModelResult, LocaleReport } from "./model-report";

export const DEFAULT_BUILD_TIMEOUT_MS = 600_000;

export interface DeployModelOptions {
  skillId: string;
  /** The skill package directory, ASK CLI layout. */
  packageDir: string;
  /** `--locale`: only these; every model of the package when absent or empty. */
  locales?: readonly string[];
  /** The configuration's `skill.locales`, to point out a package that has more or fewer. */
  configuredLocales?: readonly string[];
  dryRun?: boolean;
  /** Print the result as JSON (output.json) instead of a summary line. */
  json?: boolean;
  /** How long to wait for the builds. */
  timeoutMs?: number;
  poll?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface DeployModelDeps {
  smapi: SmapiClient;
  clock: Clock;
  output: Output;
}

interface Outcome {
  result: DeployModelResult;
  failure?: PipelineError;
}

/** Throws the contract's error for a failure, after the result has been reported. */
export async function deployModel(options: DeployModelOptions, deps: DeployModelDeps): Promise<DeployModelResult> {
  const { result, failure } = await run(options, deps);
  if (options.json) deps.output.json(result);
  if (failure) throw failure;
  return result;
}

async function run(options: DeployModelOptions, deps: DeployModelDeps): Promise<Outcome> {
  const { smapi, output } = deps;
  const { skillId } = options;
  const base = { skillId, stage: "development" as const, dryRun: options.dryRun === true };

  // Everything local is checked before the first call to Amazon.
  const validation = await loadSkillPackage(options.packageDir, { locales: options.locales ?? [] });
  if (hasErrors(validation.problems)) {
    return {
      result: { ...base, outcome: "invalid", problems: validation.problems, locales: [] },
      failure: new UsageError(`The skill package ${options.packageDir} has errors, so nothing was uploaded:\n${formatReport(validation.problems)}`),
    };
  }
  const withWarnings = validation.problems.length > 0 ? { problems: validation.problems } : {};
  if (validation.problems.length > 0) output.warn(`The skill package has warnings; they do not stop the upload:\n${formatReport(validation.problems)}`);
  warnAboutConfiguredLocales(validation.models, options, output);
  const locales = validation.models.map((m) => m.locale);

  const review = await findCertificationInProgress(smapi, skillId);
  if (review) {
    output.warn(inReviewMessage(skillId, review, locales));
    return { result: { ...base, ...withWarnings, outcome: "deferred", certification: review, locales: locales.map(deferred) } };
  }

  const plans = await planModelDeployment(smapi, skillId, validation.models);
  describePlan(plans, options, output);
  if (options.dryRun) {
    output.info("Dry run: nothing was changed.");
    return { result: { ...base, ...withWarnings, outcome: "dry-run", locales: plans.map(dryRunReport) } };
  }

  const uploads = await uploadAll(smapi, skillId, plans.filter((p) => p.action === "upload"));
  const locked = [...uploads.values()].filter((u): u is UploadOutcome => !(u instanceof PipelineError) && u.kind === "locked");
  if (locked.length > 0) return lockedDuringUpload(smapi, skillId, plans, uploads, { ...base, ...withWarnings }, output);

  const waitFor = plans.filter((p) => (p.action === "upload" && !(uploads.get(p.locale) instanceof PipelineError)) || p.action === "wait").map((p) => p.locale);
  const wait =
    waitFor.length > 0
      ? await waitForModelBuilds({
          smapi,
          skillId,
          locales: waitFor,
          timeoutMs: options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
          clock: deps.clock,
          output,
          ...options.poll,
        })
      : undefined;
  return finish(plans, uploads, wait, { ...base, ...withWarnings }, output);
}

async function uploadAll(smapi: SmapiClient, skillId: string, plans: readonly LocalePlan[]): Promise<Map<string, UploadOutcome | PipelineError>> {
  const settled = await Promise.allSettled(plans.map((plan) => uploadModel(smapi, skillId, plan)));
  const outcomes = new Map<string, UploadOutcome | PipelineError>();
  settled.forEach((s, i) => {
    const locale = (plans[i] as LocalePlan).locale;
    if (s.status === "fulfilled") outcomes.set(locale, s.value);
    // Anything but the contract's errors is a bug, and keeps its stack.
    else if (s.reason instanceof PipelineError) outcomes.set(locale, s.reason);
    else throw s.reason;
  });
  return outcomes;
}

type Base = Omit<DeployModelResult, "outcome" | "locales">;

function finish(
  plans: readonly LocalePlan[],
  uploads: Map<string, UploadOutcome | PipelineError>,
  wait: WaitResult<ModelBuildStatus[]> | undefined,
  base: Base,
  output: Output,
): Outcome {
  const builds = new Map((wait?.value ?? []).map((b) => [b.locale, b]));
  const waited = wait ? `${seconds(wait.elapsedMs)}` : "";
  const reports: LocaleReport[] = [];
  const uploadErrors: PipelineError[] = [];
  const failedBuilds: ModelBuildStatus[] = [];
  const unfinished: string[] = [];

  for (const plan of plans) {
    const { locale } = plan;
    const upload = uploads.get(locale);
    if (plan.action === "skip") {
      reports.push({ locale, result: "skipped", reason: plan.reason, build: buildReport(plan.build) });
      continue;
    }
    if (upload instanceof PipelineError) {
      uploadErrors.push(upload);
      reports.push({ locale, result: "failed", reason: upload.message, build: null });
      continue;
    }
    const build = builds.get(locale) as ModelBuildStatus;
    const reason = [plan.reason, ...(upload?.kind === "uploaded" && upload.note ? [upload.note] : [])].join("; ");
    if (build.status === "SUCCEEDED") {
      // A failed build's warnings go with its errors, in the failure message.
      for (const warning of build.warnings) output.warn(`${locale}: Amazon's build warning: ${warning.message}${warning.code ? ` [${warning.code}]` : ""}`);
      output.info(`${locale}: ${plan.action === "upload" ? "uploaded and built" : "built (uploaded earlier)"}${build.version ? `, model version ${build.version}` : ""}.`);
      reports.push({ locale, result: plan.action === "upload" ? "uploaded" : "skipped", reason, build: buildReport(build) });
    } else if (build.status === "FAILED") {
      failedBuilds.push(build);
      reports.push({ locale, result: "failed", reason: `${reason}; the build failed`, build: buildReport(build) });
    } else {
      unfinished.push(locale);
      reports.push({ locale, result: "failed", reason: `${reason}; still building after ${waited}`, build: buildReport(build) });
    }
  }

  const failures = [
    ...uploadErrors.filter((e) => e.exitCode === ExitCode.Conflict),
    ...uploadErrors.filter((e) => e.exitCode !== ExitCode.Conflict),
    ...(failedBuilds.length > 0 ? [buildFailure(failedBuilds, plans)] : []),
    ...(unfinished.length > 0 ? [timeoutFailure(unfinished, wait)] : []),
  ];
  const outcome: DeployOutcome = uploadErrors.some((e) => e.exitCode === ExitCode.Conflict)
    ? "conflict"
    : uploadErrors.length > 0
      ? "upload-failed"
      : failedBuilds.length > 0
        ? "build-failed"
        : unfinished.length > 0
          ? "timed-out"
          : reports.some((r) => r.result === "uploaded") || wait !== undefined
            ? "deployed"
            : "unchanged";
  const result: DeployModelResult = { ...base, outcome, ...(wait && { waitedMs: wait.elapsedMs }), locales: reports };
  if (failures.length > 0) {
    const [first] = failures as [PipelineError, ...PipelineError[]];
    // One message with every problem; the exit code of the most specific one (a conflict first).
    return { result, failure: new PipelineError(failures.map((f) => f.message).join("\n"), first.exitCode) };
  }
  const built = reports.filter((r) => r.result === "uploaded").map((r) => r.locale);
  const skipped = reports.filter((r) => r.result === "skipped").map((r) => r.locale);
  output.info(
    outcome === "unchanged"
      ? `Every interaction model of skill ${base.skillId} (${listLocales(skipped)}) is already in the development stage and built; nothing to do.`
      : `Interaction models of skill ${base.skillId} in the development stage: ` +
          [...(built.length > 0 ? [`uploaded and built ${listLocales(built)}`] : []), ...(skipped.length > 0 ? [`not uploaded ${listLocales(skipped)}`] : [])].join("; ") +
          ` (waited ${waited} for the builds).`,
  );
  return { result };
}

function buildFailure(failed: readonly ModelBuildStatus[], plans: readonly LocalePlan[]): OperationFailed {
  const locales = failed.map((b) => b.locale);
  const files = plans.filter((p) => locales.includes(p.locale)).map((p) => p.file);
  const lines = failed.flatMap((b) => {
    const problems = amazonProblemLines(b.locale, b);
    return problems.length > 0 ? problems : [`  ${b.locale}: Amazon reported no details`];
  });
  return new OperationFailed(
    `The interaction model build failed for ${listLocales(locales)}. Amazon reported:\n${lines.join("\n")}\n` +
      `Fix ${files.join(", ")} and push again; the development stage keeps the failed model until then.`,
  );
}

function timeoutFailure(locales: readonly string[], wait: WaitResult<ModelBuildStatus[]> | undefined): OperationFailed {
  return new OperationFailed(
    `Gave up after ${seconds(wait?.elapsedMs ?? 0)} waiting for the interaction model build of ${listLocales(locales)}, still in progress. ` +
      "Amazon goes on building; run deploy:model again to wait for it (it does not upload an unchanged model again), or allow more time with --timeout <seconds>.",
  );
}

/** A review began between the plan and the upload: the same answer as a review found before. */
async function lockedDuringUpload(
  smapi: SmapiClient,
  skillId: string,
  plans: readonly LocalePlan[],
  uploads: Map<string, UploadOutcome | PipelineError>,
  base: Base,
  output: Output,
): Promise<Outcome> {
  const review = await findCertificationInProgress(smapi, skillId);
  const uploaded = plans.filter((p) => {
    const u = uploads.get(p.locale);
    return u !== undefined && !(u instanceof PipelineError) && u.kind === "uploaded";
  });
  const notUploaded = plans.filter((p) => !uploaded.includes(p)).map((p) => p.locale);
  const what = review ? describeCertification(review) : "a certification that SMAPI does not list (yet)";
  output.warn(
    `${inReviewMessage(skillId, review, notUploaded, what)}` +
      (uploaded.length > 0 ? ` ${listLocales(uploaded.map((p) => p.locale))} had been uploaded just before; their builds were not waited for.` : ""),
  );
  return {
    result: {
      ...base,
      outcome: "deferred",
      ...(review && { certification: review }),
      locales: plans.map((p) =>
        uploaded.includes(p)
          ? { locale: p.locale, result: "uploaded" as const, reason: "uploaded just before the review locked the development stage; build not waited for", build: null }
          : deferred(p.locale),
      ),
    },
  };
}

function inReviewMessage(skillId: string, review: CertificationInProgress | undefined, locales: readonly string[], what = review ? describeCertification(review) : ""): string {
  return (
    `Skill ${skillId} is in certification review: ${what}. Amazon locks the development stage during a review, ` +
    `so the interaction model of ${listLocales(locales)} was NOT uploaded. It will be uploaded by the first push after the review ends ` +
    "(or run deploy:model again then)."
  );
}

function deferred(locale: string): LocaleReport {
  return { locale, result: "deferred", reason: "not uploaded: the skill is in certification review", build: null };
}

function dryRunReport(plan: LocalePlan): LocaleReport {
  return {
    locale: plan.locale,
    result: plan.action === "upload" ? "would-upload" : "skipped",
    reason: plan.reason,
    build: buildReport(plan.build),
  };
}

function describePlan(plans: readonly LocalePlan[], options: DeployModelOptions, output: Output): void {
  const skipped = plans.filter((p) => p.action === "skip").map((p) => p.locale);
  if (skipped.length > 0) output.info(`Unchanged in the development stage, not uploaded: ${listLocales(skipped)}.`);
  for (const plan of plans) {
    const guard = plan.eTag !== undefined ? `If-Match ${plan.eTag}` : "no If-Match: the stage has no model for it yet";
    if (plan.action === "upload") output.info(`${options.dryRun ? "Would upload" : "Uploading"} ${plan.locale} from ${plan.file} (${plan.reason}; ${guard}).`);
    if (plan.action === "wait") output.info(`${options.dryRun ? "Would wait for" : "Waiting for"} ${plan.locale} without uploading it (${plan.reason}).`);
  }
  const building = plans.filter((p) => p.action !== "skip").map((p) => p.locale);
  if (options.dryRun && building.length > 0) {
    output.info(`Would then wait up to ${seconds(options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS)} for the builds of ${listLocales(building)}.`);
  }
}

function warnAboutConfiguredLocales(models: readonly ParsedModel[], options: DeployModelOptions, output: Output): void {
  const configured = options.configuredLocales;
  if (configured === undefined || (options.locales?.length ?? 0) > 0) return;
  const inPackage = models.map((m) => m.locale);
  const extra = inPackage.filter((l) => !configured.includes(l));
  const missing = configured.filter((l) => !inPackage.includes(l));
  if (extra.length > 0) {
    output.warn(`The skill package has models for ${listLocales(extra)}, which the configuration's skill.locales does not list; they are uploaded, but check config/environments.ts.`);
  }
  if (missing.length > 0) {
    output.warn(`The configuration's skill.locales lists ${listLocales(missing)}, but the skill package has no model for it; nothing is uploaded for it.`);
  }
}
