/**
 * The validation report as people read it in a CodeBuild log: one line per
 * problem, grouped by file, errors before warnings, and a count at the end.
 */
import type { Problem } from "./problem";

export function formatReport(problems: readonly Problem[]): string {
  if (problems.length === 0) return "Skill package is valid: no problems found.";
  const byFile = new Map<string, Problem[]>();
  for (const problem of problems) {
    const list = byFile.get(problem.file) ?? [];
    list.push(problem);
    byFile.set(problem.file, list);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    const locale = list.find((p) => p.locale !== null)?.locale;
    lines.push(locale ? `${file} (${locale})` : file);
    // Stable sort: within a severity, problems keep the order of the file.
    const ordered = [...list].sort((a, b) => rank(a) - rank(b));
    for (const p of ordered) {
      const where = p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}` : p.path === "" ? "(file)" : p.path;
      lines.push(`  ${p.severity === "error" ? "error  " : "warning"} ${where}: ${p.message} [${p.rule}]`);
    }
  }
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  lines.push("", `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(byFile.size, "file")}.`);
  return lines.join("\n");
}

function rank(problem: Problem): number {
  return problem.severity === "error" ? 0 : 1;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
