/** Small ASK CLI projects on disk for the builder's tests. */
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EnvironmentConfig } from "../../config";
import { testEnvironment } from "../../lib/emulators/example-config";

export const VOICEAPP311 = path.join(__dirname, "..", "fixtures", "voiceapp311");

/** A handler that answers a LaunchRequest as a skill should. */
export const GOOD_HANDLER = `def lambda_handler(event, context):
    return {"version": "1.0", "response": {"outputSpeech": {"type": "PlainText", "text": "Welcome to the test skill"}, "shouldEndSession": False}}
`;

export function askResources(codeSrc = "./lambda", extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    askcliResourcesVersion: "2020-03-31",
    profiles: {
      default: {
        skillMetadata: { src: "./skill-package" },
        code: { default: { src: codeSrc } },
        skillInfrastructure: { type: "@ask-cli/lambda-deployer", userConfig: { runtime: "python3.12", handler: "lambda_function.lambda_handler", awsRegion: "us-east-1" } },
        ...extra,
      },
    },
  });
}

/** Writes `files` (path → text; a leading "+x " makes it executable) into a new temporary project. */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "skill-project-"));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    const executable = text.startsWith("+x ");
    await writeFile(file, executable ? text.slice(3) : text);
    if (executable) await chmod(file, 0o755);
  }
  return dir;
}

/** The example environment following the ASK CLI conventions (no recipe). */
export function conventionsConfig(change: (c: Parameters<Parameters<typeof testEnvironment>[0] & {}>[0]) => void = () => {}): EnvironmentConfig {
  return testEnvironment((c) => {
    if (c.source) delete c.source.build;
    change(c);
  });
}
