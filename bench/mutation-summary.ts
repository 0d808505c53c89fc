import { readFileSync } from "node:fs";

/**
 * One line per mutated module from StrykerJS's JSON report (mutation-testing-report-schema),
 * printed after `npm run test:mutation`. The score is Stryker's: detected (killed or timed out)
 * over valid mutants (detected, survived, no coverage); ignored and static mutants do not count.
 */
export type MutantStatus = "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

export interface MutationReport {
  files: Record<string, { mutants: Array<{ status: MutantStatus }> }>;
}

export interface ModuleScore {
  file: string;
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Percentage, one decimal; undefined when the module has no valid mutant. */
  score: number | undefined;
}

export function moduleScore(file: string, statuses: MutantStatus[]): ModuleScore {
  const count = (status: MutantStatus) => statuses.filter((s) => s === status).length;
  const killed = count("Killed");
  const timeout = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const valid = killed + timeout + survived + noCoverage;
  const score = valid === 0 ? undefined : Math.round(((killed + timeout) / valid) * 1000) / 10;
  return { file, mutants: valid, killed, timeout, survived, noCoverage, score };
}

export function summarise(report: MutationReport): ModuleScore[] {
  const modules = Object.entries(report.files)
    .map(([file, { mutants }]) => moduleScore(file, mutants.map((m) => m.status)))
    .sort((a, b) => a.file.localeCompare(b.file));
  const total = moduleScore("all", Object.values(report.files).flatMap((f) => f.mutants.map((m) => m.status)));
  return [...modules, total];
}

export function formatLine(m: ModuleScore): string {
  const score = m.score === undefined ? "  n/a" : `${m.score.toFixed(1).padStart(5)}%`;
  return `${score}  ${m.file}  (${m.mutants} mutants: ${m.killed} killed, ${m.timeout} timed out, ${m.survived} survived, ${m.noCoverage} not covered)`;
}

if (require.main === module) {
  const path = process.argv[2] ?? "reports/mutation/mutation.json";
  const report = JSON.parse(readFileSync(path, "utf8")) as MutationReport;
  for (const line of summarise(report).map(formatLine)) process.stdout.write(`${line}\n`);
}
