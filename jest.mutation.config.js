/**
 * The jest configuration StrykerJS uses (npm run test:mutation): the main
 * configuration restricted to the fast tests of the mutated modules, so that
 * each mutant reruns seconds of tests, not the emulator-heavy command suites.
 * The pure release model and SMAPI error layer are tested without I/O; the
 * release steps and lib/lambda against the loopback emulators of one world.
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
    // canary.test.ts and canary-crash.test.ts (the promote --canary command suites, 3.8 s and 2 s) are left out as the
    // other command suites are: each mutant of the canary command reran twenty of their watches, about 15 s a mutant on
    // the shared machine; canary-command-mutation.test.ts takes their paths once each, on a shorter bake.
    "**/__tests__/release/canary-model.test.ts",
    "**/__tests__/release/rollback-release.test.ts",
    "**/__tests__/release/canary-mutation.test.ts",
    "**/__tests__/release/canary-watch-mutation.test.ts",
    "**/__tests__/release/rollback-release-mutation.test.ts",
    "**/__tests__/release/canary-command-mutation.test.ts",
  ],
  // Two Stryker workers already share the two cores: one jest worker each.
  maxWorkers: 1,
};
