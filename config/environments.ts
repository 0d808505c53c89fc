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
    source: {
      owner: "codeforboston",
      repo: "voiceapp311",
      branch: "master",
      // A recipe instead of voiceapp311's hooks/build.sh: the hook installs its requirements with
      // whatever python3 the build machine has, then force-installs a cp37 wheel of
      // python-crfsuite, so it can only produce a package for python3.7, which Lambda no longer
      // runs. The recipe installs the same two requirement files for function.runtime and
      // function.architecture; the cp37 wheel stays a find-links candidate that pip skips as
      // incompatible, and python-crfsuite (a dependency of usaddress) comes from the index.
      build: {
        codeDir: "mycity",
        include: ["lambda_function.py", "mycity"],
        // Build-time tools and wheels, not needed by the function.
        exclude: ["mycity/deploy_tools/linux_wheels"],
        requirements: [
          { file: "mycity/deploy_tools/requirements.txt" },
          { file: "mycity/deploy_tools/requirements_no_deps.txt", noDeps: true },
        ],
        findLinks: ["mycity/deploy_tools/linux_wheels"],
      },
    },
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
