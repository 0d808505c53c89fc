import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { flip } from "../../lib/release/commands/flip";
import { promote } from "../../lib/release/commands/promote";
import { rollback } from "../../lib/release/commands/rollback";
import { quickClock, releaseDeps, runRelease } from "../helpers/release-run";
import { UNTYPED_FAILURE } from "./as-process";
import { operatorClients, type OperatorClients } from "./fault-matrix";
import { invariantViolations, worldState } from "./world-probe";

/**
 * Invariant 7 under real races: four operators (flip, promote, rollback and a
 * second flip), each with clients and a refresh token of their own, start
 * together against the same emulators after random (seeded) delays. Each
 * round: nobody fails without a typed error, each ends done (0), refused (3)
 * or in conflict (4); at most one of the moves that raced from the same read
 * of an alias wins; run again one by one, those that did not finish
 * converge; and every invariant holds at the end.
 * `npm run test:faults` runs 50 rounds, `npm test` 6. PROOF_SEED replays a run.
 */
const ROUNDS = process.env.FAULT_MATRIX === "full" ? 50 : 6;
const SEED = Number(process.env.PROOF_SEED ?? 20261202);
const MAX_START_DELAY_MS = 40;

/** mulberry32: a small seeded PRNG, so that a failing round can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Move {
  alias: string;
  fromVersion: string;
  toVersion: string;
}

interface Operator {
  name: string;
  /** The alias move the run claims to have made, if it made one. */
  run: (world: ReleaseWorld, clients: OperatorClients) => Promise<{ code: number; stderr: string; move?: Move }>;
}

const deps = (world: ReleaseWorld, clients: OperatorClients) => releaseDeps(world, { lambda: clients.lambda, smapi: clients.smapi, clock: quickClock });

const OPERATORS: readonly Operator[] = [
  {
    name: "flip",
    run: async (world, clients) => {
      const { code, stderr } = await runRelease("flip", () => flip({ to: "candidate", yes: true }, deps(world, clients)));
      return { code, stderr };
    },
  },
  {
    name: "promote",
    run: async (world, clients) => {
      const { code, stderr, result } = await runRelease("promote", () => promote({ yes: true }, deps(world, clients)));
      const move = result?.outcome === "promoted" ? { alias: result.alias, fromVersion: result.fromVersion, toVersion: result.toVersion } : undefined;
      return { code, stderr, ...(move ? { move } : {}) };
    },
  },
  {
    name: "rollback",
    run: async (world, clients) => {
      const { code, stderr, result } = await runRelease("rollback", () => rollback({ yes: true }, deps(world, clients)));
      const move = result?.outcome === "rolled-back" ? { alias: result.alias, fromVersion: result.fromVersion, toVersion: result.toVersion } : undefined;
      return { code, stderr, ...(move ? { move } : {}) };
    },
  },
  {
    name: "second flip",
    run: async (world, clients) => {
      const { code, stderr } = await runRelease("flip", () => flip({ to: "candidate", yes: true }, deps(world, clients)));
      return { code, stderr };
    },
  },
];

/** Live on blue after a promote (so rollback has a version to go back to), and new code on $LATEST for promote and flip. */
async function raceWorld(): Promise<ReleaseWorld> {
  const world = await startReleaseWorld({ live: "blue" });
  const { code, stderr } = await runRelease("promote", () => promote({ yes: true }, releaseDeps(world)));
  if (code !== 0) throw new Error(`setup: promote failed: ${stderr}`);
  world.lambdaEmu.state.updateCode(FUNCTION_NAME, makeZip({ "lambda_function.py": `# new code ${Date.now()}\n` }));
  return world;
}

async function round(random: () => number): Promise<string[]> {
  const world = await raceWorld();
  const problems: string[] = [];
  try {
    const before = await worldState(world);
    const operators = OPERATORS.map((op) => ({ op, clients: operatorClients(world, world.smapiEmu.lwa.issueRefreshToken()), delay: Math.floor(random() * MAX_START_DELAY_MS) }));
    try {
      const results = await Promise.all(
        operators.map(async ({ op, clients, delay }) => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          return { op, delay, ...(await op.run(world, clients)) };
        }),
      );
      if (process.env.PROOF_VERBOSE) process.stderr.write(`${results.map((r) => `${r.op.name}+${r.delay}ms→${r.code}${r.move ? `(${r.move.fromVersion}→${r.move.toVersion})` : ""}`).join(" ")}\n`);
      for (const r of results) {
        if (UNTYPED_FAILURE.test(r.stderr)) problems.push(`${r.op.name} failed without a typed error: ${r.stderr}`);
        if (![0, 3, 4].includes(r.code)) problems.push(`${r.op.name} (start +${r.delay} ms) exited ${r.code}: ${r.stderr.trim()}`);
      }
      // At most one winner per race: two moves of one alias from the same version cannot both have happened.
      const moves = results.flatMap((r) => (r.move ? [{ name: r.op.name, ...r.move }] : []));
      for (const [i, a] of moves.entries()) {
        for (const b of moves.slice(i + 1)) {
          if (a.alias === b.alias && a.fromVersion === b.fromVersion) {
            problems.push(`${a.name} and ${b.name} both moved ${a.alias} from version ${a.fromVersion} (to ${a.toVersion} and ${b.toVersion}): a lost update`);
          }
        }
      }
      // The others converge when run again, one at a time.
      for (const r of results.filter((r) => r.code !== 0)) {
        const clients = operatorClients(world);
        try {
          const again = await r.op.run(world, clients);
          if (again.code !== 0 && again.code !== 3) problems.push(`${r.op.name}, run again alone, exited ${again.code}: ${again.stderr.trim()}`);
        } finally {
          clients.close();
        }
      }
    } finally {
      for (const { clients } of operators) clients.close();
    }
    problems.push(...(await invariantViolations(world, before)));
    world.smapiEmu.assertNoSpecViolations();
  } finally {
    await world.close();
  }
  return problems;
}

describe("concurrent operators (invariant 7)", () => {
  it(`${ROUNDS} rounds of flip, promote, rollback and a second flip started together: at most one winner per race, the others exit 4 or converge, every invariant holds`, async () => {
    const random = prng(SEED);
    const failures: string[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      const problems = await round(random);
      if (problems.length > 0) failures.push(`round ${i} (PROOF_SEED=${SEED}): ${problems.join(" | ")}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
