import { mkdtempSync, rmSync, writeFileSync, cpSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deployFunction } from "../../lib/deploy/function";
import { deployModel } from "../../lib/deploy/model";
import { makeZip } from "../../lib/emulators/lambda";
import { codePackage } from "../../lib/emulators/lambda/state";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { finish } from "../../lib/release/commands/finish";
import { flip } from "../../lib/release/commands/flip";
import { promote } from "../../lib/release/commands/promote";
import { rollback } from "../../lib/release/commands/rollback";
import { rollbackRelease } from "../../lib/release/commands/rollback-release";
import { submit } from "../../lib/release/commands/submit";
import { promoteCanary } from "../../lib/release/commands/canary";
import { codeSha256 } from "../../lib/package";
import type { BuiltPackage } from "../../lib/build";
import { deploySkill } from "../../lib/deploy/skill";
import { NO_HISTORY } from "../../lib/lambda/commit";
import { ResilientApiClient } from "../../lib/smapi/api-client";
import { failedCheck, setupCredentials, type SetupOptions } from "../../lib/setup-credentials/command";
import { evenDraws, residentsClock, type ResidentsClock } from "../helpers/residents";
import { fastDeps, pointDevelopmentAt, quickClock, releaseDeps, runRelease, type CommandDeps } from "../helpers/release-run";
import { operatorClients as operatorClientsFor, type OperatorClients, type RunResult } from "./fault-matrix";

/**
 * Every command that changes something, as the proofs run it: in-process
 * against a release world, from the state it is meant to run in. Adding a
 * command to the proofs is adding an entry here.
 */
export interface ProofCommand {
  name: string;
  /** The world it starts from (default: live on blue); a function for options made fresh for each world (a clock). */
  world?: ReleaseWorldOptions | (() => ReleaseWorldOptions);
  /** Brings a fresh world to where the command is meant to run, without faults. */
  setup?: (world: ReleaseWorld) => Promise<void>;
  /** Runs it with an operator's clients, as its script would (exit code, what it said on stderr). */
  run: (world: ReleaseWorld, clients: OperatorClients) => Promise<RunResult>;
  /** Invariant 1 applies: it must never move the live alias. */
  liveAliasUntouched?: boolean;
  /** It uploads skill.json but must leave the development stage's endpoints where they are. */
  developmentEndpointsUntouched?: boolean;
  /** Its world has Parameter Store (setup:credentials). */
  ssm?: boolean;
  /** Its own invariants, checked after the faulted run and after the re-run: what is violated. */
  invariants?: (world: ReleaseWorld) => Promise<string[]>;
  /** Checked after the re-run only: what it must have reached beyond the clean run's end state. */
  converged?: (world: ReleaseWorld) => Promise<string[]>;
}

/** The command's dependencies with the operator's clients (the world's own are for setup only). */
function operatorDeps(world: ReleaseWorld, clients: OperatorClients): CommandDeps {
  return releaseDeps(world, { lambda: clients.lambda, smapi: clients.smapi, cloudwatch: clients.cloudwatch, clock: residents.get(world) ?? quickClock });
}

/**
 * The canary's worlds run on a clock of residents who keep talking to the
 * live alias (a 30-minute bake takes milliseconds), which the Lambda and
 * CloudWatch emulators read too. The clock is made with the world's options
 * and attached to the world in its setup; cells run one after another.
 */
const residents = new WeakMap<ReleaseWorld, ResidentsClock>();
let nextResidents: ResidentsClock | undefined;
function canaryWorld(): ReleaseWorldOptions {
  nextResidents = residentsClock({ everyMs: 2 * 60_000 });
  return { live: "blue", lambda: { now: nextResidents.now, random: evenDraws() } };
}
function attachResidents(world: ReleaseWorld): void {
  const clock = nextResidents;
  if (!clock) throw new Error("canaryWorld() makes the clock before the world starts");
  nextResidents = undefined;
  clock.talkTo(world, "blue");
  residents.set(world, clock);
}

/** Runs a command as the shared entry point does; an error that is not typed is what runMain would print as an unexpected failure, with its stack. */
async function release<R>(name: string, run: () => Promise<R>): Promise<RunResult> {
  try {
    const { code, stderr } = await runRelease(name, run);
    return { code, stderr };
  } catch (error) {
    return { code: 1, stderr: `${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` };
  }
}

const must = async (what: string, run: () => Promise<unknown>) => {
  const { code, stderr } = await runRelease(what, run);
  if (code !== 0) throw new Error(`setup: ${what} failed (exit ${code}): ${stderr}`);
};

const setupFlip = (world: ReleaseWorld) => must("flip", () => flip({ to: "candidate", yes: true }, releaseDeps(world)));

/** A whole release on green, as rollback --release needs one: new code on green, submitted, passed (auto-published), finished. */
async function releasedOnGreen(world: ReleaseWorld): Promise<void> {
  const version = world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": "# released on green\n" })), "release on green");
  world.lambdaEmu.state.setAlias(FUNCTION_NAME, "green", version.version);
  await pointDevelopmentAt(world, "green");
  await must("submit", () => submit({ publicationMethod: "auto" }, fastDeps(world)));
  world.smapiEmu.passCertification();
  await must("finish", () => finish({ publish: false }, fastDeps(world)));
}

/** Temporary inputs (packages), removed by `removeInputs`. */
const inputs: string[] = [];
function inputDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  inputs.push(dir);
  return dir;
}
export function removeInputs(): void {
  for (const dir of inputs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let functionPackage: string | undefined;
/** A new package for $LATEST (the world's $LATEST has other code). */
function newFunctionPackage(): string {
  if (functionPackage) return functionPackage;
  const file = path.join(inputDir("proof-function-"), "package.zip");
  writeFileSync(file, makeZip({ "lambda_function.py": "# Boston Info, a new build\ndef lambda_handler(event, context):\n    return {}\n" }));
  return (functionPackage = file);
}

const FIXTURE_PACKAGE = path.resolve(__dirname, "../../lib/emulators/fixtures/voiceapp311-skill-package");
let skillPackage: string | undefined;
/** The fixture's skill package with one more sample utterance, so that deploy:model has a change to upload. */
function changedSkillPackage(): string {
  if (skillPackage) return skillPackage;
  const dir = path.join(inputDir("proof-skill-package-"), "skill-package");
  cpSync(FIXTURE_PACKAGE, dir, { recursive: true });
  const file = path.join(dir, "interactionModels/custom/en-US.json");
  const model = JSON.parse(readFileSync(file, "utf8"));
  const intent = model.interactionModel.languageModel.intents.find((i: { samples?: string[] }) => (i.samples ?? []).length > 0);
  intent.samples.push("tell me something new about boston");
  writeFileSync(file, JSON.stringify(model, null, 2));
  return (skillPackage = dir);
}

/** The commit deploy:skill's pushes come from. */
const PUSHED_COMMIT = "3f9c2a1d0b7e4c5f6a8b9c0d1e2f3a4b5c6d7e8f";
let skillBuild: BuiltPackage | undefined;
/**
 * What deploy:skill's builder would produce for a push, prebuilt (no pip, so
 * the matrix stays fast): the new function package and a skill package whose
 * model and skill.json both changed, so that every step has something to do.
 */
function prebuiltSkill(): BuiltPackage {
  if (skillBuild) return skillBuild;
  const dir = inputDir("proof-skill-push-");
  const skillPackageDir = path.join(dir, "skill-package");
  cpSync(changedSkillPackage(), skillPackageDir, { recursive: true });
  const manifestFile = path.join(skillPackageDir, "skill.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  manifest.manifest.publishingInformation.locales["en-US"].summary = "A summary changed by this push.";
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const zipPath = newFunctionPackage();
  const zip = readFileSync(zipPath);
  return (skillBuild = { zipPath, sha256: codeSha256(zip), bytes: zip.length, flow: "zip-only", handler: "lambda_function.lambda_handler", skillPackageDir } as BuiltPackage);
}

/** setup:credentials as its main wires it, with the operator's clients; `mode` stdin reads the world's refresh token. */
function runSetup(world: ReleaseWorld, clients: OperatorClients, mode: SetupOptions["mode"]): Promise<RunResult> {
  const { clientId, clientSecret, refreshToken } = world.smapiEmu.credentials;
  return release("setup:credentials", async () => {
    const result = await setupCredentials(
      { mode, port: 0, timeoutMs: 10_000, browser: false, overwrite: false, dryRun: false },
      {
        config: world.config,
        env: { ASK_LWA_CLIENT_ID: clientId, ASK_LWA_CLIENT_SECRET: clientSecret, ASK_VENDOR_ID: world.smapiEmu.vendorId },
        hosts: { authorize: world.smapiEmu.url, token: world.smapiEmu.url, smapi: world.smapiEmu.url },
        http: new ResilientApiClient({ timeoutMs: 750, retry: { attempts: 2, baseDelayMs: 2, maxDelayMs: 10 } }),
        ssm: clients.ssm,
        output: world.output,
        terminal: { interactive: false, ask: () => Promise.reject(new Error("nobody at the terminal")) },
        readStdin: async () => `${refreshToken}\n`,
        openBrowser: () => false,
        confirm: async () => true,
      },
    );
    if ("ok" in result && !result.ok) throw failedCheck(result);
  });
}

/** The four credentials stored as setup:credentials stores them, out of band. */
function storeCredentials(world: ReleaseWorld): void {
  const { clientId, clientSecret, refreshToken } = world.smapiEmu.credentials;
  const values = { lwaClientId: clientId, lwaClientSecret: clientSecret, refreshToken, vendorId: world.smapiEmu.vendorId };
  for (const [role, value] of Object.entries(values)) {
    world.ssmEmu!.store.put({ name: world.config.secrets[role as keyof typeof values], value, type: "SecureString", overwrite: true });
  }
}

/** After the re-run: all four stored as SecureStrings, and --check proves them. */
async function credentialsStoredAndVerified(world: ReleaseWorld): Promise<string[]> {
  const problems: string[] = [];
  for (const name of [world.config.secrets.lwaClientId, world.config.secrets.lwaClientSecret, world.config.secrets.refreshToken, world.config.secrets.vendorId]) {
    const stored = world.ssmEmu!.store.get(name);
    if (stored?.type !== "SecureString") problems.push(`${name} is ${stored ? `a ${stored.type}` : "missing"}`);
  }
  const clients = operatorClientsFor(world);
  try {
    const check = await runSetup(world, clients, "check");
    if (check.code !== 0) problems.push(`--check does not prove them (exit ${check.code}): ${check.stderr.trim()}`);
  } finally {
    clients.close();
  }
  return problems;
}

/** A fault is not a bad credential: a check disturbed by one must not send the operator to replace a good value. */
async function noCredentialBlamed(world: ReleaseWorld, stderr: string): Promise<string[]> {
  void world;
  return /is (missing|wrong)/.test(stderr) ? [`a good stored credential was reported bad: ${stderr.trim()}`] : [];
}

export const PROOF_COMMANDS: readonly ProofCommand[] = [
  {
    name: "flip",
    liveAliasUntouched: true,
    run: (world, clients) => release("flip", () => flip({ to: "candidate", yes: true }, operatorDeps(world, clients))),
  },
  {
    name: "flip --to latest",
    liveAliasUntouched: true,
    setup: (world) => pointDevelopmentAt(world, "green"),
    run: (world, clients) => release("flip", () => flip({ to: "latest", yes: true }, operatorDeps(world, clients))),
  },
  {
    name: "submit",
    liveAliasUntouched: true,
    setup: setupFlip,
    run: (world, clients) => release("submit", () => submit({ publicationMethod: "manual" }, { ...operatorDeps(world, clients), clock: fastDeps(world).clock })),
  },
  {
    name: "finish",
    liveAliasUntouched: false, // live has just moved to the other colour through publication, not through finish
    setup: async (world) => {
      await setupFlip(world);
      await must("submit", () => submit({ publicationMethod: "auto" }, fastDeps(world)));
      world.smapiEmu.passCertification();
    },
    run: (world, clients) => release("finish", () => finish({ publish: false }, { ...operatorDeps(world, clients), clock: fastDeps(world).clock })),
  },
  {
    name: "promote",
    run: (world, clients) => release("promote", () => promote({ yes: true }, operatorDeps(world, clients))),
  },
  {
    name: "promote --canary",
    world: canaryWorld,
    setup: async (world) => attachResidents(world),
    run: (world, clients) => release("promote", () => promoteCanary({ yes: true, weight: 0.5, bakeMs: 30 * 60_000 }, operatorDeps(world, clients))),
  },
  {
    name: "rollback",
    setup: (world) => must("promote", () => promote({ yes: true }, releaseDeps(world))),
    run: (world, clients) => release("rollback", () => rollback({ yes: true }, operatorDeps(world, clients))),
  },
  {
    name: "rollback --release",
    setup: releasedOnGreen,
    run: (world, clients) => release("rollback", () => rollbackRelease({}, { ...operatorDeps(world, clients), clock: fastDeps(world).clock })),
  },
  {
    name: "deploy:function",
    run: (world, clients) =>
      release("deploy:function", () =>
        deployFunction(
          { functionName: FUNCTION_NAME, region: world.lambdaEmu.region, source: { kind: "zip", file: newFunctionPackage() }, publish: false, dryRun: false, timeoutMs: 10_000, launch: world.config },
          {
            lambda: clients.lambda,
            s3: () => {
              throw new Error("this package goes to Lambda directly");
            },
            output: world.output,
            clock: quickClock,
            resolveCommit: async () => undefined,
          },
        ),
      ),
  },
  {
    name: "deploy:model",
    run: (world, clients) =>
      release("deploy:model", () =>
        deployModel(
          { skillId: world.config.skill.id, packageDir: changedSkillPackage(), timeoutMs: 10_000, poll: { initialDelayMs: 5, maxDelayMs: 10 } },
          { smapi: clients.smapi, clock: quickClock, output: world.output },
        ),
      ),
  },
  {
    name: "deploy:skill",
    developmentEndpointsUntouched: true,
    run: (world, clients) =>
      release("deploy:skill", () =>
        deploySkill(
          { repo: path.dirname(prebuiltSkill().skillPackageDir), config: world.config, dryRun: false, env: {}, functionTimeoutMs: 10_000, smapiTimeoutMs: 10_000 },
          {
            buildPackage: async () => prebuiltSkill(),
            lambda: clients.lambda,
            s3: () => {
              throw new Error("this package goes to Lambda directly");
            },
            smapi: clients.smapi,
            output: world.output,
            clock: quickClock,
            resolveCommit: async () => PUSHED_COMMIT,
            history: NO_HISTORY,
            poll: { initialDelayMs: 5, maxDelayMs: 10 },
          },
        ),
      ),
  },
  {
    name: "setup:credentials --refresh-token-stdin",
    ssm: true,
    run: (world, clients) => runSetup(world, clients, "stdin"),
    converged: credentialsStoredAndVerified,
  },
  {
    name: "setup:credentials --check",
    ssm: true,
    setup: async (world) => storeCredentials(world),
    run: async (world, clients) => {
      const result = await runSetup(world, clients, "check");
      const blamed = await noCredentialBlamed(world, result.stderr);
      return blamed.length > 0 ? { code: 1, stderr: `${result.stderr}${blamed.join("\n")}\nsetup:credentials: unexpected failure: (the proof) a fault taken for a bad credential\n` } : result;
    },
    invariants: async (world) => (world.ssmEmu!.calls.mutating().length > 0 ? ["--check changed Parameter Store"] : []),
  },
];
