import type { App } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { CiStack } from "./ci-stack";
import { PipelineStack } from "./pipeline-stack";
import { SkillStack } from "./skill-stack";

export interface EnvironmentStacks {
  skill: SkillStack;
  pipeline: PipelineStack;
  /** Only where the environment configures `ci`. */
  ci?: CiStack;
}

/** Stack ids are `<environment>-<role>`, so `cdktf deploy example-skill` reads as it does. */
export function stackId(environment: string, role: "skill" | "pipeline" | "ci"): string {
  return `${environment}-${role}`;
}

/** One set of stacks per environment (each held to the policy rules by EnvironmentStack). */
export function defineStacks(app: App, environments: readonly EnvironmentConfig[], options: { placeholderZip?: string } = {}): Map<string, EnvironmentStacks> {
  const stacks = new Map<string, EnvironmentStacks>();
  for (const config of environments) {
    stacks.set(config.name, {
      skill: new SkillStack(app, stackId(config.name, "skill"), { config, ...(options.placeholderZip ? { placeholderZip: options.placeholderZip } : {}) }),
      pipeline: new PipelineStack(app, stackId(config.name, "pipeline"), { config }),
      ...(config.ci ? { ci: new CiStack(app, stackId(config.name, "ci"), { config }) } : {}),
    });
  }
  return stacks;
}
