import { parseArguments } from "../cli";

export const SANDBOX_HELP = `Usage: npm run sandbox -- [--no-pause] [--keep-running]

A guided tour of a release, on this machine only. Starts emulators of the
Lambda control plane and of SMAPI (the Alexa Skill Management API) on
127.0.0.1, seeded with Boston Info's real skill package and a function whose
live skill uses the blue alias, and walks through a release with the real
commands: status, flip, submit, (an emulated certification that passes),
finish, status, (an emulated code push), promote, rollback, status. Before
each step it says what the step replaces in the consoles, and the command
line you would type. Nothing leaves 127.0.0.1, and the credentials are fake.

On a terminal it pauses before each step (press Enter), and at the end keeps
the emulators running and prints the export lines that point the commands at
them from another terminal, until Ctrl-C. Elsewhere it runs straight through
and exits: 0 when every step did what it should, 1 naming the step that did not.

Options:
  --no-pause       do not wait for Enter between steps
  --keep-running   keep the emulators running at the end even when not on a
                   terminal (scripted use); stop with Ctrl-C or SIGTERM
  -h, --help       this text

Exit status: 0 every step ran as expected; 1 a step failed (named); 2 bad usage.`;

export interface SandboxOptions {
  help: boolean;
  noPause: boolean;
  keepRunning: boolean;
}

export function parseSandboxArguments(argv: string[]): SandboxOptions {
  const { values } = parseArguments(
    argv,
    {
      "no-pause": { type: "boolean", default: false },
      "keep-running": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    SANDBOX_HELP,
  );
  return { help: values.help === true, noPause: values["no-pause"] === true, keepRunning: values["keep-running"] === true };
}
