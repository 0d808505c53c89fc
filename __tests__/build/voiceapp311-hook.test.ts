import { rm } from "node:fs/promises";
import { buildPackage } from "../../lib/build";
import { recordingOutput } from "../../lib/output";
import { buildWheelhouse, offlinePipEnv } from "../helpers/wheelhouse";
import { conventionsConfig, VOICEAPP311 } from "./projects";

/**
 * Why the example environment declares a recipe: voiceapp311's own
 * hooks/build.sh, run exactly as the ASK CLI runs it, gets as far as its
 * third pip command, which force-installs the cp37 wheel, and pip refuses it
 * on any Python but 3.7. That it fails there, and not on a missing file, also
 * shows that the hook's paths relative to the build folder
 * (`mycity/deploy_tools/…`, `../mycity/mycity/deploy_tools/linux_wheels/…`)
 * resolve as under the ASK CLI.
 */
describe("voiceapp311's hooks/build.sh under the ASK CLI's conventions", () => {
  let wheelhouse: string;
  beforeAll(async () => {
    wheelhouse = await buildWheelhouse();
  });
  afterAll(() => rm(wheelhouse, { recursive: true, force: true }));

  it("fails at the hook on the cp37 wheel, showing pip's reason", async () => {
    const output = recordingOutput();
    const failure = buildPackage({ repo: VOICEAPP311, config: conventionsConfig(), output, env: offlinePipEnv(wheelhouse) });
    await expect(failure).rejects.toMatchObject({ step: "hook", exitCode: 1 });
    await expect(failure).rejects.toThrow(/python_crfsuite-0\.9\.6-cp37-cp37m-manylinux1_x86_64\.whl is not a supported wheel on this platform/);
    expect(output.text()).toContain("with the ASK CLI's hook flow");
  });
});
