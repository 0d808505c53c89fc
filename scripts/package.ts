import { loadEnvironment, overrideNotices, type EnvironmentInput } from "../config";
import { buildPackage, type BuildOptions, type BuiltPackage } from "../lib/build";
import { parseArguments, requiredRepo, runCommand, runMain, STANDARD_OPTIONS, type CommandIO } from "../lib/cli";
import { commandOutput } from "../lib/output";

export const HELP = `Usage: npm run package -- --repo <skill checkout> [--out <zip>] [--json]

Builds the skill's Lambda package from a checkout of its repository and checks
it; uploads nothing. The build follows the configuration's recipe (source.build)
when it has one, else the ASK CLI's project conventions: ask-resources.json,
then hooks/build.sh, package.json, requirements.txt in the code directory, or
the code directory as it is. The zip is deterministic: the same sources give the
same SHA-256. Checks: the handler's file at the zip root, Lambda's size limits,
and the handler run locally on the packaged files, answering a LaunchRequest
with a well-formed Alexa response within the function's timeout.

Options:
  --repo <dir>   the skill's repository (an ASK CLI v2 project)
  --out <zip>    where to write the package (default: a new temporary file);
                 written only when every check has passed
  --json         print the result as JSON on standard output (messages go to standard error)
  -h, --help     show this help

Environment: PIPELINE_ENV (the configured environment); pip's own settings
(PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, pip.conf) are honoured, e.g. an
offline wheelhouse: PIP_NO_INDEX=1 PIP_FIND_LINKS=/path/to/wheels;
ASK_DEFAULT_PROFILE picks the ask-resources.json profile (default "default").

Exit status: 0 built and checked; 1 the build or a check failed (the message
names the step: hook, npm, pip, import, answer, timeout, layout, size);
2 bad usage or configuration.
`;

export interface PackageCliDeps extends CommandIO {
  /** Extra build options (tests shorten the time limits). */
  build?: Partial<Pick<BuildOptions, "installTimeoutMs" | "answerTimeoutMs" | "now">>;
  /** The environments to choose from (default: config/environments.ts). */
  environments?: readonly EnvironmentInput[];
}

export async function main(argv: readonly string[], io: PackageCliDeps): Promise<number> {
  return runCommand("package", io, async () => {
    const { values } = parseArguments(
      [...argv],
      {
        repo: { type: "string" },
        out: { type: "string" },
        json: STANDARD_OPTIONS.json,
        help: STANDARD_OPTIONS.help,
      },
      HELP,
    );
    if (values.help === true) {
      io.stdout.write(HELP);
      return;
    }
    const repo = requiredRepo(values.repo, HELP);
    const out = values.out?.trim();
    const json = values.json === true;
    const load = { env: io.env, ...(io.environments !== undefined && { environments: io.environments }) };
    const config = loadEnvironment(load);
    const output = commandOutput(io, { json, env: io.env });
    for (const notice of overrideNotices(load)) output.warn(notice);
    const built: BuiltPackage = await buildPackage({
      repo,
      config,
      output,
      env: io.env,
      ...(out !== undefined && out !== "" && { out }),
      ...io.build,
    });
    if (json) output.json(built);
  });
}

if (require.main === module) runMain("package", (io) => main(process.argv.slice(2), io));
