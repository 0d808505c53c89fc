import { PROOF_COMMANDS, removeInputs } from "./commands";
import { cleanRun, FAULTS, renderMatrix, runCell, type Baseline, type CellOutcome } from "./fault-matrix";

/**
 * The fault matrix. `npm run test:faults` (FAULT_MATRIX=full) runs every
 * cell and prints the table; `npm test` runs a deterministic sample: for each
 * command, every SAMPLE_STRIDE-th call with one fault, the fault rotating
 * from call to call and from command to command.
 */
const FULL = process.env.FAULT_MATRIX === "full";
const SAMPLE_STRIDE = 12;

const outcomes: CellOutcome[] = [];

afterAll(() => {
  removeInputs();
  if (FULL) process.stdout.write(`\nFault matrix (command × call × fault):\n\n${renderMatrix(outcomes)}\n`);
});

describe.each(PROOF_COMMANDS.map((command, index) => [command.name, command, index] as const))("fault matrix: %s", (_name, command, index) => {
  let baseline: Baseline;
  beforeAll(async () => {
    baseline = await cleanRun(command);
  }, 60_000);

  it(FULL ? "every call × every fault: invariants hold, and a re-run converges" : "a sample of calls × faults: invariants hold, and a re-run converges", async () => {
    expect(baseline.calls.length).toBeGreaterThan(0);
    const sampled = (i: number) => i % SAMPLE_STRIDE === index % SAMPLE_STRIDE || (baseline.calls.length <= index % SAMPLE_STRIDE && i === index % baseline.calls.length);
    // A command with fewer calls than the stride still gets one cell.
    const cells = baseline.calls.flatMap((call, i) =>
      FULL ? FAULTS.map((fault) => ({ call, fault })) : sampled(i) ? [{ call, fault: FAULTS[(i + index) % FAULTS.length]! }] : [],
    );
    const failed: CellOutcome[] = [];
    for (const { call, fault } of cells) {
      const outcome = await runCell(baseline, call, fault);
      outcomes.push(outcome);
      if (!outcome.held || !outcome.converged) failed.push(outcome);
    }
    expect(failed.map((o) => `${o.call} × ${o.fault}: ${o.problems.join(" | ")}`)).toEqual([]);
  }, FULL ? 900_000 : 60_000);
});
