import { stringify } from "yaml";
import type { EnvironmentConfig } from "../config";

/** CodeBuild's name for the secondary source that carries this project's scripts. */
export const TOOLING_SOURCE_ID = "tooling";

/**
 * The build CodeBuild runs on every push to the watched branch: package the
 * Python skill, then run this project's deploy:function and deploy:model.
 * This project's scripts arrive as a secondary source (pinned to a branch of
 * this repository), so the skill's repository needs no copy of them.
 */
export function renderBuildspec(config: EnvironmentConfig): string {
  const python = config.function.runtime.replace(/^python/, "");
  const packageDir = "$CODEBUILD_SRC_DIR/.build/package";
  const tooling = `$CODEBUILD_SRC_DIR_${TOOLING_SOURCE_ID}`;
  const includes = config.source.include.map(shellQuote).join(" ");
  const spec = {
    version: 0.2,
    env: { shell: "bash" },
    phases: {
      install: {
        "runtime-versions": { python, nodejs: "22" },
        commands: [`cd "${tooling}" && npm ci --no-audit --no-fund`],
      },
      build: {
        commands: [
          `rm -rf "${packageDir}" && mkdir -p "${packageDir}"`,
          `cd "$CODEBUILD_SRC_DIR" && if [ -f ${shellQuote(config.source.requirementsFile)} ]; then python -m pip install --no-cache-dir --quiet -r ${shellQuote(config.source.requirementsFile)} -t "${packageDir}"; fi`,
          `cd "$CODEBUILD_SRC_DIR" && cp -R ${includes} "${packageDir}/"`,
          `cd "${tooling}" && npm run deploy:function -- --source "${packageDir}"`,
          `cd "${tooling}" && npm run deploy:model -- --skill-package "$CODEBUILD_SRC_DIR/${config.source.skillPackagePath}"`,
        ],
      },
    },
  };
  return stringify(spec, { lineWidth: 0 });
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
