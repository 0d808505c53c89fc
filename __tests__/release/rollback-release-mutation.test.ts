import { ExitCode } from "../../lib/errors";
import { finish } from "../../lib/release/commands/finish";
import { rollbackRelease } from "../../lib/release/commands/rollback-release";
import { submit } from "../../lib/release/commands/submit";
import { aliasArn, type Colour } from "../../lib/release/model";
import type { SmapiClient } from "../../lib/smapi/client";
import type { v1 } from "ask-smapi-model";
import { DryRunPlan } from "../../lib/dry-run";

type SkillVersion = v1.skill.SkillVersion;
import { codePackage } from "../../lib/emulators/lambda/state";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { failure, fastDeps as deps, mutationTracker, pointDevelopmentAt, within, worldForEachTest } from "../helpers/release-run";

/**
 * rollback --release's checks that mutation testing found unobserved: the
 * previous colour's alias must be on a published version older than live's
 * ($LATEST is none), and the skill's versions are read on every page SMAPI
 * gives, a list that never ends being a refusal, not a guess.
 */

/** The world's SMAPI client, with the version list read `perPage` at a time (SMAPI's own paging, smaller pages). */
function pagedVersions(world: ReleaseWorld, perPage: number): { smapi: SmapiClient; pages: () => number } {
  let pages = 0;
  const smapi = Object.create(world.smapi) as SmapiClient;
  smapi.listVersionsForSkillV1 = (skillId: string, nextToken?: string) => {
    pages++;
    return world.smapi.listVersionsForSkillV1(skillId, nextToken, perPage);
  };
  return { smapi, pages: () => pages };
}

describe("rollback --release: what it reads", () => {
  let world: ReleaseWorld;
  const restart = worldForEachTest({ live: "blue" }, (w) => (world = w));
  const { mark, mutationsSinceMark } = mutationTracker(() => world);

  /** A release on `colour` (new code on its alias, submitted, certified, published), as rollback-release.test.ts makes. */
  async function release(colour: Colour): Promise<void> {
    const version = world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": `# ${colour}` })), `release on ${colour}`);
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, colour, version.version);
    await pointDevelopmentAt(world, colour);
    await submit({ publicationMethod: "auto" }, deps(world));
    world.smapiEmu.passCertification();
    await finish({ publish: false }, deps(world));
  }

  it("refuses (exit 3) when the previous colour's alias is on $LATEST: live users would reach whatever was pushed last", async () => {
    await release("green");
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "$LATEST");
    mark();
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain("blue alias points at version $LATEST");
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("reads every page of the skill's versions: the previous certified version on the last page is found", async () => {
    await release("green");
    const paged = pagedVersions(world, 1);
    const report = await rollbackRelease({}, { ...deps(world), smapi: paged.smapi });
    expect(report).toMatchObject({ outcome: "rolled-back", to: { skillVersion: "1", colour: "blue" } });
    expect(paged.pages()).toBe(2);
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "blue")]);
    // Live went where it was checked: nothing to warn about.
    expect(world.output.lines.filter((l) => l.kind === "warn")).toEqual([]);
  });

  it("refuses (exit 3) when the previous colour's alias is on the live alias's own version (not older)", async () => {
    await release("green");
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green").functionVersion);
    await refusal("not older than the live green alias's version 2");
  });

  it("development on the live colour is no reason to refuse: only the previous colour's alias must not have moved", async () => {
    await release("green");
    await pointDevelopmentAt(world, "green");
    expect((await rollbackRelease({}, deps(world))).outcome).toBe("rolled-back");
  });

  it("a version list that is still truncated after 20 pages is a refusal (exit 3): the unread versions could be later releases", async () => {
    await release("green");
    let pages = 0;
    const smapi = Object.create(world.smapi) as SmapiClient;
    smapi.listVersionsForSkillV1 = async (skillId: string) => {
      const first = await world.smapi.listVersionsForSkillV1(skillId);
      return { ...first, isTruncated: true, nextToken: `page-${++pages}` };
    };
    mark();
    const error = await failure(rollbackRelease({}, { ...deps(world), smapi }));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain("more than 20 pages of the skill's versions");
    expect(pages).toBe(20);
    expect(mutationsSinceMark()).toEqual([]);
  });

  const refusal = async (expected: string) => {
    mark();
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain(expected);
    expect(mutationsSinceMark()).toEqual([]);
  };

  it("refuses (exit 3) a skill never published, and one whose live endpoint is a legacy alias", async () => {
    await restart({ live: "unpublished" });
    await refusal("the skill has never been published");
    await restart({ live: "legacy" });
    await refusal("not at the blue or green alias");
  });

  it("refuses (exit 3) while a newer certified version waits for its publication: that release's candidate was the previous colour", async () => {
    await release("green");
    const version = world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": "# next" })), "next release");
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", version.version);
    await pointDevelopmentAt(world, "blue");
    await submit({ publicationMethod: "manual" }, deps(world));
    world.smapiEmu.passCertification();
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1"); // even with blue back where it was
    await pointDevelopmentAt(world, "green");
    await refusal("skill version 3 (CERTIFIED");
  });

  it("refuses (exit 3) when the previous colour's alias does not exist, naming it", async () => {
    await release("green");
    world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "blue");
    await refusal("the blue alias does not exist");
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1");
    world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "green"); // the live one
    await refusal("the green alias does not exist");
  });

  it("rolls back to the version live just before, not to an older certified one", async () => {
    await release("green"); // skill version 2
    await release("blue"); // skill version 3, live; 1 and 2 certified
    const report = await rollbackRelease({}, deps(world));
    expect(report).toMatchObject({ outcome: "rolled-back", from: { skillVersion: "3", colour: "blue" }, to: { skillVersion: "2", colour: "green" } });
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
  });

  it("refuses (exit 3) when Amazon lists no certified version before the live one", async () => {
    // Live is skill version 1 on blue; green on an older Lambda version than blue's.
    world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": "# two" })), "two");
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "2");
    await refusal("Amazon lists no certified version before the live version 1");
  });

  it("after rolling back to the first blue/green release's predecessor, says that live went to the legacy alias, not to the colour checked", async () => {
    await restart({ live: "legacy" });
    await release("blue"); // from a legacy alias, blue is the candidate
    const report = await rollbackRelease({}, deps(world));
    expect(report).toMatchObject({ outcome: "rolled-back", to: { skillVersion: "1", colour: "green" } });
    expect(report.live).toContain("production-3");
    expect(world.output.lines.filter((l) => l.kind === "warn").map((l) => l.text)).toEqual([expect.stringContaining("not at green")]);
  });

  /** The world's SMAPI client, with its version list rewritten by `edit` (statuses and versions SMAPI can list). */
  function versionsEdited(edit: (versions: SkillVersion[]) => SkillVersion[]): SmapiClient {
    const smapi = Object.create(world.smapi) as SmapiClient;
    smapi.listVersionsForSkillV1 = async (skillId: string) => {
      const list = await world.smapi.listVersionsForSkillV1(skillId);
      return { ...list, skillVersions: edit(list.skillVersions ?? []) };
    };
    return smapi;
  }
  const listed = (version: string, status: v1.skill.VersionSubmissionStatus): SkillVersion => ({ version, submissions: [{ status, submissionTime: "2026-01-02T00:00:00Z" }] });

  it("a newer certified version already rolled back does not hide a later failed submission: refusal (exit 3), not 'already rolled back'", async () => {
    await release("green"); // skill version 2, live
    const smapi = versionsEdited((versions) => [...versions, listed("3", "CERTIFIED"), listed("4", "FAILED_CERTIFICATION")]);
    mark();
    const error = await failure(rollbackRelease({}, { ...deps(world), smapi }));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain("skill version 3 (CERTIFIED");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("the target is the latest certified version before live: a later version that failed certification is skipped", async () => {
    await release("green"); // skill version 2
    await release("blue"); // skill version 3, live
    const smapi = versionsEdited((versions) => versions.map((v) => (v.version === "2" ? { ...v, submissions: [{ ...v.submissions?.[0], status: "FAILED_CERTIFICATION" as const }] } : v)));
    const report = await rollbackRelease({}, { ...deps(world, new DryRunPlan()), smapi });
    expect(report).toMatchObject({ outcome: "planned", to: { skillVersion: "1", colour: "green" } });
  });

  it("asks before rolling back: a no changes nothing", async () => {
    await release("green");
    mark();
    const report = await rollbackRelease({}, { ...deps(world), confirm: async () => false });
    expect(report).toMatchObject({ outcome: "not-confirmed", to: { skillVersion: "1", colour: "blue" } });
    expect(mutationsSinceMark()).toEqual([]);
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
  });
});

describe("rollback --release: invariant 5", () => {
  it("refuses (exit 3) when the previous colour's alias does not answer a LaunchRequest, rolling nothing back", async () => {
    const brokenOne = (ctx: InvokeContext) => (ctx.resolvedVersion === "1" ? functionError("boom", "TypeError") : alexaSkillHandler(ctx));
    await within({ live: "blue", lambda: { invoke: brokenOne } }, async (world) => {
      const version = world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": "# green" })), "release on green");
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "green", version.version);
      await pointDevelopmentAt(world, "green");
      await submit({ publicationMethod: "auto" }, deps(world));
      world.smapiEmu.passCertification();
      await finish({ publish: false }, deps(world));
      const error = await failure(rollbackRelease({}, deps(world)));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(error.message).toContain("Live users must not be sent there");
      expect(world.smapiEmu.calls.filter((c) => c.mutating && c.operation === "rollbackSkillV1")).toEqual([]);
    });
  });
});
