/**
 * The walkthrough: one release, told step by step. Each step says what it
 * replaces in the consoles and why, then either names the command a person
 * would type (the walkthrough runs that command's real main) or stands in
 * for what Amazon or CodeBuild would do, through the emulators.
 */

export type CommandName = "status" | "flip" | "submit" | "finish" | "promote" | "rollback";

/** What the steps need of the emulated world, whatever starts it. */
export interface SandboxWorld {
  functionName: string;
  /** Amazon's reviewers pass the submission in review. */
  passCertification(): { id: string; publicationMethod: string };
  /** CodeBuild's deploy:function, reduced to its call: new code on $LATEST (UpdateFunctionCode). */
  pushCode(): Promise<{ codeSha256: string }>;
}

/** What one step learns that a later one needs. */
export interface StepContext {
  world: SandboxWorld;
  publicationMethod?: string;
}

export interface Step {
  id: string;
  title: string;
  explain(context: StepContext): string[];
  /** The command a person would type. */
  command?(context: StepContext): { name: CommandName; argv: string[] };
  /** What the sandbox does in Amazon's or CodeBuild's place; says in one line what happened. */
  emulate?(context: StepContext): Promise<string>;
}

export function commandLine(command: { name: CommandName; argv: string[] }): string {
  return `npm run ${command.name}${command.argv.length > 0 ? ` -- ${command.argv.join(" ")}` : ""}`;
}

const manual = (context: StepContext) => context.publicationMethod !== "AUTO_PUBLISHING";

export const STEPS: readonly Step[] = [
  {
    id: "status",
    title: "status: where the release stands",
    explain: () => [
      "Before: the Lambda console (which version each alias points at) beside the developer console (each stage's endpoint, the Certification tab).",
      "status reads all of it fresh from Lambda and SMAPI and ends with the next sensible step; it changes nothing. Run it first, and whenever in doubt.",
      "The sandbox starts where a first release left things: both aliases on version 1, the live skill on blue, so green is the candidate, and development on $LATEST.",
    ],
    command: () => ({ name: "status", argv: [] }),
  },
  {
    id: "flip",
    title: "flip: the candidate colour takes the new code",
    explain: () => [
      "Before: publish a Lambda version, create a production-N alias, add the Alexa Skills Kit trigger, point the skill's endpoint at the alias, and try it on the Test page.",
      "flip does that with the candidate colour (green: the alias live does not use). It publishes $LATEST, checks the version answers a LaunchRequest, moves green to it, checks green's Alexa permission, " +
        "points the development endpoint at green, waits for Amazon to apply the manifest, and asks SMAPI's simulator to \"open boston info\". Live, on blue, is never touched.",
      "--yes answers the confirmation question; on a terminal you may leave it out and be asked.",
    ],
    command: () => ({ name: "flip", argv: ["--yes"] }),
  },
  {
    id: "submit",
    title: "submit: send the candidate for certification",
    explain: () => [
      "Before: the developer console's Certification tab: run the validations, then Submit for review.",
      "submit checks that development points at the candidate and that it answers a LaunchRequest, runs Amazon's validations and waits for them, then submits. " +
        "With manual publishing (the default) a passed review waits for someone to publish it.",
      "While the review runs, Amazon locks the development stage, and flip refuses to move green: the review uses it.",
    ],
    command: () => ({ name: "submit", argv: ["--yes"] }),
  },
  {
    id: "certification",
    title: "certification (emulated): Amazon's review passes",
    explain: () => [
      "Before and now: Amazon's reviewers take a few days, and send an e-mail; npm run status shows the certification and its status meanwhile.",
      "Nothing to type here: the sandbox's SMAPI emulator passes the review at once.",
    ],
    emulate: async (context) => {
      const review = context.world.passCertification();
      context.publicationMethod = review.publicationMethod;
      return manual(context)
        ? `Certification ${review.id} passed (${review.publicationMethod}): the certified version waits in the certified stage for publication.`
        : `Certification ${review.id} passed (${review.publicationMethod}): Amazon published it, so live now points at green.`;
    },
  },
  {
    id: "finish",
    title: "finish: publish, and development back on $LATEST",
    explain: (context) =>
      manual(context)
        ? [
            "Before: click Publish in the developer console, wait until the skill is live, then point the development endpoint back at $LATEST, so that the next push is seen in development at once.",
            "The review passed with manual publishing, so finish --publish publishes the certified version, waits until live points at green (the colours have swapped), " +
              "then puts development back on $LATEST. Without --publish, finish would say the release waits for publication and change nothing.",
          ]
        : [
            "Before: once Amazon had published the skill, point the development endpoint back at $LATEST, so that the next push is seen in development at once.",
            "finish confirms that live now points at green (the colours have swapped) and puts development back on $LATEST.",
          ],
    command: (context) => ({ name: "finish", argv: manual(context) ? ["--publish", "--yes"] : ["--yes"] }),
  },
  {
    id: "status-after-release",
    title: "status: the colours have swapped",
    explain: () => [
      "Live now uses green, and blue is the candidate for the next release. Nothing stored that on the side: status reads the live stage's manifest.",
    ],
    command: () => ({ name: "status", argv: [] }),
  },
  {
    id: "push",
    title: "a code fix is pushed (emulated CodeBuild)",
    explain: (context) => [
      "Before and now: on every push CodeBuild updates the function's $LATEST (npm run deploy:function), so development sees the fix at once; live, on an alias, does not.",
      `Nothing to type here: the sandbox stands in for CodeBuild with the call it makes, UpdateFunctionCode on ${context.world.functionName} with a new zip, through the AWS SDK.`,
    ],
    emulate: async (context) => {
      const pushed = await context.world.pushCode();
      return `UpdateFunctionCode: ${context.world.functionName}'s $LATEST now has code ${pushed.codeSha256}.`;
    },
  },
  {
    id: "promote",
    title: "promote: the code-only fix goes live",
    explain: () => [
      "Before: publish a version and move the production alias to it in the Lambda console. No re-certification: a certification snapshots the endpoint (the alias's ARN), not the code behind it.",
      "promote publishes $LATEST, checks the version answers a LaunchRequest, moves the live alias (green) to it, recording the version it leaves in the alias's description, " +
        "and checks the alias answers too, moving it back if not.",
    ],
    command: () => ({ name: "promote", argv: ["--yes"] }),
  },
  {
    id: "rollback",
    title: "rollback: undo the fix",
    explain: () => [
      "Before: find the version the alias was on, and move it back by hand.",
      "rollback moves the live alias back to the version the last promote recorded, after checking that version still answers. " +
        "(npm run rollback -- --release instead rolls the whole skill back to its previous certified version through SMAPI.)",
    ],
    command: () => ({ name: "rollback", argv: ["--yes"] }),
  },
  {
    id: "status-final",
    title: "status: where it all ended",
    explain: () => [
      "Live is on green, on the version it was certified with; blue, the candidate, is ready for the next flip; development is on $LATEST, which has the pushed fix.",
    ],
    command: () => ({ name: "status", argv: [] }),
  },
];
