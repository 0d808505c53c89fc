import { createHash } from "node:crypto";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { recordFromTags } from "../../lib/lambda/record-tags";
import { alexaResponseProblems, launchRequest } from "../../lib/alexa/launch";
import { canaryOf } from "../../lib/release/canary/record";
import { FUNCTION_NAME, hasAlexaPermission, type ReleaseWorld } from "../../lib/emulators/release-world";

/**
 * What the proofs look at in a release world, out of band (no call is
 * logged, no fault applies): the state the scripts own, normalised so that
 * two runs that did the same thing compare equal, and DESIGN.md's invariants
 * as they can be checked on the state a run left behind.
 */

/** An alias as it matters to Alexa: the version it runs and any weighted routing. */
export interface AliasState {
  version: string;
  routing?: Record<string, number>;
  description: string;
}

export interface WorldState {
  aliases: Record<string, AliasState>;
  /** Published versions with their (normalised) descriptions. */
  versions: Array<[string, string]>;
  latestSha256: string;
  development: string[];
  live: string[];
  /** Every certification's status, oldest first: a second submission shows here. */
  certifications: string[];
  /** The development stage's en-US model, as text. */
  developmentModel: string;
  /** The development stage's skill.json, as a digest (deploy:skill uploads it). */
  developmentManifest: string;
  /** The commit record on the function's tags (deploy:function, deploy:skill), if any. */
  commitRecord?: { commit: string; codeSha256: string };
  /** Parameter Store, in a world that has it: each configured credential's type and a digest of its value (never the value). */
  parameters?: Record<string, string>;
}

/** Timestamps and the per-run tag flip writes into descriptions do not decide whether two runs converged. */
export function normalise(description: string): string {
  return description
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>")
    .replace(/\(flip [0-9a-f]+\)/g, "(flip <run>)")
    .replace(/^\d{4}-\d{2}-\d{2}( |$)/, "<date>$1");
}

export async function worldState(world: ReleaseWorld): Promise<WorldState> {
  await world.smapiEmu.settle();
  const state = world.lambdaEmu.state;
  const fn = state.get(FUNCTION_NAME);
  const aliases: Record<string, AliasState> = {};
  for (const alias of state.listAliases(FUNCTION_NAME)) {
    aliases[alias.name] = {
      version: alias.functionVersion,
      ...(alias.additionalVersionWeights && Object.keys(alias.additionalVersionWeights).length > 0 ? { routing: alias.additionalVersionWeights } : {}),
      description: normalise(alias.description),
    };
  }
  return {
    aliases,
    versions: state.listVersions(FUNCTION_NAME).map((v) => [v.version, normalise(v.description)]),
    latestSha256: fn.latest.code.sha256,
    development: world.smapiEmu.endpoints("development"),
    live: world.smapiEmu.endpoints("live"),
    certifications: world.smapiEmu.state.certifications.map((c) => c.status),
    developmentModel: JSON.stringify(world.smapiEmu.interactionModel("development", "en-US") ?? null),
    developmentManifest: digest(JSON.stringify(world.smapiEmu.manifest("development") ?? null)),
    ...commitRecordOf(Object.fromEntries(fn.tags)),
    ...(world.ssmEmu ? { parameters: parametersOf(world) } : {}),
  };
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function commitRecordOf(tags: Record<string, string>): { commitRecord?: { commit: string; codeSha256: string } } {
  const record = recordFromTags(tags);
  return record ? { commitRecord: { commit: record.commit, codeSha256: record.codeSha256 } } : {};
}

function parametersOf(world: ReleaseWorld): Record<string, string> {
  // Each world mints its own credentials: what compares across worlds is whether a parameter holds this world's value.
  const { clientId, clientSecret, refreshToken } = world.smapiEmu.credentials;
  const expected = { lwaClientId: clientId, lwaClientSecret: clientSecret, refreshToken, vendorId: world.smapiEmu.vendorId };
  const out: Record<string, string> = {};
  for (const [role, value] of Object.entries(expected)) {
    const name = world.config.secrets[role as keyof typeof expected];
    const stored = world.ssmEmu?.store.get(name);
    if (stored) out[name] = `${stored.type} ${stored.value === value ? "holding the credential" : `holding another value (${digest(stored.value)})`}`;
  }
  return out;
}

export interface InvariantOptions {
  /** Invariant 1: flip, submit and finish leave the live alias where it was. */
  liveAliasUntouched?: boolean;
  /** deploy:skill uploads skill.json but never moves the development stage's endpoints (the release commands own them). */
  developmentEndpointsUntouched?: boolean;
}

/**
 * The invariants that a state must satisfy whatever happened to the run that
 * left it: every stage endpoint carries the Alexa permission (4) and answers
 * a LaunchRequest (5), `$LATEST` answers (8), no alias is left half-moved
 * (weighted routing nobody finished), and (1) the live alias is untouched.
 * Returns what is violated, empty when everything holds.
 */
export async function invariantViolations(world: ReleaseWorld, before: WorldState, options: InvariantOptions = {}): Promise<string[]> {
  const after = await worldState(world);
  const problems: string[] = [];
  const skillId = world.config.skill.id;
  const lambda = new LambdaClient({ region: world.lambdaEmu.region, endpoint: world.lambdaEmu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  try {
    const endpoints = new Set([...after.development, ...after.live]);
    for (const uri of endpoints) {
      if (!hasAlexaPermission(world.lambdaEmu, uri, skillId)) problems.push(`invariant 4: endpoint ${uri} has no Alexa Skills Kit permission for the skill`);
      const answer = await answers(lambda, world, uri);
      if (answer) problems.push(`invariant 5: endpoint ${uri} ${answer}`);
    }
    const latest = await answers(lambda, world, FUNCTION_NAME);
    if (latest) problems.push(`invariant 8: $LATEST ${latest}`);
  } finally {
    lambda.destroy();
  }
  for (const alias of world.lambdaEmu.state.listAliases(FUNCTION_NAME)) {
    const routing = alias.additionalVersionWeights;
    if (!routing || Object.keys(routing).length === 0) continue;
    // A canary in progress routes part of the traffic on purpose, and records it on the alias so a re-run resumes it.
    const recorded = canaryOf({ name: alias.name, version: alias.functionVersion, revisionId: alias.revisionId, description: alias.description });
    if (!recorded) problems.push(`alias ${alias.name} is left half-moved: weighted routing ${JSON.stringify(routing)} that no canary records`);
  }
  if (options.liveAliasUntouched) {
    const liveAlias = liveAliasName(before);
    if (liveAlias && JSON.stringify(before.aliases[liveAlias]?.version) !== JSON.stringify(after.aliases[liveAlias]?.version)) {
      problems.push(`invariant 1: the live alias ${liveAlias} moved from version ${before.aliases[liveAlias]?.version} to ${after.aliases[liveAlias]?.version}`);
    }
  }
  if (options.developmentEndpointsUntouched && JSON.stringify(before.development) !== JSON.stringify(after.development)) {
    problems.push(`the development endpoints moved from ${JSON.stringify(before.development)} to ${JSON.stringify(after.development)}`);
  }
  // The record says which commit $LATEST holds: a record of other code would make the next deploy refuse, or accept, wrongly.
  if (after.commitRecord && after.commitRecord.codeSha256 !== after.latestSha256) {
    problems.push(`the commit record names code ${after.commitRecord.codeSha256} but $LATEST holds ${after.latestSha256}`);
  }
  if (after.certifications.filter((s) => s === "IN_PROGRESS").length > 1) problems.push("more than one certification in progress");
  return problems;
}

function liveAliasName(state: WorldState): string | undefined {
  const uri = state.live[0];
  const qualifier = uri?.split(":")[7];
  return qualifier && /^[A-Za-z]/.test(qualifier) ? qualifier : undefined;
}

/** Why `target` (a function name or an ARN) does not answer a LaunchRequest well, or undefined when it does. */
async function answers(lambda: LambdaClient, world: ReleaseWorld, target: string): Promise<string | undefined> {
  try {
    const result = await lambda.send(
      new InvokeCommand({ FunctionName: target, Payload: Buffer.from(JSON.stringify(launchRequest(world.config, new Date()))) }),
    );
    const text = Buffer.from(result.Payload ?? []).toString("utf8");
    if (result.FunctionError) return `fails: ${text.slice(0, 200)}`;
    const problems = alexaResponseProblems(text === "" ? undefined : JSON.parse(text));
    return problems.length > 0 ? `answers badly: ${problems.join("; ")}` : undefined;
  } catch (error) {
    return `cannot be invoked: ${(error as Error).message}`;
  }
}
