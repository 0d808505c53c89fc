/**
 * Transpile-only: @swc/jest strips types in a few milliseconds per file, and
 * `tsc --noEmit` (the native TypeScript 7 compiler) checks them once for the
 * whole project in `npm test`, so jest never type-checks twice.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.(t|j|mj)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  // Octokit v22 ships ES modules only; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ["/node_modules/(?!(@octokit|universal-user-agent|before-after-hook|universal-github-app-jwt|fast-content-type-parse|json-with-bigint|content-type)/)"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/jest-setup.ts"],
  testTimeout: 30000,
  // Most suites wait on loopback emulators and child processes, not the CPU: on a 2-core machine
  // jest's default (cores - 1 = one worker) takes about 48 s, four workers about 24 s.
  maxWorkers: 4,
};
