/**
 * The jest configuration StrykerJS uses (npm run test:mutation): the main
 * configuration restricted to the tests of the mutated modules: their fast
 * mutation tests (pure, scripted fakes, or one loopback emulator world) and
 * the command suites of the release commands and lib/deploy. With per-test
 * coverage a mutant reruns only the tests that reach it, seconds each; the
 * proofs, the build suites and canary.test.ts stay in npm test only.
 * @type {import('jest').Config}
 */
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: [
    "**/__tests__/release/model.test.ts",
    "**/__tests__/release/model-mutation.test.ts",
    "**/__tests__/release/steps-lambda.test.ts",
    "**/__tests__/release/steps-smapi.test.ts",
    "**/__tests__/release/steps-mutation.test.ts",
    "**/__tests__/release/alias-mutation.test.ts",
    "**/__tests__/lib/smapi-errors.test.ts",
    "**/__tests__/lib/smapi-errors-mutation.test.ts",
    "**/__tests__/lambda/publish-mutation.test.ts",
    "**/__tests__/lambda/lambda-mutation.test.ts",
    "**/__tests__/lib/certification-mutation.test.ts",
    "**/__tests__/release/read-state.test.ts",
    "**/__tests__/deploy/deploy-model-status.test.ts",
    "**/__tests__/release/simulate-mutation.test.ts",
    "**/__tests__/release/certify-mutation.test.ts",
    "**/__tests__/lib/skill-status-mutation.test.ts",
    "**/__tests__/release/read-state-mutation.test.ts",
    "**/__tests__/release/manifest-mutation.test.ts",
    "**/__tests__/lib/smapi-wait-mutation.test.ts",
    // Release commands (mut-commands): the command suites are the mutation test set of lib/release/commands.
    "**/__tests__/release/flip.test.ts",
    "**/__tests__/release/flip-crash.test.ts",
    "**/__tests__/release/promote.test.ts",
    "**/__tests__/release/promote-crash.test.ts",
    "**/__tests__/release/rollback.test.ts",
    "**/__tests__/release/finish.test.ts",
    "**/__tests__/release/submit.test.ts",
    "**/__tests__/release/canary-crash.test.ts",
    "**/__tests__/release/flip-mutation.test.ts",
    "**/__tests__/release/promote-mutation.test.ts",
    "**/__tests__/release/rollback-mutation.test.ts",
    "**/__tests__/release/submit-mutation.test.ts",
    "**/__tests__/release/finish-mutation.test.ts",
    // canary.test.ts (the promote --canary command suite, 3.8 s) is left out: each mutant of the canary command reran
    // twenty of its watches, about 15 s a mutant on the shared machine; canary-command-mutation.test.ts takes its paths
    // once each, on a shorter bake. canary-crash.test.ts is in the set above, for lib/release/commands/end-canary.ts.
    "**/__tests__/release/canary-model.test.ts",
    "**/__tests__/release/rollback-release.test.ts",
    "**/__tests__/release/canary-mutation.test.ts",
    "**/__tests__/release/canary-watch-mutation.test.ts",
    "**/__tests__/release/rollback-release-mutation.test.ts",
    "**/__tests__/release/canary-command-mutation.test.ts",
    "**/__tests__/deploy/manifest-merge.test.ts",
    "**/__tests__/deploy/deploy-function-parts.test.ts",
    "**/__tests__/deploy/deploy-function-safety.test.ts",
    "**/__tests__/deploy/deploy-function.test.ts",
    "**/__tests__/deploy/deploy-model.test.ts",
    "**/__tests__/deploy/deploy-skill.test.ts",
    "**/__tests__/deploy/commit-order-mutation.test.ts",
    "**/__tests__/deploy/manifest-merge-mutation.test.ts",
    "**/__tests__/deploy/manifest-mutation.test.ts",
    "**/__tests__/deploy/model-mutation.test.ts",
    "**/__tests__/deploy/function-mutation.test.ts",
    "**/__tests__/deploy/skill-mutation.test.ts",
  ],
  // Stryker's findRelatedTests resolves a mutated file to the tests that import it through jest's
  // module map, which covers only the roots: with the base config's __tests__ alone, only tests that
  // import a module directly were related to it, and a command suite reaching lib/deploy through
  // scripts/ was never run against its mutants ("No tests were found").
  roots: ["<rootDir>/__tests__", "<rootDir>/lib", "<rootDir>/scripts", "<rootDir>/config"],
  // Two Stryker workers already share the two cores: one jest worker each.
  maxWorkers: 1,
};
