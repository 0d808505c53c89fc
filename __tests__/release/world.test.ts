import { GetAliasCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { getValueFromHeader } from "ask-smapi-sdk";
import { manifestEndpoints } from "../../lib/release/endpoints";
import { hasAlexaPermission, startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";

describe("the release test world (both emulators wired together)", () => {
  let world: ReleaseWorld;
  beforeAll(async () => {
    world = await startReleaseWorld({ live: "blue", versions: 2 });
  });
  afterAll(() => world.close());

  it("starts with blue and green on version 1, each with this skill's Alexa permission", async () => {
    const blue = await world.lambda.send(new GetAliasCommand({ FunctionName: "BostonInfoSkill", Name: "blue" }));
    expect(blue.FunctionVersion).toBe("1");
    for (const qualifier of ["", ":blue", ":green"]) {
      expect(hasAlexaPermission(world.lambdaEmu, `${world.names.functionArn}${qualifier}`, world.config.skill.id)).toBe(true);
    }
    expect(hasAlexaPermission(world.lambdaEmu, `${world.names.functionArn}:other`, world.config.skill.id)).toBe(false);
  });

  it("has development on $LATEST and live on blue", async () => {
    const dev = await world.smapi.callGetSkillManifestV1(world.config.skill.id, "development");
    expect(manifestEndpoints(dev.body).map((e) => e.uri)).toEqual([world.names.functionArn]);
    expect(getValueFromHeader(dev.headers, "etag")).toHaveLength(1);
    const live = await world.smapi.getSkillManifestV1(world.config.skill.id, "live");
    expect(manifestEndpoints(live).map((e) => e.uri)).toEqual([`${world.names.functionArn}:blue`]);
  });

  it("answers a LaunchRequest through the Lambda API", async () => {
    const response = await world.lambda.send(new InvokeCommand({
      FunctionName: `${world.names.functionArn}:blue`,
      Payload: Buffer.from(JSON.stringify({ version: "1.0", request: { type: "LaunchRequest", requestId: "r", locale: "en-US" } })),
    }));
    expect(response.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(response.Payload ?? []).toString()).response).toBeDefined();
    world.smapiEmu.assertNoSpecViolations();
  });
});
