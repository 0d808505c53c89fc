import { OperationFailed } from "../errors";

/** Where a package build or check failed; the name a person and a CI log search for. */
export type BuildStep = "hook" | "npm" | "pip" | "import" | "answer" | "timeout" | "layout" | "size";

/**
 * Exit 1: the package could not be built, or it was built and failed a check.
 * Nothing was written to `--out` and nothing was uploaded.
 */
export class BuildFailed extends OperationFailed {
  constructor(
    readonly step: BuildStep,
    message: string,
    /** The last lines of the failing process's output, when there was one. */
    readonly detail: string = "",
  ) {
    super(`package build failed at step "${step}": ${message}${detail.trim() === "" ? "" : `\n${indent(detail)}`}`);
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `  | ${line}`)
    .join("\n");
}
