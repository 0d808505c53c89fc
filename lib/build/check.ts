/**
 * The checks a package passes before anything is uploaded (DESIGN.md
 * invariant 8): its layout (the handler's module at the zip root, where
 * Lambda looks), Lambda's size limits, and the handler itself, run locally
 * on exactly the packaged files, answering a LaunchRequest with a
 * well-formed Alexa response within the function's timeout.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EnvironmentConfig } from "../../config";
import { alexaResponseProblems, clip, launchRequest, spoken } from "../alexa/launch";
import type { Output } from "../output";
import { extractZip, formatBytes, handlerFiles, LAMBDA_MAX_UNZIPPED_BYTES, needsS3Upload, type ZipEntry } from "../package";

import { BuildFailed } from "./errors";
import { describeExit, lastLines, runProcess } from "./process";
import type { LocalPython } from "./python";

export const HARNESS = path.join(__dirname, "harness.py");

// The files a handler can live in are defined once, in lib/package (deploy:function checks them too).
export { handlerFiles } from "../package";

export function checkLayout(entries: readonly ZipEntry[], handler: string): void {
  const names = new Set(entries.filter((e) => !e.isDirectory).map((e) => e.name));
  const wanted = handlerFiles(handler);
  if (wanted.some((f) => names.has(f))) return;
  const file = wanted[0] as string;
  const elsewhere = [...names].filter((n) => n.endsWith(`/${file}`)).sort((a, b) => a.length - b.length)[0];
  throw new BuildFailed(
    "layout",
    `the handler ${handler} needs ${file} at the root of the zip, where Lambda looks for it, but it is not there` +
      (elsewhere !== undefined
        ? `; it is at ${elsewhere}: the code directory should be ${path.posix.dirname(elsewhere)} (code.default.src in ask-resources.json, or source.build.codeDir)`
        : "; check function.handler in the configuration and the code directory"),
  );
}

export function checkSize(entries: readonly ZipEntry[], zipBytes: number, config: Pick<EnvironmentConfig, "pipeline">, output: Output): void {
  const unzipped = entries.reduce((sum, e) => sum + e.size, 0);
  if (unzipped > LAMBDA_MAX_UNZIPPED_BYTES) {
    throw new BuildFailed(
      "size",
      `the package unzips to ${formatBytes(unzipped)}, more than Lambda's ${formatBytes(LAMBDA_MAX_UNZIPPED_BYTES)} limit; leave out what the skill does not need at run time (source.build.exclude; boto3 is in the runtime already)`,
    );
  }
  if (needsS3Upload(zipBytes)) {
    if (config.pipeline.packageBucket === undefined) {
      throw new BuildFailed(
        "size",
        `the package is ${formatBytes(zipBytes)} zipped, more than Lambda takes in a direct upload (50 MiB); set pipeline.packageBucket so deploy:function uploads it through S3, or make it smaller`,
      );
    }
    output.info(`The package is ${formatBytes(zipBytes)}: it will go through the S3 bucket ${config.pipeline.packageBucket}.`);
  }
}

export interface AnswerCheck {
  zip: Buffer;
  config: Pick<EnvironmentConfig, "skill" | "function" | "region">;
  python: LocalPython;
  timeoutMs: number;
  output: Output;
  now: Date;
}

/** Runs the handler on the packaged files; throws BuildFailed naming import, answer or timeout. */
export async function checkAnswers(check: AnswerCheck): Promise<void> {
  const { config, python, output } = check;
  const work = await mkdtemp(path.join(tmpdir(), "skill-package-check-"));
  try {
    const taskRoot = path.join(work, "task");
    await extractZip(check.zip, taskRoot);
    const eventFile = path.join(work, "event.json");
    const resultFile = path.join(work, "answer.json");
    await writeFile(eventFile, JSON.stringify(launchRequest(config, check.now)));
    output.progress(`Running ${config.function.handler} on the packaged files with Python ${python.version} (a LaunchRequest, up to ${Math.round(check.timeoutMs / 1000)} s)…`);
    const result = await runProcess({
      command: python.executable,
      // -S as well as -I: the build machine's site-packages must not stand in for what the package lacks.
      // Lambda's runtime adds boto3 and botocore; a handler that imports them without packaging them fails here (said below).
      args: ["-I", "-S", "-B", HARNESS, taskRoot, config.function.handler, eventFile, resultFile, config.function.name, String(check.timeoutMs / 1000)],
      cwd: taskRoot,
      env: lambdaEnvironment(config, taskRoot, work),
      timeoutMs: check.timeoutMs,
    });
    const tail = lastLines(result.stderr || result.stdout);
    if (result.timedOut) {
      throw new BuildFailed("timeout", `${config.function.handler} did not answer a LaunchRequest within ${Math.round(check.timeoutMs / 1000)} s (function.timeoutSeconds) and was stopped`, tail);
    }
    switch (result.code) {
      case 0:
        break;
      case 10: {
        const boto = /No module named '(boto3|botocore)'/.test(tail)
          ? " Lambda's Python runtime provides boto3 and botocore, which the local check does not: list them in the requirements to check the package locally."
          : "";
        throw new BuildFailed("import", `the handler's module could not be imported from the packaged files (a missing dependency, or code that fails at import).${boto}`, tail);
      }
      case 11:
        throw new BuildFailed("import", `${config.function.handler}: the module has no such function; check function.handler`, tail);
      case 12:
        throw new BuildFailed("answer", `${config.function.handler} raised an exception on a LaunchRequest`, tail);
      case 13:
        throw new BuildFailed("answer", `${config.function.handler} answered a LaunchRequest with something that is not JSON`, tail);
      default:
        throw new BuildFailed("answer", `the local run of ${config.function.handler} failed: ${describeExit(result, check.timeoutMs)}`, tail);
    }
    const answer: unknown = JSON.parse(await readFile(resultFile, "utf8"));
    const problems = alexaResponseProblems(answer);
    if (problems.length > 0) {
      throw new BuildFailed("answer", `${config.function.handler} answered a LaunchRequest, but not with a well-formed Alexa response: ${problems.join("; ")}`, clip(JSON.stringify(answer), 600));
    }
    output.info(`The handler answers a LaunchRequest: ${JSON.stringify(clip(spoken(answer) ?? "(directives only)", 120))}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * What the handler sees: Lambda's documented variables, and nothing of the
 * build's own environment, which holds the pipeline's credentials
 * (ASK_REFRESH_TOKEN, AWS keys) that the skill's code has no business with.
 */
function lambdaEnvironment(config: AnswerCheck["config"], taskRoot: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "C.UTF-8",
    TZ: "UTC",
    HOME: home,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.function.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: config.function.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.function.memoryMb),
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
  };
}
