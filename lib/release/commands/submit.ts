import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { ConcurrentChange, InvariantRefusal, UsageError } from "../../errors";
import type { Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { describeTarget, isInReview, liveColour, requireCandidate, stageTarget, type Colour } from "../model";
import { readReleaseState, type ObservedState } from "../read-state";
import { readDevelopmentManifest } from "../steps/manifest";
import { submitForCertification, VERSION_MESSAGE_MAX, type PublicationMethod } from "../steps/certify";
import { smokeTest, SmokeTestFailed, type SmokeTestResult } from "../../lambda/smoke-test";
import { runSkillValidations, type ValidationReport } from "../steps/validate-skill";

/**
 * `npm run submit`: the development stage, pointing at a smoke-tested
 * candidate alias, goes to certification. It moves no alias (invariant 1)
 * and changes nothing on the skill but the submission itself.
 *
 * "Smoke-tested" means: at submit time, invoking the candidate alias with a
 * LaunchRequest returns a well-formed Alexa response, and the version that
 * answered is the one the alias points at now. Nothing records an earlier
 * smoke test (the release state lives only in Lambda and SMAPI), and the
 * alias could have moved since the flip that tested it, so the test is run
 * again on exactly the code that the review will use.
 */

export interface SubmitOptions {
  publicationMethod: "auto" | "manual";
  /** The version message; default: the candidate alias, its version and that version's description. */
  message?: string;
}

export type SubmitDeps = ReleaseDeps & { confirm: Confirm };

export interface SubmitReport {
  outcome: "submitted" | "already-submitted" | "planned" | "not-confirmed";
  skillId: string;
  certificationId?: string;
  candidate: { colour: Colour; alias: string; version?: string };
  publicationMethod: PublicationMethod;
  versionMessage?: string;
  smokeTest?: SmokeTestResult;
  validation?: ValidationReport;
  /** Under --dry-run: the mutating calls that were not made. */
  plannedCalls?: string[];
  next: string;
}

export const PUBLICATION_METHODS: Record<SubmitOptions["publicationMethod"], PublicationMethod> = {
  auto: "AUTO_PUBLISHING",
  manual: "MANUAL_PUBLISHING",
};

export async function submit(options: SubmitOptions, deps: SubmitDeps): Promise<SubmitReport> {
  const publicationMethod = PUBLICATION_METHODS[options.publicationMethod];
  if (options.message !== undefined && (options.message.trim() === "" || options.message.length > VERSION_MESSAGE_MAX)) {
    throw new UsageError(`--message must be 1 to ${VERSION_MESSAGE_MAX} characters (Amazon's limit for a version message); it has ${options.message.length}.`);
  }
  const state = await readReleaseState(deps);
  // Invariant 9: a review must not pin a colour that live users in any region run.
  const candidate = requireCandidate(state, "submit");
  const alias = state.aliases[candidate];
  const base = { skillId: deps.config.skill.id, publicationMethod, candidate: { colour: candidate, alias: alias?.name ?? deps.config.aliases[candidate], ...(alias ? { version: alias.version } : {}) } };
  const dev = state.development;
  const onCandidate = dev.kind === "colour" && dev.colour === candidate;

  // Amazon locks the development stage during review, so what it holds is what was submitted.
  if (isInReview(state)) {
    const review = state.certification;
    if (onCandidate) {
      deps.output.info(`Already submitted: ${review?.id}${review?.submittedAt ? ` (since ${review.submittedAt})` : ""}, with development on the candidate ${candidate}. Nothing to do.`);
      return { ...base, outcome: "already-submitted", ...(review ? { certificationId: review.id } : {}), next: inReviewNext(publicationMethod) };
    }
    throw new InvariantRefusal(
      `Refusing to submit: certification ${review?.id}${review?.submittedAt ? ` (submitted ${review.submittedAt})` : ""} is already in review, ` +
        `and it is not a submission of the candidate ${candidate} (development points at ${describeTarget(dev)}). Amazon reviews one submission at a time: ` +
        "wait for its result (npm run status), or withdraw it in the developer console.",
    );
  }
  if (!onCandidate) throw notOnCandidate(state, candidate);
  if (!alias) {
    throw new UsageError(`The candidate alias ${base.candidate.alias} does not exist on ${state.names.functionName}. Create it with npx cdktf deploy (Terraform owns the aliases), then npm run flip.`);
  }

  const smoke = await smokeTestCandidate(deps, alias.name, alias.version);
  const versionMessage = options.message ?? (await defaultMessage(deps, candidate, alias.name, alias.version));
  const described = `skill ${base.skillId} for certification (${publicationMethod}), with development on ${candidate} (alias ${alias.name} → version ${alias.version})`;
  // Asked before the validations, so a run without --yes off a terminal stops at once, having touched nothing.
  if (!deps.dryRun && !(await deps.confirm(`Submit ${described}?`))) {
    deps.output.info("Not submitted: not confirmed.");
    return { ...base, outcome: "not-confirmed", versionMessage, smokeTest: smoke, next: "Run npm run submit again when ready." };
  }
  const validation = await runSkillValidations(deps);
  const submission = await submitForCertification(deps, { publicationMethod, versionMessage });
  if (submission.outcome === "planned") {
    return { ...base, outcome: "planned", versionMessage, smokeTest: smoke, validation, plannedCalls: [...(deps.dryRun?.calls ?? [])], next: "Run without --dry-run to submit." };
  }
  await checkSnapshot(deps, state, candidate, submission.certificationId);
  deps.output.info(
    `Submitted ${described}: certification ${submission.certificationId}. Amazon locks the development stage until the review ends, ` +
      `and the ${candidate} alias must not move meanwhile (flip refuses).`,
  );
  return {
    ...base,
    outcome: "submitted",
    ...(submission.certificationId ? { certificationId: submission.certificationId } : {}),
    versionMessage,
    smokeTest: smoke,
    validation,
    next: inReviewNext(publicationMethod),
  };
}

function notOnCandidate(state: ObservedState, candidate: Colour): InvariantRefusal {
  const dev = state.development;
  const live = liveColour(state);
  const why =
    dev.kind === "latest"
      ? `development points at $LATEST, whose code changes on every push. Run npm run flip first: it publishes $LATEST, moves the candidate ${candidate} to it, smoke-tests it and points development at it.`
      : dev.kind === "colour" && dev.colour === live
        ? `development points at the live colour ${dev.colour}: a review of it would pin the alias that promote and rollback must be free to move. ` +
          `Run npm run finish (back to $LATEST), then npm run flip to release on ${candidate}.`
        : `development points at ${describeTarget(dev)}, not at the candidate ${candidate}. Run npm run flip to point it at ${candidate}.`;
  return new InvariantRefusal(`Refusing to submit: ${why}`);
}

/** Invariant 5, as submit's precondition: the code under review answers a LaunchRequest. */
async function smokeTestCandidate(deps: SubmitDeps, alias: string, version: string): Promise<SmokeTestResult> {
  try {
    return await smokeTest(deps, { qualifier: alias, expectVersion: version });
  } catch (error) {
    if (!(error instanceof SmokeTestFailed)) throw error;
    throw new InvariantRefusal(
      `Refusing to submit: ${error.message} The code under review must answer a LaunchRequest; fix it, then npm run flip (it moves ${alias} to the new code) and submit again.`,
    );
  }
}

async function defaultMessage(deps: SubmitDeps, colour: Colour, alias: string, version: string): Promise<string> {
  const fn = await deps.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: deps.config.function.name, Qualifier: version }));
  const described = fn.Description ? `: ${fn.Description}` : "";
  return `Release on ${colour} (alias ${alias}, ${deps.config.function.name} version ${version}${described})`.slice(0, VERSION_MESSAGE_MAX);
}

/**
 * Amazon snapshots whatever development holds when the submission arrives,
 * and a submission takes no If-Match: a concurrent flip between our read and
 * the submission would be certified instead. The stage is locked now, so one
 * read tells what the review uses.
 */
async function checkSnapshot(deps: SubmitDeps, state: ObservedState, candidate: Colour, certificationId: string | undefined): Promise<void> {
  const now = stageTarget((await readDevelopmentManifest(deps)).manifest, state.names);
  if (now.kind === "colour" && now.colour === candidate) return;
  throw new ConcurrentChange(
    `Certification ${certificationId} was submitted, but development now points at ${describeTarget(now)}, not at ${candidate}: ` +
      "somebody changed it between our check and the submission, so the review uses their endpoint. Withdraw the submission in the developer console, then run npm run status.",
  );
}

function inReviewNext(method: PublicationMethod): string {
  return method === "MANUAL_PUBLISHING"
    ? "Wait for the review (npm run status). When it passes, publish (developer console, or npm run finish -- --publish), then npm run finish."
    : "Wait for the review (npm run status). When it passes Amazon publishes the skill; then npm run finish.";
}
