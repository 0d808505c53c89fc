import { ExitCode, InvariantRefusal } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import type { ReleaseState } from "../../lib/release/model";
import { readAlias, readReleaseState } from "../../lib/release/read-state";
import { findLiveAlias, moveAlias } from "../../lib/release/steps/alias";
import { alexaStatement, checkAlexaPermission } from "../../lib/release/steps/permission";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { failure, releaseDeps, within } from "../helpers/release-run";

/**
 * The safety checks of the Lambda-side release steps that mutation testing found unobserved:
 * which live stages have an alias a code-only update may move (invariants 1, 2, 9), how an
 * alias move settles a conflict (invariant 7), and what counts as Alexa's permission (invariant 4).
 */
const SKILL = "amzn1.ask.skill.this";
const allow = (extra: object) => ({ Sid: "s", Effect: "Allow", Principal: { Service: "alexa-appkit.amazon.com" }, Action: "lambda:InvokeFunction", Condition: { StringEquals: { "lambda:EventSourceToken": SKILL } }, ...extra });

describe("alexaStatement: what lets Alexa invoke for this skill", () => {
  it("accepts the scoped statement in its documented forms: principal as text or a list, action as a wildcard or a list", () => {
    expect(alexaStatement({ Statement: [allow({ Sid: "AlexaSkillsKit" })] }, SKILL)).toEqual({ statementId: "AlexaSkillsKit" });
    expect(alexaStatement({ Statement: allow({}) }, SKILL)).toEqual({ statementId: "s" });
    expect(alexaStatement({ Statement: [allow({ Principal: "alexa-appkit.amazon.com" })] }, SKILL)).toEqual({ statementId: "s" });
    expect(alexaStatement({ Statement: [allow({ Principal: { Service: ["x.amazonaws.com", "alexa-appkit.amazon.com"] } })] }, SKILL)).toEqual({ statementId: "s" });
    for (const action of ["lambda:*", "*", ["lambda:GetFunction", "lambda:InvokeFunction"]]) {
      expect(alexaStatement({ Statement: [allow({ Action: action })] }, SKILL)).toEqual({ statementId: "s" });
    }
    expect(alexaStatement({ Statement: [allow({ Sid: undefined })] }, SKILL)).toEqual({ statementId: "" });
  });

  it("refuses a deny, another action, another principal, or no statement at all", () => {
    const none = { problem: "no statement lets alexa-appkit.amazon.com call lambda:InvokeFunction" };
    expect(alexaStatement({ Statement: [allow({ Effect: "Deny" })] }, SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: [allow({ Action: "lambda:GetFunction" })] }, SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: [allow({ Action: undefined })] }, SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: [allow({ Principal: { Service: "alexa-connectedhome.amazon.com" } })] }, SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: [allow({ Principal: { AWS: "alexa-appkit.amazon.com" } })] }, SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: [allow({ Principal: ["alexa-appkit.amazon.com"] })] }, SKILL)).toEqual(none);
    expect(alexaStatement(undefined, SKILL)).toEqual(none);
    expect(alexaStatement([allow({})], SKILL)).toEqual(none);
    expect(alexaStatement({ Statement: ["text", null] }, SKILL)).toEqual(none);
  });

  it("refuses a statement scoped to other skills, naming them, or to none, or by a condition it cannot read", () => {
    expect(alexaStatement({ Statement: [allow({ Condition: { StringEquals: { "lambda:EventSourceToken": "amzn1.ask.skill.a" } } }), allow({ Condition: { StringEquals: { "lambda:EventSourceToken": "amzn1.ask.skill.b" } } })] }, SKILL)).toEqual({
      problem: "the Alexa statements are scoped to other skills (amzn1.ask.skill.a, amzn1.ask.skill.b), not amzn1.ask.skill.this",
    });
    const unscoped = { problem: "the Alexa statement is not scoped to a skill (no lambda:EventSourceToken condition), so any skill could invoke it" };
    expect(alexaStatement({ Statement: [allow({ Condition: { StringLike: { "lambda:EventSourceToken": SKILL } } })] }, SKILL)).toEqual(unscoped);
    expect(alexaStatement({ Statement: [allow({ Condition: { StringEquals: { "lambda:EventSourceToken": [SKILL] } } })] }, SKILL)).toEqual(unscoped);
    expect(alexaStatement({ Statement: [allow({ Condition: "x" })] }, SKILL)).toEqual(unscoped);
    expect(alexaStatement({ Statement: [allow({ Condition: { StringEquals: "x" } })] }, SKILL)).toEqual(unscoped);
    // One scoped to another skill and one to none: the unscoped one is the worse news.
    expect(alexaStatement({ Statement: [allow({ Condition: { StringEquals: { "lambda:EventSourceToken": "amzn1.ask.skill.a" } } }), allow({ Condition: undefined })] }, SKILL)).toEqual(unscoped);
  });
});

describe("findLiveAlias: only a live colour or legacy alias may be moved by a code-only update", () => {
  it("refuses an unpublished skill, a live stage on $LATEST, a version or a foreign endpoint, and a missing colour alias", () =>
    within({}, async (world) => {
      const deps = releaseDeps(world);
      const state = await readReleaseState(deps);
      const refused = async (changes: Partial<ReleaseState>) => {
        const error = await failure(findLiveAlias(deps, { ...state, ...changes }, "promote"));
        expect(error).toBeInstanceOf(InvariantRefusal);
        return error.message;
      };
      expect(await refused({ live: undefined })).toMatch(/^Refusing to promote: the skill has never been published/);
      expect(await refused({ live: { kind: "latest" } })).toMatch(/^Refusing to promote: the live stage points at BostonInfoSkill unqualified \(\$LATEST\)/);
      expect(await refused({ live: { kind: "version", version: "1" } })).toMatch(/^Refusing to promote: the live stage points at version 1 \(not an alias\), not at the blue or green alias/);
      expect(await refused({ live: { kind: "colour", colour: "green", alias: "green" }, aliases: { ...state.aliases, green: undefined } })).toMatch(
        /the live stage points at the green alias \(green\), which does not exist on BostonInfoSkill\. Create it with npx cdktf deploy/,
      );
      expect(await findLiveAlias(deps, state, "promote")).toEqual({ alias: state.aliases.blue, colour: "blue" });
    }));

  it("finds a legacy alias, refuses one that does not exist, and refuses the alias under review but not another", () =>
    within({ live: "legacy" }, async (world) => {
      const deps = releaseDeps(world);
      const state = await readReleaseState(deps);
      const legacy = await findLiveAlias(deps, state, "promote");
      expect(legacy).toMatchObject({ alias: { name: "production-3", version: "1" }, colour: undefined });
      const gone = await failure(findLiveAlias(deps, { ...state, live: { kind: "legacy", alias: "production-9" } }, "promote"));
      expect(gone.message).toMatch(/legacy alias production-9, which does not exist on BostonInfoSkill/);

      const review = { id: "cert-2", status: "IN_PROGRESS" as const };
      const underReview = await failure(findLiveAlias(deps, { ...state, development: { kind: "legacy", alias: "production-3" }, certification: review }, "promote"));
      expect(underReview.exitCode).toBe(ExitCode.Refused);
      expect(underReview.message).toMatch(/certification cert-2 is in progress and the submission uses the production-3 alias/);
      // The review uses another alias, or the same one is no longer under review: the live alias may move.
      await expect(findLiveAlias(deps, { ...state, development: { kind: "colour", colour: "blue", alias: "blue" }, certification: review }, "promote")).resolves.toMatchObject({ colour: undefined });
      await expect(findLiveAlias(deps, { ...state, development: { kind: "legacy", alias: "production-3" }, certification: { ...review, status: "FAILED" } }, "promote")).resolves.toBeDefined();
    }));

  it("refuses the live colour under review", () =>
    within({}, async (world) => {
      const deps = releaseDeps(world);
      const state = await readReleaseState(deps);
      const error = await failure(findLiveAlias(deps, { ...state, development: { kind: "colour", colour: "blue", alias: "blue" }, certification: { id: "c", status: "IN_PROGRESS" } }, "rollback"));
      expect(error.message).toMatch(/^Refusing to rollback: certification c is in progress and the submission uses the blue alias/);
    }));
});

describe("moveAlias settles what it cannot see", () => {
  it("moves when only the description differs, and lists the move under --dry-run without making it", () =>
    within({ versions: 2 }, async (world) => {
      const blue = (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;
      const dryRun = new DryRunPlan();
      expect(await moveAlias(releaseDeps(world, { dryRun }), { alias: blue, toVersion: "1", description: "note" })).toBeUndefined();
      expect(dryRun.calls).toEqual([`move alias blue of BostonInfoSkill from version 1 to version 1, described "note" (if its RevisionId is still ${blue.revisionId})`]);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);

      const revision = await moveAlias(releaseDeps(world), { alias: blue, toVersion: "1", description: "note" });
      expect(revision).not.toBe(blue.revisionId);
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue")).toMatchObject({ functionVersion: "1", description: "note", revisionId: revision });
      expect(world.output.text()).toContain("Moved alias blue from version 1 to version 1.");
    }));

  it("clears weighted routing, so the alias runs exactly the version checked", () =>
    within({ versions: 3 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      const blue = (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;
      await moveAlias(releaseDeps(world), { alias: blue, toVersion: "3" });
      const after = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
      expect(after.functionVersion).toBe("3");
      expect(Object.keys(after.additionalVersionWeights ?? {})).toEqual([]);
    }));

  it("a conflict that is our own earlier attempt is success; one with another description, or a deleted alias, is a concurrent change", () =>
    within({ versions: 3 }, async (world) => {
      const read = (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;
      // Somebody (our lost first attempt) already made exactly this change.
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "2");
      const settled = await moveAlias(releaseDeps(world), { alias: read, toVersion: "2" });
      expect(settled).toBe(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").revisionId);

      // Same version but another description than ours: not our change.
      const again = (await readAlias(world.lambda, FUNCTION_NAME, "green"))!;
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "green", "2");
      const other = await failure(moveAlias(releaseDeps(world), { alias: again, toVersion: "2", description: "previous-version=1" }));
      expect(other.exitCode).toBe(ExitCode.Conflict);
      expect(other.message).toMatch(/Alias green was changed by someone else after it was read at version 1: it now points at version 2\. Their change was kept/);

      // Changed by someone else, then deleted before we could read what they did.
      world.lambdaEmu.faults.beforeNext("GetAlias", () => world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "green"));
      const deleted = await failure(moveAlias(releaseDeps(world), { alias: again, toVersion: "3" }));
      expect(deleted.exitCode).toBe(ExitCode.Conflict);
      expect(deleted.message).toContain("it has been deleted or cannot be read now");
    }));
});

describe("checkAlexaPermission reads the policy of the qualifier asked", () => {
  it("names the unqualified function or the alias, and refuses an alias whose policy lacks this skill", () =>
    within({}, async (world) => {
      const deps = releaseDeps(world);
      await checkAlexaPermission(deps);
      expect(world.output.text()).toContain("Alexa may invoke BostonInfoSkill (unqualified) for this skill (statement AlexaSkillsKit).");
      await checkAlexaPermission(deps, { qualifier: "green" });
      expect(world.output.text()).toContain("Alexa may invoke BostonInfoSkill:green for this skill (statement AlexaSkillsKit-green).");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const refused = await failure(checkAlexaPermission(deps, { qualifier: "green" }));
      expect(refused).toBeInstanceOf(InvariantRefusal);
      expect(refused.message).toMatch(new RegExp(`^Refusing: Alexa may not invoke BostonInfoSkill:green for skill ${world.config.skill.id}: `));
      // The function's own permission still stands: the check read the alias's policy, not the function's.
      await expect(checkAlexaPermission(deps)).resolves.toEqual({ statementId: "AlexaSkillsKit" });

      // A policy that cannot be read is a failure to read, not a missing permission.
      world.lambdaEmu.faults.failNext("GetPolicy", { status: 400, errorType: "InvalidParameterValueException", message: "bad qualifier", times: 3 });
      const unreadable = await checkAlexaPermission(deps, { qualifier: "blue" }).catch((e: unknown) => e);
      expect(unreadable).not.toBeInstanceOf(InvariantRefusal);
      expect((unreadable as Error).name).toBe("InvalidParameterValueException");
    }));
});
