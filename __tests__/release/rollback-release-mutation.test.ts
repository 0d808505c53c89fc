import { ExitCode } from "../../lib/errors";
import { finish } from "../../lib/release/commands/finish";
import { rollbackRelease } from "../../lib/release/commands/rollback-release";
import { submit } from "../../lib/release/commands/submit";
import { aliasArn, type Colour } from "../../lib/release/model";
import type { SmapiClient } from "../../lib/smapi/client";
import { codePackage } from "../../lib/emulators/lambda/state";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, fastDeps as deps, mutationTracker, pointDevelopmentAt, worldForEachTest } from "../helpers/release-run";

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
  worldForEachTest({ live: "blue" }, (w) => (world = w));
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
});
