import { stringify } from "yaml";
import type { EnvironmentConfig } from "../config";

/** CodeBuild's name for the secondary source that carries this project's scripts. */
export const TOOLING_SOURCE_ID = "tooling";

/** Where the lean install for deploy:skill lives in this repository (its own package.json and lock). */
export const DEPLOY_SKILL_TOOLING_DIR = "tooling/deploy-skill";

/** npm's and pip's default caches for CodeBuild's root user: kept between builds (the project's cache block). */
export const CACHE_PATHS = ["/root/.npm/**/*", "/root/.cache/pip/**/*"] as const;

/**
 * The build CodeBuild runs on every push to the watched branch: one command,
 * deploy:skill, on the skill's checkout. This project's scripts arrive as a
 * secondary source (pinned to a branch of this repository), so the skill's
 * repository needs no copy of them.
 *
 * Install: not this project's `npm ci` (cdktf, the AWS provider's bindings,
 * test tools: about 1 GB), but tooling/deploy-skill's own lock, which holds
 * only what deploy:skill runs on plus esbuild (about 35 MB), then a bundle
 * of scripts/deploy-skill.ts built from the tooling source of the same
 * commit. Built here rather than committed: a committed bundle would be a
 * multi-megabyte generated file in every change's diff, and could go stale.
 * Python packaging needs pip only, which the runtime image has.
 */
export function renderBuildspec(config: EnvironmentConfig): string {
  const python = config.function.runtime.replace(/^python/, "");
  const tooling = `$CODEBUILD_SRC_DIR_${TOOLING_SOURCE_ID}`;
  const spec = {
    version: 0.2,
    env: { shell: "bash" },
    phases: {
      install: {
        "runtime-versions": { python, nodejs: "22" },
        commands: [
          `cd "${tooling}/${DEPLOY_SKILL_TOOLING_DIR}" && npm ci --no-audit --no-fund --prefer-offline`,
          `node "${tooling}/${DEPLOY_SKILL_TOOLING_DIR}/bundle.cjs"`,
        ],
      },
      build: {
        commands: [`cd "$CODEBUILD_SRC_DIR" && node "${tooling}/dist/deploy-skill.cjs" --repo "$CODEBUILD_SRC_DIR"`],
      },
    },
    cache: { paths: [...CACHE_PATHS] },
  };
  return stringify(spec, { lineWidth: 0 });
}
