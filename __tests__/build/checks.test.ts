import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildPackage } from "../../lib/build";
import { checkLayout, checkSize } from "../../lib/build/check";
import { recordingOutput } from "../../lib/output";
import { LAMBDA_MAX_UNZIPPED_BYTES, type ZipEntry } from "../../lib/package";
import { askResources, conventionsConfig, GOOD_HANDLER, writeProject } from "./projects";

// Each case starts Python: a ceiling for a machine shared with other test runs (not a timing assertion).
jest.setTimeout(60_000);

/** Zip-only projects (no pip), so each check runs in a moment. */
describe("checks before anything is uploaded", () => {
  const cleanup: string[] = [];
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "package-out-"));
    cleanup.push(out);
  });
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });
  const build = async (files: Record<string, string>, options: { answerTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) => {
    const repo = await writeProject({ "ask-resources.json": askResources("./lambda"), ...files });
    cleanup.push(repo);
    const target = path.join(out, `${path.basename(repo)}.zip`);
    const output = recordingOutput();
    const result = buildPackage({ repo, config: conventionsConfig(), output, env: options.env ?? process.env, out: target, ...(options.answerTimeoutMs !== undefined && { answerTimeoutMs: options.answerTimeoutMs }) });
    return { result, target, output };
  };

  it("a good package passes and is written to --out", async () => {
    const { result, target } = await build({ "lambda/lambda_function.py": GOOD_HANDLER });
    await expect(result).resolves.toMatchObject({ zipPath: target, flow: "zip-only" });
    expect(existsSync(target)).toBe(true);
  });

  it("import: a module the package lacks, with the traceback", async () => {
    const { result, target } = await build({ "lambda/lambda_function.py": `import requests\n${GOOD_HANDLER}` });
    await expect(result).rejects.toMatchObject({ step: "import", exitCode: 1 });
    await expect(result).rejects.toThrow(/could not be imported[\s\S]*\| ModuleNotFoundError: No module named 'requests'/);
    expect(existsSync(target)).toBe(false);
  });

  it("import: a handler function the module does not have", async () => {
    const { result } = await build({ "lambda/lambda_function.py": "def handler(event, context):\n    return {}\n" });
    await expect(result).rejects.toMatchObject({ step: "import", message: expect.stringContaining("module has no such function") });
  });

  it("answer: a response that is not a well-formed Alexa response", async () => {
    const { result, target } = await build({ "lambda/lambda_function.py": "def lambda_handler(event, context):\n    return {'version': '1.0', 'response': {}}\n" });
    await expect(result).rejects.toMatchObject({ step: "answer", message: expect.stringContaining("neither outputSpeech nor directives") });
    expect(existsSync(target)).toBe(false);
  });

  it("answer: a handler that raises, with the traceback", async () => {
    const { result } = await build({ "lambda/lambda_function.py": "def lambda_handler(event, context):\n    raise KeyError('intent')\n" });
    await expect(result).rejects.toMatchObject({ step: "answer" });
    await expect(result).rejects.toThrow(/raised an exception on a LaunchRequest[\s\S]*\| KeyError: 'intent'/);
  });

  it("timeout: a handler that hangs is stopped at the limit", async () => {
    const { result, target } = await build(
      { "lambda/lambda_function.py": "import time\nprint('waiting for a network that never answers', flush=True)\ndef lambda_handler(event, context):\n    time.sleep(600)\n" },
      // Long enough for Python to start and import on a busy machine, so the print is seen.
      { answerTimeoutMs: 4000 },
    );
    await expect(result).rejects.toMatchObject({ step: "timeout", exitCode: 1 });
    await expect(result).rejects.toThrow(/did not answer a LaunchRequest within 4 s[\s\S]*waiting for a network/);
    expect(existsSync(target)).toBe(false);
  });

  it("the handler sees Lambda's environment, not the build's credentials", async () => {
    const handler = "import os\ndef lambda_handler(event, context):\n    assert 'ASK_REFRESH_TOKEN' not in os.environ, 'leaked'\n    assert os.environ['AWS_LAMBDA_FUNCTION_NAME'] == 'BostonInfoSkill'\n    assert context.function_name == 'BostonInfoSkill' and context.get_remaining_time_in_millis() > 0\n    return {'version': '1.0', 'response': {'outputSpeech': {'type': 'PlainText', 'text': 'hi'}}}\n";
    const { result } = await build({ "lambda/lambda_function.py": handler }, { env: { ...process.env, ASK_REFRESH_TOKEN: "Atzr|secret-refresh-token" } });
    await expect(result).resolves.toMatchObject({ flow: "zip-only" });
  });

  it("layout: the handler's file not at the zip root names where it is and the fix", async () => {
    const { result, target } = await build({ "lambda/mycity/lambda_function.py": GOOD_HANDLER });
    await expect(result).rejects.toMatchObject({ step: "layout" });
    await expect(result).rejects.toThrow("it is at mycity/lambda_function.py: the code directory should be mycity");
    expect(existsSync(target)).toBe(false);
  });

  it("layout: a handler in a package passes when the package is at the root", () => {
    const entry = (name: string): ZipEntry => ({ name, isDirectory: false, method: 8, compressedSize: 1, size: 1, crc32: 0, mode: 0o644, modified: "", localHeaderOffset: 0 });
    expect(() => checkLayout([entry("skill/app.py")], "skill.app.handler")).not.toThrow();
    expect(() => checkLayout([entry("app.py")], "skill.app.handler")).toThrow(/skill\/app\.py at the root/);
  });

  it("size: more than Lambda's unzipped limit fails; more than the direct upload needs the package bucket", () => {
    const big = (size: number): ZipEntry => ({ name: "data.bin", isDirectory: false, method: 8, compressedSize: 1, size, crc32: 0, mode: 0o644, modified: "", localHeaderOffset: 0 });
    const config = conventionsConfig();
    expect(() => checkSize([big(LAMBDA_MAX_UNZIPPED_BYTES + 1)], 1000, config, recordingOutput())).toThrow(expect.objectContaining({ step: "size" }));
    expect(() => checkSize([big(LAMBDA_MAX_UNZIPPED_BYTES)], 1000, config, recordingOutput())).not.toThrow();
    expect(() => checkSize([big(1)], 60 * 1024 * 1024, config, recordingOutput())).toThrow(/set pipeline.packageBucket/);
    const withBucket = conventionsConfig((c) => void (c.pipeline = { ...c.pipeline, packageBucket: "boston-info-packages" }));
    expect(() => checkSize([big(1)], 60 * 1024 * 1024, withBucket, recordingOutput())).not.toThrow();
  });
});
