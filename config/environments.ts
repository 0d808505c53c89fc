import type { EnvironmentInput } from "./schema";

/**
 * The configured environments. `main.ts` synthesizes one skill stack and one
 * pipeline stack (and a CI stack where `ci` is set) for each of them; the
 * scripts operate on one, chosen by `PIPELINE_ENV` (or the only one there is).
 *
 * `example` has clearly fake IDs so that `npm run synth` works on a fresh
 * machine with no AWS account. To add a real environment, copy it, give it a
 * new name (for instance `boston-prod`), the real skill ID and account, and
 * an S3 state backend; see the README's "Adding an environment".
 */
export const environments: EnvironmentInput[] = [
  {
    name: "example",
    region: "us-east-1",
    skill: {
      id: "amzn1.ask.skill.00000000-0000-4000-8000-000000000000",
      invocationName: "boston info",
      locales: ["en-US"],
    },
    function: { name: "BostonInfoSkill" },
    aliases: { blue: "blue", green: "green" },
    source: { owner: "codeforboston", repo: "voiceapp311", branch: "master" },
    secrets: {
      lwaClientId: "/example/boston-info/ask/lwa-client-id",
      lwaClientSecret: "/example/boston-info/ask/lwa-client-secret",
      refreshToken: "/example/boston-info/ask/refresh-token",
      vendorId: "/example/boston-info/ask/vendor-id",
    },
    pipeline: {
      tooling: { owner: "codeforboston", repo: "alexa-skill-pipeline", branch: "main" },
    },
    state: { backend: "local" },
    ci: { repository: "codeforboston/alexa-skill-pipeline" },
    tags: { project: "boston-info-alexa-skill", environment: "example" },
  },
];
