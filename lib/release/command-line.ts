import type { ParseArgsConfig } from "node:util";
import { parseArguments, runCommand, type CommandIO } from "../cli";
import { confirmer, type Confirm } from "./confirm";
import type { ReleaseDeps } from "./deps";
import { releaseDepsFromEnv } from "./wire";

/** The options every release command has. */
export const COMMON_OPTIONS = {
  yes: { type: "boolean", short: "y", default: false },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

export interface ReleaseMainOptions {
  /** How the dependencies are built; tests point them at the emulators. */
  wire?: (io: CommandIO, options: { dryRun: boolean }) => ReleaseDeps;
  /** Where a person answers the confirmation (default: standard input). */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
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
export async function releaseMain<O extends NonNullable<ParseArgsConfig["options"]>, R>(
  spec: {
    name: string;
    help: string;
    options?: O;
    /** Checks the command's own arguments before anything is wired or read. */
    check?: (values: Record<string, string | boolean | string[] | boolean[] | undefined>) => void;
    run: (values: Record<string, string | boolean | string[] | boolean[] | undefined>, deps: ReleaseDeps & { confirm: Confirm }) => Promise<R>;
  },
  argv: string[],
  io: CommandIO,
  options: ReleaseMainOptions = {},
): Promise<number> {
  return runCommand(spec.name, io, async () => {
    const { values } = parseArguments(argv, { ...COMMON_OPTIONS, ...(spec.options ?? {}) }, spec.help);
    if (values.help) {
      io.stdout.write(spec.help.endsWith("\n") ? spec.help : `${spec.help}\n`);
      return;
    }
    spec.check?.(values as Record<string, string | boolean | undefined>);
    const wired = (options.wire ?? releaseDepsFromEnv)(io, { dryRun: values["dry-run"] === true });
    const deps = values.json ? messagesToStderr(wired) : wired;
    const yes = values.yes === true;
    const result = await spec.run(values as Record<string, string | boolean | undefined>, {
      ...deps,
      confirm: confirmer({ yes, ...(options.input ? { input: options.input } : {}) }),
    });
    if (values.json) deps.output.json(result);
  });
}
