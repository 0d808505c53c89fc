import type { ParseArgsConfig } from "node:util";
import { parseArguments, runCommand, STANDARD_OPTIONS, type CommandIO } from "../cli";
import { confirmer, type Confirm } from "./confirm";
import type { ReleaseDeps } from "./deps";
import { releaseDepsFromEnv } from "./wire";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Where a person answers a confirmation. */
export type ConfirmInput = NodeJS.ReadableStream & { isTTY?: boolean };

/** What a release command reads and writes; `stdin` stands in for standard input (tests, the sandbox). */
export type ReleaseIO = CommandIO & { stdin?: ConfirmInput };

/** The options every release command has. */
export const COMMON_OPTIONS = {
  yes: { type: "boolean", short: "y", default: false },
  ...STANDARD_OPTIONS,
} as const satisfies OptionsConfig;

/** The parsed values of the common options and a command's own. */
export type ReleaseValues<O extends OptionsConfig> = ReturnType<typeof parseArguments<typeof COMMON_OPTIONS & O>>["values"];

export interface ReleaseMainOptions {
  /** How the dependencies are built; tests point them at the emulators. */
  wire?: (io: CommandIO, options: { dryRun: boolean; json: boolean }) => ReleaseDeps;
  /** Where a person answers the confirmation (default: `io.stdin`, else standard input). */
  input?: ConfirmInput;
}

/** With --json, standard output carries only the JSON: the messages for people go to standard error. */
export function messagesToStderr(deps: ReleaseDeps): ReleaseDeps {
  return { ...deps, output: { ...deps.output, info: (message) => deps.output.progress(message) } };
}

/**
 * The main of a release command: parse (common options plus its own), show
 * --help, wire the dependencies (configuration and credentials are checked
 * before any call), run, and print the result with --json.
 */
export async function releaseMain<O extends OptionsConfig = {}, R = unknown>(
  spec: {
    name: string;
    help: string;
    options?: O;
    /** Checks the command's own arguments before anything is wired or read. */
    check?: (values: ReleaseValues<O>) => void;
    run: (values: ReleaseValues<O>, deps: ReleaseDeps & { confirm: Confirm }) => Promise<R>;
    /** Without --json, a dry run ends by saying that nothing was changed. */
    noteDryRun?: boolean;
  },
  argv: string[],
  io: ReleaseIO,
  options: ReleaseMainOptions = {},
): Promise<number> {
  return runCommand(spec.name, io, async () => {
    const parsed = parseArguments(argv, { ...COMMON_OPTIONS, ...spec.options } as typeof COMMON_OPTIONS & O, spec.help).values as ReleaseValues<O>;
    const common = parsed as ReleaseValues<{}>;
    if (common.help) {
      io.stdout.write(spec.help.endsWith("\n") ? spec.help : `${spec.help}\n`);
      return;
    }
    spec.check?.(parsed);
    const wired = (options.wire ?? releaseDepsFromEnv)(io, { dryRun: common["dry-run"], json: common.json });
    // Wiring that ignores `json` (tests' recorders) still keeps messages off standard output.
    const deps = common.json ? messagesToStderr(wired) : wired;
    const input = options.input ?? io.stdin;
    const result = await spec.run(parsed, { ...deps, confirm: confirmer({ yes: common.yes, ...(input ? { input } : {}) }) });
    if (common.json) deps.output.json(result);
    else if (spec.noteDryRun && deps.dryRun) deps.output.info("Dry run: nothing was changed.");
  });
}
