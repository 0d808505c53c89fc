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
import { evenDraws, residentsClock, type ResidentsClock } from "../helpers/residents";
import { fastDeps, pointDevelopmentAt, quickClock, releaseDeps, runRelease, type CommandDeps } from "../helpers/release-run";
import type { OperatorClients, RunResult } from "./fault-matrix";

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
];
