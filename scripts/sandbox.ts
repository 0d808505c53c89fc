import { UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { runCommand, runMain, type CommandIO } from "../lib/cli";
import { assertLoopback, exportLines, sandboxEnvironment, sandboxVariables, useEnvironment } from "../lib/sandbox/environment";
import { parseSandboxArguments, SANDBOX_HELP } from "../lib/sandbox/options";
import { STEPS, type SandboxWorld, type Step } from "../lib/sandbox/steps";
import { enterPauser, noPause, untilStopped } from "../lib/sandbox/terminal";
import { walkThrough, wrap, type CommandMain } from "../lib/sandbox/walkthrough";
// The emulators are test infrastructure; the sandbox reuses them as they are.
import { makeZip } from "../lib/emulators/lambda";
import { startReleaseWorld, type ReleaseWorld } from "../lib/emulators/release-world";
import { main as finish } from "./finish";
import { main as flip } from "./flip";
import { main as promote } from "./promote";
import { main as rollback } from "./rollback";
import { main as status } from "./status";
import { main as submit } from "./submit";

type Input = NodeJS.ReadableStream & { isTTY?: boolean };

export interface SandboxMainOptions {
  /** Where Enter is read, and whose isTTY decides pausing and staying up (default: process.stdin). */
  stdin?: Input;
  /** Called once the emulators are up (tests inspect them). */
  onStart?(world: ReleaseWorld): void;
  afterStep?(step: Step, world: ReleaseWorld): void | Promise<void>;
  /** When staying up ends (default: Ctrl-C or SIGTERM). */
  untilStopped?(): Promise<unknown>;
}

const MAINS = { status, flip, submit, finish, promote, rollback } satisfies Record<string, CommandMain>;

/**
 * A little slower than the tests' 20 ms, so that the waits show their
 * progress lines, and quick enough that the whole tour takes seconds.
 */
const TIMINGS = { manifestUpdateMs: 300, modelBuildMs: 500, validationMs: 500, publicationMs: 500, rollbackMs: 500, simulationMs: 200 };
const LAMBDA_UPDATE_MS = 300;

/** Through the shared entry point, like every command: its errors are translated the same way. */
export async function main(argv: string[], io: CommandIO, options: SandboxMainOptions = {}): Promise<number> {
  let code = 0;
  const failed = await runCommand("sandbox", io, async () => {
    code = await tour(argv, io, options);
  });
  return failed !== 0 ? failed : code;
}

async function tour(argv: string[], io: CommandIO, options: SandboxMainOptions): Promise<number> {
  const parsed = parseSandboxArguments(argv);
  if (parsed.help) {
    io.stdout.write(`${SANDBOX_HELP}\n`);
    return 0;
  }
  const stdin = options.stdin ?? process.stdin;
  const onTerminal = stdin.isTTY === true;
  const say = (text = "") => io.stdout.write(`${text}\n`);

  const world = await startReleaseWorld({ live: "blue", lambda: { updateDurationMs: LAMBDA_UPDATE_MS }, smapi: { timings: TIMINGS } });
  const variables = sandboxVariables(world.env, world.config.name);
  const pauser = onTerminal && !parsed.noPause ? enterPauser(stdin, io.stdout) : noPause;
  let restoreEnvironment = () => {};
  try {
    restoreEnvironment = useEnvironment(sandboxEnvironment(io.env, variables));
    assertLoopback(process.env);
    options.onStart?.(world);
    introduce(say, world);
    const result = await walkThrough(STEPS, { world: sandboxWorld(world) }, {
      commands: MAINS,
      io: { env: process.env, stdout: io.stdout, stderr: io.stderr },
      pauser,
      emphasis: onTerminal && (io.stdout as { isTTY?: boolean }).isTTY === true && process.env.NO_COLOR === undefined,
      ...(options.afterStep ? { afterStep: (step: Step) => options.afterStep?.(step, world) } : {}),
    });
    pauser.close();
    const failure = result.ok ? specFailure(world) : `step ${result.number} (${result.step.id}) failed: ${result.why}`;
    say("");
    if (failure) io.stderr.write(`sandbox: ${failure}\n`);
    else say(`Done: every step ran as expected, and all ${world.smapiEmu.calls.filter((c) => c.operation !== "lwaToken").length} SMAPI requests matched Amazon's spec.`);

    if (onTerminal || parsed.keepRunning) {
      say("");
      say(wrap("The emulators keep running. To point the same commands at them from another terminal (in this checkout), paste:", 78, ""));
      say("");
      for (const line of exportLines(variables)) say(`  ${line}`);
      say("");
      say(wrap("then, for example: npm run status, npm run flip -- --dry-run. The credentials are the emulators' own, fake ones. Ctrl-C stops the sandbox.", 78, ""));
      await (options.untilStopped ?? untilStopped)();
      say("\nStopping the emulators.");
    }
    return failure ? 1 : 0;
  } finally {
    pauser.close();
    await world.close();
    restoreEnvironment();
  }
}

function introduce(say: (text?: string) => void, world: ReleaseWorld): void {
  say("Boston Info release sandbox");
  say("");
  say(
    wrap(
      `Emulators on this machine only: Lambda at ${world.lambdaEmu.url}, SMAPI and Login with Amazon at ${world.smapiEmu.url}. ` +
        `They hold the skill ${world.config.skill.id} (Boston Info's real skill package) and the function ${world.names.functionName}, ` +
        "whose aliases blue and green are both on version 1; the live skill uses blue. Every command below is the real one, run against them.",
      78,
      "",
    ),
  );
}

/** What the steps do in Amazon's and CodeBuild's place, through the emulators and the real SDK. */
function sandboxWorld(world: ReleaseWorld): SandboxWorld {
  let pushes = 0;
  return {
    functionName: world.names.functionName,
    passCertification: () => {
      const review = world.smapiEmu.passCertification();
      return { id: review.id, publicationMethod: review.publicationMethod };
    },
    pushCode: async () => {
      pushes += 1;
      const zip = makeZip({
        "lambda_function.py": `# Boston Info: a code fix pushed in the sandbox (${pushes})\ndef lambda_handler(event, context):\n    return {}\n`,
      });
      const updated = await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: world.names.functionName, ZipFile: zip }));
      return { codeSha256: updated.CodeSha256 ?? "(not reported)" };
    },
  };
}

/** Every request the commands made must have matched Amazon's spec, or the tour proved nothing. */
function specFailure(world: ReleaseWorld): string | undefined {
  try {
    world.smapiEmu.assertNoSpecViolations();
    return undefined;
  } catch (error) {
    return `the SMAPI spec check failed: ${(error as Error).message}`;
  }
}

if (require.main === module) runMain("sandbox", (io) => main(process.argv.slice(2), io));
