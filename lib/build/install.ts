import * as path from "node:path";
import type { FlowContext } from "./context";
import { pipInstall } from "./pip";
import { mergeDependencies } from "./stage";

export interface Requirement {
  /** Absolute path. */
  file: string;
  noDeps: boolean;
  /** As written, for messages. */
  label: string;
}

/**
 * Installs requirement files, in order, for the function's runtime and
 * architecture, then moves the result into `stage`.
 */
export async function installRequirements(context: FlowContext, requirements: readonly Requirement[], findLinks: readonly string[], stage: string): Promise<void> {
  if (requirements.length === 0) return;
  const python = await context.python();
  const deps = await context.workspace.dir("deps");
  for (const requirement of requirements) {
    context.output.progress(`pip install${requirement.noDeps ? " --no-deps" : ""} -r ${requirement.label} (for ${context.config.function.runtime}, ${context.config.function.architecture})…`);
    await pipInstall(
      {
        python: python.executable,
        requirementsFile: requirement.file,
        noDeps: requirement.noDeps,
        findLinks,
        target: deps,
        cwd: path.dirname(requirement.file),
        env: context.env,
        timeoutMs: context.installTimeoutMs,
        label: requirement.label,
      },
      context.config.function,
    );
  }
  const shadowed = await mergeDependencies(deps, stage);
  if (shadowed.length > 0) {
    context.output.warn(`The code already has ${shadowed.join(", ")}; the installed package${shadowed.length > 1 ? "s" : ""} of the same name ${shadowed.length > 1 ? "were" : "was"} left out.`);
  }
}
