import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { aliasErrorsAlarmName } from "../../../config";
import { ConcurrentChange, InvariantRefusal, OperationFailed, UsageError } from "../../errors";
import { waitForLatest, type LatestCode } from "../../lambda/latest";
import { publishLatest } from "../../lambda/publish";
import { SmokeTestFailed } from "../../lambda/smoke-test";
import { readAlarm, type CanaryCounts } from "../canary/metrics";
import { checkAlexaPermission } from "../steps/permission";
import { canaryChoices, canaryOf, canaryRecord, describeCanary, routingMatches, type CanaryRecord } from "../canary/record";
import { BAKE_LIMITS_MS, DEFAULT_BAKE_MS, DEFAULT_MAX_ERRORS, DEFAULT_MIN_INVOCATIONS, formatDuration } from "../canary/settings";
import { watchCanary } from "../canary/watch";
import { requireAnswerable, type Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import type { AliasView, Colour } from "../model";
import { readReleaseState } from "../read-state";
import { describeRouting, findLiveAlias, moveAlias, percentOf, type LiveAlias } from "../steps/alias";
import { endCanary } from "./end-canary";
import { describeLiveAlias, inStep, publishForLive } from "./shared";

/**
 * npm run promote -- --canary <percent>: promote, gradually. $LATEST is
 * published and smoke-tested as promote does; then the live alias sends
 * `percent` of its traffic to the new version (RoutingConfig, with
 * RevisionId), recorded in its description; CloudWatch is watched until a
 * verdict: errors roll back at once, enough invocations after the bake
 * complete, too few leave the canary in place (exit 1) for a person.
 * Everything is read fresh, so running it again after a crash resumes the
 * canary recorded on the alias. npm run promote -- --complete finishes a
 * canary by hand.
 */

export interface CanaryResult {
  outcome: "completed" | "nothing-to-promote" | "no-canary" | "dry-run";
  alias: string;
  colour?: Colour;
  fromVersion: string;
  toVersion: string;
  /** The canary's share of the traffic (0.25 for 25%). */
  weight?: number;
  counts?: CanaryCounts;
  /** The live alias's description afterwards. */
  description?: string;
  plannedCalls?: string[];
}

export interface CanaryOptions {
  yes?: boolean;
  weight: number;
  /** Given on the command line; else the defaults, or a resumed canary's recorded values. */
  bakeMs?: number;
  minInvocations?: number;
  maxErrors?: number;
}

export type CanaryDeps = ReleaseDeps & { confirm: Confirm };

type Base = Pick<CanaryResult, "alias" | "colour" | "fromVersion">;

export async function promoteCanary(options: CanaryOptions, deps: CanaryDeps): Promise<CanaryResult> {
  const cloudwatch = requireCloudWatch(deps);
  const step = <T>(what: string, run: () => Promise<T>) => inStep("promote", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  const functionName = state.names.functionName;
  const live = await step("finding the live alias", () => findLiveAlias(deps, state, "promote"));
  const from = live.alias;
  const base: Base = { alias: from.name, ...(live.colour ? { colour: live.colour } : {}), fromVersion: from.version };
  deps.output.info(`Live uses ${describeLiveAlias(live)}, on ${describeRouting(from.version, from.weights ?? {})}.`);
  // The skill stack makes alarms for the colour aliases only; a legacy production-N alias has none.
  const alarmName = deps.config.canary.alarm && live.colour ? aliasErrorsAlarmName(functionName, from.name) : undefined;
  if (deps.config.canary.alarm && !live.colour) deps.output.warn(`The legacy alias ${from.name} has no Errors alarm (the skill stack makes them for blue and green): the canary watches its metrics only.`);

  // As promote: a live alias Alexa may not invoke is for cdktf deploy to fix first.
  await step(`checking the Alexa permission of ${from.name}`, () =>
    checkAlexaPermission(deps, { qualifier: from.name, why: `The live skill cannot be invoked through ${from.name}, so no canary starts or ends until the permission is back.` }),
  );

  const latest = await step("waiting for $LATEST", () => waitForLatest(deps, { functionName, current: state.latest }));
  const recorded = canaryOf(from);
  if (recorded) return resume(options, deps, { cloudwatch, live, base, record: recorded, latest, alarmName });
  if (from.weights) {
    throw new InvariantRefusal(
      `Refusing to start a canary: the live alias ${from.name} already splits its traffic (${describeRouting(from.version, from.weights)}), ` +
        "and its description records no canary, so somebody set that routing by hand. Clear it (aws lambda update-alias --routing-config AdditionalVersionWeights={}) or ask who set it.",
    );
  }

  if (alarmName) {
    const alarm = await step(`reading the alarm ${alarmName}`, () => readAlarm(cloudwatch, alarmName));
    if (!alarm) {
      throw new UsageError(`The configuration asks for the canary alarm (canary.alarm), but CloudWatch has no alarm ${alarmName}. Create it with npx cdktf deploy, or remove canary.alarm.`);
    }
    if (alarm.state === "ALARM") {
      throw new InvariantRefusal(
        `Refusing to start a canary: the live alias's alarm ${alarmName} is already in ALARM (${alarm.reason}), so the canary could not tell the new version's errors from the old one's. ` +
          "Find out why (npm run status, the function's logs), then try again.",
      );
    }
  }

  const settings = {
    weight: options.weight,
    bakeMs: options.bakeMs ?? DEFAULT_BAKE_MS,
    minInvocations: options.minInvocations ?? DEFAULT_MIN_INVOCATIONS,
    maxErrors: options.maxErrors ?? DEFAULT_MAX_ERRORS,
  };
  // As promote: publish first (Lambda gives back the last version when neither code nor configuration changed), canary what is new.
  // Publishing comes before the question (which names the version): a question nobody can answer stops us first.
  if (!deps.dryRun && !options.yes) requireAnswerable(deps.confirm, `Starting a canary on the live alias ${from.name}`);
  const version = await publishForLive(deps, { command: "promote", names: state.names, latest, from, refusal: "No canary" });
  if (!version) return { ...base, outcome: "nothing-to-promote", toVersion: from.version };
  if (!deps.dryRun && !options.yes) {
    const question =
      `Send ${percentOf(settings.weight)} of the live alias ${from.name}'s traffic to version ${version.version} ("${version.description}", code ${version.codeSha256}) ` +
      `(the rest stays on version ${from.version}) for ${formatDuration(settings.bakeMs)}, then complete or roll back by itself?`;
    if (!(await deps.confirm(question))) {
      throw new OperationFailed(`No canary: not confirmed. The live alias ${from.name} stays on version ${from.version}; version ${version.version} stays published and unused (the next promote gives it back).`);
    }
  }

  const record: CanaryRecord = { version: version.version, stableVersion: from.version, startedAt: deps.clock.now(), ...settings };
  const description = canaryRecord(record);
  const weights = { [version.version]: settings.weight };
  const revisionId = await step(`splitting alias ${from.name}'s traffic`, () => moveAlias(deps, { alias: from, toVersion: from.version, description, weights }));
  if (deps.dryRun) {
    deps.output.info(
      `Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above, then watch CloudWatch for ${formatDuration(settings.bakeMs)} and complete or roll back.`,
    );
    return { ...base, outcome: "dry-run", toVersion: version.version, weight: settings.weight, description, plannedCalls: [...deps.dryRun.calls] };
  }
  deps.output.info(
    `Canary started: alias ${from.name} sends ${percentOf(settings.weight)} of its traffic to version ${version.version} ("${version.description}"), the rest to version ${from.version}. ` +
      `Watching for ${formatDuration(settings.bakeMs)}; it needs ${settings.minInvocations} invocation(s) of version ${version.version} for a verdict, and ${settings.maxErrors} error(s) roll it back. ` +
      `If this run stops, ${canaryChoices()}`,
  );
  const split: AliasView = { ...from, revisionId: revisionId ?? "", description, weights };
  return decide(deps, { cloudwatch, base, alias: split, record, alarmName });
}

/** A canary recorded on the alias: watch it again, with the given criteria if any, else the recorded ones. */
async function resume(
  options: CanaryOptions,
  deps: CanaryDeps,
  context: { cloudwatch: CloudWatchClient; live: LiveAlias; base: Base; record: CanaryRecord; latest: LatestCode; alarmName: string | undefined },
): Promise<CanaryResult> {
  const { live, latest } = context;
  const alias = live.alias;
  checkRouting(alias, context.record);
  // As promote: publishing gives back the canary's version when $LATEST (code and configuration) is unchanged since; anything else is newer.
  if (!deps.dryRun) {
    const published = await inStep("promote", "publishing $LATEST", () => publishLatest(deps, { names: { functionName: deps.config.function.name }, latest }));
    if (published.version !== context.record.version) {
      throw new InvariantRefusal(
        `Refusing to start another canary: ${describeCanary(alias, context.record)}, and $LATEST has changed since (it is version ${published.version} now). ` +
          `Finish that one first (npm run promote -- --complete, or npm run rollback), then run npm run promote -- --canary again.`,
      );
    }
  }
  if (options.weight !== context.record.weight) {
    deps.output.warn(`The canary in progress keeps its ${percentOf(context.record.weight)} of the traffic (asked for ${percentOf(options.weight)}).`);
  }
  const record: CanaryRecord = {
    ...context.record,
    ...(options.bakeMs !== undefined ? { bakeMs: options.bakeMs } : {}),
    ...(options.minInvocations !== undefined ? { minInvocations: options.minInvocations } : {}),
    ...(options.maxErrors !== undefined ? { maxErrors: options.maxErrors } : {}),
  };
  deps.output.info(
    `Resuming the canary recorded on alias ${alias.name}: version ${record.version} with ${percentOf(record.weight)} of the traffic since ${new Date(record.startedAt).toISOString()}, ` +
      `bake ${formatDuration(record.bakeMs)}, needs ${record.minInvocations} invocation(s), rolls back at ${record.maxErrors} error(s).`,
  );
  if (deps.dryRun) {
    deps.output.info("Dry run: nothing was changed. A real run would watch CloudWatch until the verdict, then complete or roll back.");
    return { ...context.base, outcome: "dry-run", toVersion: record.version, weight: record.weight, description: alias.description, plannedCalls: [...deps.dryRun.calls] };
  }
  return decide(deps, { cloudwatch: context.cloudwatch, base: context.base, alias, record, alarmName: context.alarmName });
}

/** Watches to a verdict and acts on it: complete (exit 0), roll back (exit 1), or leave a quiet canary in place (exit 1). */
async function decide(
  deps: CanaryDeps,
  context: { cloudwatch: CloudWatchClient; base: Base; alias: AliasView; record: CanaryRecord; alarmName: string | undefined },
): Promise<CanaryResult> {
  const { alias, record } = context;
  // What to run again after a failed step: the canary stays recorded on the alias, so this resumes it.
  const again = `promote -- --canary ${Math.round(record.weight * 100)}`;
  const stays = (error: unknown): never => {
    if (error instanceof OperationFailed && !(error instanceof SmokeTestFailed)) throw new OperationFailed(`${error.message} The canary stays in place until then.`);
    throw error;
  };
  const watched = await inStep(again, "watching the canary", () =>
    watchCanary({ ...deps, cloudwatch: context.cloudwatch }, { alias, record, alarmName: context.alarmName }),
  ).catch(stays);
  const { verdict, counts } = watched;
  switch (verdict.kind) {
    case "complete": {
      const ended = await endCanary(deps, { command: again, alias, record, outcome: "complete", note: `${percentOf(record.weight)}, ${counts.canary.invocations} invocations, ${counts.canary.errors} errors` });
      deps.output.info(`Promoted by canary: ${verdict.reason}. Live alias ${alias.name} is now on version ${record.version} alone, was ${record.stableVersion}. npm run rollback moves it back.`);
      return { ...context.base, outcome: "completed", toVersion: record.version, weight: record.weight, counts, description: ended.description };
    }
    case "roll-back": {
      await endCanary(deps, { command: again, alias, record, outcome: "roll-back", note: `${counts.canary.errors} errors in ${counts.canary.invocations} invocations` }).catch(stays);
      throw new OperationFailed(
        `Canary rolled back: ${verdict.reason}. Live alias ${alias.name} is on version ${record.stableVersion} alone again; version ${record.version} gets no traffic. ` +
          "Fix the code, deploy it, and promote again.",
      );
    }
    case "quiet":
      throw new OperationFailed(
        `Canary left in place, without a verdict: ${verdict.reason}. Alias ${alias.name} still sends ${percentOf(record.weight)} of its traffic to version ${record.version}. ` +
          `Decide: npm run promote -- --complete finishes it, npm run rollback undoes it, or npm run promote -- --canary ${Math.round(record.weight * 100)} --bake ${formatDuration(Math.min(record.bakeMs * 2, BAKE_LIMITS_MS.max))} watches it longer (from the same start).`,
      );
  }
}

/**
 * npm run promote -- --complete: finishes the canary recorded on the live
 * alias without waiting for a verdict (a person's judgement, typically
 * after a quiet canary): all traffic to the new version, once it answers.
 */
export async function completeCanary(options: { yes?: boolean }, deps: CanaryDeps): Promise<CanaryResult> {
  const step = <T>(what: string, run: () => Promise<T>) => inStep("promote", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  const live = await step("finding the live alias", () => findLiveAlias(deps, state, "complete a canary on"));
  const from = live.alias;
  const base: Base = { alias: from.name, ...(live.colour ? { colour: live.colour } : {}), fromVersion: from.version };
  const record = canaryOf(from);
  if (!record) {
    deps.output.info(`No canary in progress: the live alias ${from.name} is on ${describeRouting(from.version, from.weights ?? {})} and its description records no canary. Nothing to complete.`);
    return { ...base, outcome: "no-canary", toVersion: from.version };
  }
  checkRouting(from, record);
  deps.output.info(`Completing ${describeCanary(from, record)}.`);
  if (!deps.dryRun && !options.yes) {
    const question = `Move all of the live alias ${from.name}'s traffic to version ${record.version} (from ${describeRouting(from.version, from.weights ?? {})}), without waiting for a verdict?`;
    if (!(await deps.confirm(question))) throw new OperationFailed("Canary not completed: not confirmed. Nothing was changed.");
  }
  const ended = await endCanary(deps, { command: "promote -- --complete", alias: from, record, outcome: "complete", note: "completed by hand" });
  if (deps.dryRun) {
    deps.output.info(`Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above.`);
    return { ...base, outcome: "dry-run", toVersion: record.version, description: ended.description, plannedCalls: [...deps.dryRun.calls] };
  }
  deps.output.info(`Canary completed: live alias ${from.name} is now on version ${record.version} alone, was ${record.stableVersion}. npm run rollback moves it back.`);
  return { ...base, outcome: "completed", toVersion: record.version, weight: record.weight, description: ended.description };
}

/** A canary whose routing is not what its record says was changed by someone else: act on nothing. */
function checkRouting(alias: AliasView, record: CanaryRecord): void {
  if (routingMatches(alias, record)) return;
  throw new ConcurrentChange(
    `The live alias ${alias.name} records a canary of version ${record.version} (${percentOf(record.weight)}, stable version ${record.stableVersion}), ` +
      `but it is on ${describeRouting(alias.version, alias.weights ?? {})}: somebody changed it since. Nothing was changed. Check with npm run status and decide by hand.`,
  );
}

function requireCloudWatch(deps: ReleaseDeps): CloudWatchClient {
  if (!deps.cloudwatch) throw new UsageError("A canary reads CloudWatch, but no CloudWatch client was configured (AWS_REGION, AWS credentials).");
  return deps.cloudwatch;
}
