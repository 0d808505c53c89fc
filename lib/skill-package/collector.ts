import type { Problem, RuleId } from "./problem";

/** Stamps file and locale on every problem a rule reports, so rules only say what and where. */
export class ProblemCollector {
  readonly problems: Problem[] = [];

  constructor(
    readonly file: string,
    readonly locale: string | null,
  ) {}

  error(rule: RuleId, path: string, message: string): void {
    this.problems.push({ file: this.file, locale: this.locale, path, rule, message, severity: "error" });
  }

  warning(rule: RuleId, path: string, message: string): void {
    this.problems.push({ file: this.file, locale: this.locale, path, rule, message, severity: "warning" });
  }
}
