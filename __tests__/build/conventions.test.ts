import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { buildPackage } from "../../lib/build";
import { askProfile } from "../../lib/build/ask-resources";
import { recordingOutput } from "../../lib/output";
import { listZipEntries } from "../../lib/package";
import { buildWheelhouse, offlinePipEnv, writeWheel } from "../helpers/wheelhouse";
import { askResources, conventionsConfig, GOOD_HANDLER, writeProject } from "./projects";

// Like voiceapp311's hooks/build.sh (pip install into the build folder, zip ./* to the first
// argument), but for any Python. The requirements name a wheel of the project by its path, for
// which pip writes direct_url.json naming the build folder (a new temporary directory each time)
// and a RECORD with that file's hash; greeting comes from the wheelhouse.
const HOOK = `+x #!/bin/bash
set -e
printf '%s\\n' "$1" "$2" "$PWD" > "$HOOK_RECORD"
python3 -m pip --disable-pip-version-check install -r requirements.txt -t ./ -qq
zip -qr "$1" ./*
`;

// Real pip runs: a generous ceiling for a machine shared with other test runs (not a timing assertion).
jest.setTimeout(180_000);

describe("the ASK CLI's build flows", () => {
  let wheelhouse: string;
  const cleanup: string[] = [];
  beforeAll(async () => {
    wheelhouse = await buildWheelhouse([]);
    await writeWheel(wheelhouse, { name: "greeting", version: "1.0", modules: { "greeting/__init__.py": "TEXT = 'Welcome to the test skill'\n" } });
    cleanup.push(wheelhouse);
  });
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });
  const project = async (files: Record<string, string>) => {
    const dir = await writeProject(files);
    cleanup.push(dir);
    return dir;
  };
  const USES_GREETING = `import greeting\n${GOOD_HANDLER.replace("\"Welcome to the test skill\"", "greeting.TEXT")}`;

  it("runs hooks/build.sh with the build zip and the debug flag, in a copy of the code directory, and re-packs its zip deterministically", async () => {
    const repo = await project({
      "ask-resources.json": askResources("./lambda"),
      "hooks/build.sh": HOOK,
      "lambda/lambda_function.py": USES_GREETING,
      "lambda/requirements.txt": "greeting==1.0\n./wheels/extra-2.0-py3-none-any.whl\n",
      "lambda/wheels/README": "local wheels\n",
    });
    await writeWheel(path.join(repo, "lambda", "wheels"), { name: "extra", version: "2.0", modules: { "extra/__init__.py": "" } });
    const record = path.join(repo, "..", `${path.basename(repo)}-hook-record`);
    cleanup.push(record);
    const env = { ...offlinePipEnv(wheelhouse), HOOK_RECORD: record };

    const first = await buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env });
    const [zipArg, debugArg, cwd] = (await readFile(record, "utf8")).trim().split("\n");
    const second = await buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env });

    expect(first.flow).toBe("hook");
    expect(zipArg).toMatch(/\/\.ask\/lambda\/build\.zip$/);
    expect(path.isAbsolute(zipArg as string)).toBe(true);
    expect(debugArg).toBe("false");
    expect(cwd).toBe(path.dirname(zipArg as string));
    // Without leaving out RECORD (which hashes direct_url.json) this differs: tried.
    expect(second.sha256).toBe(first.sha256);
    const names = listZipEntries(await readFile(first.zipPath)).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["lambda_function.py", "requirements.txt", "wheels/extra-2.0-py3-none-any.whl", "greeting/__init__.py", "extra/__init__.py", "extra-2.0.dist-info/METADATA"]));
    expect(names.filter((n) => /__pycache__|\.pyc$|RECORD$|direct_url\.json$|^build\.zip$/.test(n))).toEqual([]);
    // Nothing is written into the checkout (the ASK CLI would leave a .ask folder there).
    expect(existsSync(path.join(repo, ".ask"))).toBe(false);
  });

  it("fails at the hook when it exits non-zero, showing its output", async () => {
    const repo = await project({
      "ask-resources.json": askResources(),
      "hooks/build.sh": "+x #!/bin/sh\necho 'cannot find python3.7' >&2\nexit 3\n",
      "lambda/lambda_function.py": GOOD_HANDLER,
    });
    const failure = buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: offlinePipEnv(wheelhouse) });
    await expect(failure).rejects.toMatchObject({ step: "hook", exitCode: 1 });
    await expect(failure).rejects.toThrow(/hooks\/build\.sh failed: it exited with status 3\.\n {2}\| cannot find python3\.7/);
  });

  it("python-pip: installs requirements.txt of the code directory for the function's runtime", async () => {
    const repo = await project({
      "ask-resources.json": askResources("./lambda"),
      "lambda/lambda_function.py": USES_GREETING,
      "lambda/requirements.txt": "greeting\n",
    });
    const built = await buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: offlinePipEnv(wheelhouse) });
    expect(built.flow).toBe("python-pip");
    expect(listZipEntries(await readFile(built.zipPath)).map((e) => e.name)).toEqual(
      expect.arrayContaining(["lambda_function.py", "requirements.txt", "greeting/__init__.py", "greeting-1.0.dist-info/METADATA"]),
    );
  });

  it("zip-only: the code directory as it is, without editor and build debris", async () => {
    const repo = await project({
      "ask-resources.json": askResources("./lambda"),
      "lambda/lambda_function.py": GOOD_HANDLER,
      "lambda/data/streets.csv": "name\n",
      "lambda/__pycache__/lambda_function.cpython-312.pyc": "x",
      "lambda/.DS_Store": "x",
    });
    const built = await buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: offlinePipEnv(wheelhouse) });
    expect(built.flow).toBe("zip-only");
    expect(built.skillPackageDir).toBe(path.join(repo, "skill-package"));
    expect(listZipEntries(await readFile(built.zipPath)).map((e) => e.name)).toEqual(["data/streets.csv", "lambda_function.py"]);
  });

  it("nodejs-npm: package.json in the code directory makes it an npm build (npm install, offline with no dependencies), node_modules kept", async () => {
    const repo = await project({
      "ask-resources.json": askResources("./lambda"),
      "lambda/lambda_function.py": GOOD_HANDLER,
      "lambda/package.json": JSON.stringify({ name: "skill-tools", version: "1.0.0", private: true }),
    });
    const built = await buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: { ...offlinePipEnv(wheelhouse), npm_config_offline: "true" } });
    expect(built.flow).toBe("nodejs-npm");
    expect(listZipEntries(await readFile(built.zipPath)).map((e) => e.name)).toEqual(expect.arrayContaining(["lambda_function.py", "package.json"]));
  });

  it("refuses a Maven project for a Python function (exit 2, with the fix)", async () => {
    const repo = await project({ "ask-resources.json": askResources(), "lambda/pom.xml": "<project/>", "lambda/lambda_function.py": GOOD_HANDLER });
    await expect(buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: {} })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("remove pom.xml from the code directory, or declare the build in source.build"),
    });
  });

  it("reads the profile as the ASK CLI does: the environment profile, ASK_DEFAULT_PROFILE, or default", async () => {
    expect(askProfile({})).toBe("default");
    expect(askProfile({ ASK_DEFAULT_PROFILE: "ci" })).toBe("ci");
    expect(askProfile({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", ASK_REFRESH_TOKEN: "c", ASK_VENDOR_ID: "d", ASK_DEFAULT_PROFILE: "ci" })).toBe("__ENVIRONMENT_ASK_PROFILE__");
    const repo = await project({ "ask-resources.json": askResources(), "lambda/lambda_function.py": GOOD_HANDLER });
    await expect(buildPackage({ repo, config: conventionsConfig(), output: recordingOutput(), env: { ASK_DEFAULT_PROFILE: "ci" } })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("has no profile \"ci\" (profiles: \"default\"); set ASK_DEFAULT_PROFILE"),
    });
  });
});
