/**
 * The realistic default skill: Boston Info's real package
 * (`shared/fixtures/voiceapp311-skill-package`) with a Lambda endpoint, since
 * the package itself leaves `apis.custom` empty for the deploy tools to fill.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { JsonObject } from "./state";

const SHARED_FIXTURE = path.resolve(__dirname, "../../../../shared/fixtures/voiceapp311-skill-package");

/** The repository's copy of the package when it has one, else the shared one beside the repository. */
export const FIXTURE_DIR =
  [path.resolve(__dirname, "../fixtures/voiceapp311-skill-package"), SHARED_FIXTURE].find((dir) => existsSync(path.join(dir, "skill.json"))) ??
  SHARED_FIXTURE;

export const DEFAULT_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";

export function newSkillId(): string {
  return `amzn1.ask.skill.${randomUUID()}`;
}

/** The fixture's `skill.json` envelope (`{ manifest }`), its endpoint set to `endpointUri`. */
export function fixtureManifest(endpointUri: string = DEFAULT_FUNCTION_ARN): JsonObject {
  const envelope = readJson("skill.json");
  const manifest = envelope.manifest as JsonObject;
  const apis = (manifest.apis ?? {}) as JsonObject;
  apis.custom = { ...((apis.custom ?? {}) as JsonObject), endpoint: { uri: endpointUri } };
  manifest.apis = apis;
  return envelope;
}

/** The fixture's interaction models by locale (`{ interactionModel }` each). */
export function fixtureModels(): Record<string, JsonObject> {
  return { "en-US": readJson("interactionModels/custom/en-US.json") };
}

function readJson(relative: string): JsonObject {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, relative), "utf8")) as JsonObject;
}
