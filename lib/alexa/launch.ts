import { randomUUID } from "node:crypto";
import type { EnvironmentConfig } from "../../config";

/**
 * What Alexa sends a skill when a user opens it, and what a well-formed
 * answer looks like. Pure, so that the local package check (before upload),
 * deploy:function (after upload) and the release smoke tests judge a skill
 * by the same rules.
 */

/** A LaunchRequest as Alexa sends it, with this skill's ID where skills check it. */
export function launchRequest(config: Pick<EnvironmentConfig, "skill">, at: Date, requestId = `amzn1.echo-api.request.${randomUUID()}`) {
  const application = { applicationId: config.skill.id };
  const user = { userId: "amzn1.ask.account.alexa-skill-pipeline-smoke-test" };
  return {
    version: "1.0",
    session: { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, application, attributes: {}, user },
    context: {
      System: {
        application,
        user,
        device: { deviceId: "amzn1.ask.device.alexa-skill-pipeline-smoke-test", supportedInterfaces: {} },
        apiEndpoint: "https://api.amazonalexa.com",
      },
    },
    request: {
      type: "LaunchRequest",
      requestId,
      // Alexa sends whole seconds.
      timestamp: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
      locale: config.skill.locales[0] ?? "en-US",
      shouldLinkResultBeReturned: false,
    },
  };
}

type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with an answer as an Alexa response; empty when it is well-formed. */
export function alexaResponseProblems(answer: unknown): string[] {
  if (answer === undefined) return ["the answer is empty"];
  if (!isObject(answer)) return [`the answer is ${answer === null ? "null" : Array.isArray(answer) ? "an array" : `a ${typeof answer}`}, not an Alexa response object`];
  const problems: string[] = [];
  if (typeof answer.version !== "string") problems.push("it has no \"version\" string");
  const response = answer.response;
  if (!isObject(response)) {
    problems.push("it has no \"response\" object");
    return problems;
  }
  const speech = response.outputSpeech;
  const directives = response.directives;
  if (speech !== undefined) {
    if (!isObject(speech)) problems.push("response.outputSpeech is not an object");
    else if (speech.type === "PlainText") {
      if (typeof speech.text !== "string" || speech.text.trim() === "") problems.push("response.outputSpeech is PlainText without text");
    } else if (speech.type === "SSML") {
      if (typeof speech.ssml !== "string" || !/^\s*<speak>[\s\S]*<\/speak>\s*$/.test(speech.ssml)) problems.push("response.outputSpeech is SSML without ssml wrapped in <speak>…</speak>");
    } else problems.push(`response.outputSpeech has type ${JSON.stringify(speech.type)}, not PlainText or SSML`);
  }
  if (directives !== undefined && !Array.isArray(directives)) problems.push("response.directives is not an array");
  const hasDirectives = Array.isArray(directives) && directives.length > 0;
  if (speech === undefined && !hasDirectives) problems.push("response has neither outputSpeech nor directives, so Alexa would answer the launch with silence");
  return problems;
}

export function spoken(answer: unknown): string | undefined {
  const speech = isObject(answer) && isObject(answer.response) ? answer.response.outputSpeech : undefined;
  if (!isObject(speech)) return undefined;
  const text = typeof speech.text === "string" ? speech.text : typeof speech.ssml === "string" ? speech.ssml : undefined;
  return text?.trim();
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
