import { spawn } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { STEPS } from "../lib/sandbox/steps";
import { main } from "../scripts/sandbox";
import { FUNCTION_NAME, type ReleaseWorld } from "../lib/emulators/release-world";

/**
 * `npm run sandbox`: the whole tour, in this process (to look at the
 * emulators after each step) and as its own process, the way a newcomer
 * runs it (`tsx scripts/sandbox.ts`, standard input closed).
 */
const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

function capture() {
  let text = "";
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
}

const notATerminal = () => Object.assign(new PassThrough(), { isTTY: false });

/** A shell that would send the commands to Amazon, with a real-looking token, if the sandbox let it through. */
const HOSTILE_SHELL = {
  PIPELINE_ENV: "boston-prod",
  SKILL_ID: "amzn1.ask.skill.11111111-2222-4333-8444-555555555555",
  AWS_PROFILE: "boston-info",
  AWS_ENDPOINT_URL_LAMBDA: "https://lambda.us-east-1.amazonaws.com",
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
  ASK_SMAPI_SERVER_BASE_URL: "https://api.amazonalexa.com",
  ASK_ACCESS_TOKEN: "Atza|a-real-looking-access-token-0123456789",
};

/** A script as `npm run` starts it: its own process, standard input closed. */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, "scripts", script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The variables of the printed `export NAME=value` lines, unquoted as a shell would. */
function exported(text: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [, name, value] of text.matchAll(/^\s*export (\w+)=(.*)$/gm)) {
    env[name as string] = (value as string).replace(/^'(.*)'$/, "$1").replace(/'\\''/g, "'");
  }
  return env;
}

async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 20_000) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the sandbox until it stays up at the end, looks, then stops it (whatever the look found); its exit status. */
async function whileUp(start: (untilStopped: () => Promise<void>) => Promise<number>, isUp: () => boolean, look: () => Promise<void>): Promise<number> {
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let ended = false;
  const running = start(() => stopped).finally(() => (ended = true));
  try {
    await eventually(() => isUp() || ended);
    if (!isUp()) throw new Error("the sandbox ended instead of staying up");
    await look();
  } finally {
    stop();
    await running.catch(() => undefined);
  }
  return running;
}

interface Seen {
  blue: string;
  green: string;
  live: string[];
  development: string[];
}

describe("npm run sandbox", () => {
  // Started first, so the separate process runs while the in-process tests do.
  let asProcess: ReturnType<typeof runScript>;
  beforeAll(() => {
    asProcess = runScript("sandbox.ts", [], HOSTILE_SHELL);
  });

  it("walks through a release with the real commands, and ends as a release ends", async () => {
    const envBefore = { ...process.env };
    const stdout = capture();
    const stderr = capture();
    let world: ReleaseWorld | undefined;
    const seen: Record<string, Seen> = {};
    const code = await main(["--no-pause"], { env: process.env, stdout, stderr }, {
      stdin: notATerminal(),
      onStart: (w) => {
        world = w;
      },
      afterStep: (step, w) => {
        seen[step.id] = {
          blue: w.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").functionVersion,
          green: w.lambdaEmu.state.getAlias(FUNCTION_NAME, "green").functionVersion,
          live: w.smapiEmu.endpoints("live"),
          development: w.smapiEmu.endpoints("development"),
        };
      },
    });
    expect(stderr.text()).not.toMatch(/^sandbox:/m);
    expect(code).toBe(0);

    const text = stdout.text();
    let at = -1;
    for (const [index, step] of STEPS.entries()) {
      const found = text.indexOf(`Step ${index + 1} of ${STEPS.length}: ${step.title}`);
      expect(found).toBeGreaterThan(at);
      at = found;
    }
    for (const line of ["$ npm run status", "$ npm run flip -- --yes", "$ npm run submit -- --yes", "$ npm run finish -- --publish --yes", "$ npm run promote -- --yes", "$ npm run rollback -- --yes"]) {
      expect(text).toContain(line);
    }
    // The real commands' own words, after their command lines.
    expect(text.indexOf("Flipped: development now uses green")).toBeGreaterThan(text.indexOf("$ npm run flip -- --yes"));
    expect(text).toMatch(/Live colour: blue; candidate: green[\s\S]*Live colour: green; candidate: blue/);
    expect(text).toContain("Done: every step ran as expected");
    expect(text).not.toContain("export ASK_");

    const arn = world!.lambdaEmu.functionArn(FUNCTION_NAME);
    const after = (id: string) => seen[id] as Seen;
    expect(after("status").live).toEqual([`${arn}:blue`]);
    // flip: green takes a new version, development points at it, live stays on blue.
    expect(after("flip").green).not.toBe("1");
    expect(after("flip").development).toEqual([`${arn}:green`]);
    expect(after("flip").live).toEqual([`${arn}:blue`]);
    // finish: published, so live is on green; development is back on $LATEST.
    expect(after("finish").live).toEqual([`${arn}:green`]);
    expect(after("finish").development).toEqual([arn]);
    const released = after("finish").green;
    expect(released).toBe(after("flip").green);
    // promote: the live alias, green, moves to a newer version; rollback moves it back.
    expect(Number(after("promote").green)).toBeGreaterThan(Number(released));
    expect(after("rollback").green).toBe(released);
    expect(after("status-final")).toEqual({ blue: "1", green: released, live: [`${arn}:green`], development: [arn] });
    // Invariant 1 along the way: blue, live until finish, never moved.
    expect(Object.values(seen).map((s) => s.blue)).toEqual(STEPS.map(() => "1"));

    // Every SMAPI request the commands made matched Amazon's spec, and the emulator answered within it.
    const smapi = world!.smapiEmu;
    expect(smapi.calls.filter((c) => c.operation !== "lwaToken").length).toBeGreaterThan(20);
    expect(smapi.specViolations).toEqual([]);
    expect(smapi.responseViolations).toEqual([]);
    expect(smapi.unimplemented).toEqual([]);
    expect(process.env).toEqual(envBefore);
  });

  it("stops at a step that fails, names it, and exits 1", async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await main(["--no-pause"], { env: process.env, stdout, stderr }, {
      stdin: notATerminal(),
      onStart: (w) => void w.lambdaEmu.faults.failNext("PublishVersion", { status: 400, errorType: "InvalidParameterValueException", message: "injected" }),
    });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/^sandbox: step 2 \(flip\) failed: npm run flip -- --yes exited with 1/m);
    expect(stdout.text()).not.toContain("Step 3 of");
  });

  it("on a terminal waits for Enter before each step, then stays up; its export lines point another process's commands at it", async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    let prompts = 0;
    let text = "";
    // A person who reads each step, then presses Enter.
    const stdout = {
      write: (chunk: string) => {
        text += chunk;
        if (chunk.includes("Press Enter to run it")) {
          prompts += 1;
          setTimeout(() => terminal.write("\n"), 5);
        }
        return true;
      },
    };
    let status: Awaited<ReturnType<typeof runScript>> | undefined;
    const code = await whileUp(
      (untilStopped) => main([], { env: process.env, stdout, stderr: capture() }, { stdin: terminal, untilStopped }),
      () => text.includes("The emulators keep running"),
      async () => {
        expect(prompts).toBe(STEPS.length);
        expect(text.indexOf("Press Enter to run it")).toBeLessThan(text.indexOf("Live colour: blue"));
        const env = exported(text);
        expect(Object.keys(env)).toEqual(expect.arrayContaining(["SKILL_ID", "AWS_ENDPOINT_URL_LAMBDA", "ASK_LWA_CLIENT_SECRET", "ASK_REFRESH_TOKEN", "ASK_SMAPI_SERVER_BASE_URL", "ASK_LWA_TOKEN_HOST"]));
        expect(text).toMatch(/^\s*unset AWS_PROFILE /m);
        status = await runScript("status.ts", ["--json"], env);
      },
    );
    expect(code).toBe(0);
    expect(status?.code).toBe(0);
    expect(JSON.parse(status?.stdout ?? "")).toMatchObject({ liveColour: "green", candidateColour: "blue" });
  });

  it("with --keep-running stays up off a terminal too, even after a failed step", async () => {
    const stdout = capture();
    const code = await whileUp(
      (untilStopped) =>
        main(["--no-pause", "--keep-running"], { env: process.env, stdout, stderr: capture() }, {
          stdin: notATerminal(),
          onStart: (w) => void w.lambdaEmu.faults.failNext("PublishVersion", { status: 400, errorType: "InvalidParameterValueException", message: "injected" }),
          untilStopped,
        }),
      () => stdout.text().includes("The emulators keep running"),
      async () => expect(stdout.text()).toMatch(/^\s*export ASK_SMAPI_SERVER_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/m),
    );
    expect(code).toBe(1);
  });

  it("shows its help, and refuses an unknown option", async () => {
    const stdout = capture();
    expect(await main(["--help"], { env: {}, stdout, stderr: capture() })).toBe(0);
    expect(stdout.text()).toMatch(/^Usage: npm run sandbox -- \[--no-pause\] \[--keep-running\]/);
    const stderr = capture();
    expect(await main(["--pause"], { env: {}, stdout: capture(), stderr })).toBe(2);
    expect(stderr.text()).toMatch(/Unknown option '--pause'/);
  });

  it("runs as its own process with standard input closed, ignoring the shell's AWS and ASK settings, and exits 0", async () => {
    const { code, stdout, stderr } = await asProcess;
    expect({ code, stderr: stderr.split("\n").filter((l) => l.startsWith("sandbox:")) }).toEqual({ code: 0, stderr: [] });
    expect(stdout).toContain(`Step ${STEPS.length} of ${STEPS.length}`);
    expect(stdout).toContain("Done: every step ran as expected");
    expect(stdout + stderr).not.toContain(HOSTILE_SHELL.ASK_ACCESS_TOKEN);
  });
});
