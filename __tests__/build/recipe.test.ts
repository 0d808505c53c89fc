import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildPackage, BuildFailed } from "../../lib/build";
import { testEnvironment } from "../../lib/emulators/example-config";
import { recordingOutput } from "../../lib/output";
import { codeSha256, listZipEntries } from "../../lib/package";
import { buildWheelhouse, offlinePipEnv, VOICEAPP311_WHEELS } from "../helpers/wheelhouse";
import { VOICEAPP311 } from "./projects";

// Real pip runs: a generous ceiling for a machine shared with other test runs (not a timing assertion).
jest.setTimeout(180_000);

describe("building voiceapp311 by the example's recipe", () => {
  let wheelhouse: string;
  let out: string;
  beforeAll(async () => {
    wheelhouse = await buildWheelhouse();
    out = await mkdtemp(path.join(tmpdir(), "package-out-"));
  });
  afterAll(async () => {
    await rm(wheelhouse, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it("packages mycity/ at the zip root with its dependencies, checks it, and gives the same SHA-256 twice", async () => {
    const output = recordingOutput();
    const first = await buildPackage({ repo: VOICEAPP311, config: testEnvironment(), output, env: offlinePipEnv(wheelhouse), out: path.join(out, "a.zip") });
    const second = await buildPackage({ repo: VOICEAPP311, config: testEnvironment(), output: recordingOutput(), env: offlinePipEnv(wheelhouse), out: path.join(out, "b.zip") });

    expect(first.flow).toBe("recipe");
    expect(first.handler).toBe("lambda_function.lambda_handler");
    expect(first.skillPackageDir).toBe(path.join(VOICEAPP311, "skill-package"));
    const zip = await readFile(first.zipPath);
    expect(first.sha256).toBe(codeSha256(zip));
    expect(first.bytes).toBe(zip.length);
    expect(second.sha256).toBe(first.sha256);
    expect(Buffer.compare(zip, await readFile(second.zipPath))).toBe(0);

    const names = listZipEntries(zip).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining([
      "lambda_function.py",
      "mycity/mycity_controller.py",
      "mycity/intents/get_alerts_intent.py",
      "requests/__init__.py",
      "usaddress/__init__.py",
      "pycrfsuite/__init__.py", // usaddress's dependency, from the index: the cp37 wheel in linux_wheels is not for python3.12
      "arcgis/gis.py",
      "streetaddress/__init__.py",
      "dateutil/parser.py",
      "bs4/__init__.py",
      "pytz/__init__.py",
      "arcgis-1.4.0.dist-info/METADATA",
    ]));
    // The cp37 wheel is a build input, not package content; nothing that varies between builds either.
    expect(names.filter((n) => /linux_wheels|__pycache__|\.pyc$|\/RECORD$|direct_url\.json$|^bin\//.test(n))).toEqual([]);
    expect(names.some((n) => n.startsWith("mycity/mycity/"))).toBe(false);

    const text = output.text();
    expect(text).toContain("says runtime python3.7; the configuration's function.runtime (python3.12) is what is deployed and checked");
    expect(text).toContain("hooks/build.sh is not run: the configuration declares the build (source.build)");
    expect(text).toContain("The handler answers a LaunchRequest: \"Welcome to the Boston Info skill.");
  });

  it("fails at pip when a requirement has no wheel, showing pip's output, and writes no zip", async () => {
    const partial = await buildWheelhouse(VOICEAPP311_WHEELS.filter((w) => w.name !== "pytz"));
    const target = path.join(out, "missing-wheel.zip");
    try {
      const failure = buildPackage({ repo: VOICEAPP311, config: testEnvironment(), output: recordingOutput(), env: offlinePipEnv(partial), out: target });
      await expect(failure).rejects.toBeInstanceOf(BuildFailed);
      await expect(failure).rejects.toMatchObject({ step: "pip", exitCode: 1 });
      await expect(failure).rejects.toThrow(/pip install -r mycity\/mycity\/deploy_tools\/requirements.txt failed[\s\S]*\| .*pytz/);
      expect(existsSync(target)).toBe(false);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });

  it("names the recipe field whose path does not exist (exit 2)", async () => {
    const config = testEnvironment((c) => void (c.source = { ...c.source, build: { ...c.source?.build, findLinks: ["mycity/deploy_tools/wheels"] } }));
    await expect(buildPackage({ repo: VOICEAPP311, config, output: recordingOutput(), env: offlinePipEnv(wheelhouse) })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("source.build.findLinks[0] \"mycity/deploy_tools/wheels\""),
    });
  });
});
