/**
 * tooling/deploy-skill is what CodeBuild installs instead of this project's
 * full lock: its versions must be the ones the tests ran with (the root
 * package-lock.json), and its lock must agree with its package.json, so the
 * bundle CodeBuild builds is the code that was tested.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));

describe("the lean install for deploy:skill", () => {
  const lean = read("tooling/deploy-skill/package.json");
  const leanLock = read("tooling/deploy-skill/package-lock.json");
  const rootLock = read("package-lock.json");

  it.each(Object.entries(lean.dependencies as Record<string, string>))("pins %s to the version the root lock installs", (name, version) => {
    expect(version).toBe(rootLock.packages[`node_modules/${name}`]?.version);
    expect(leanLock.packages[`node_modules/${name}`]?.version).toBe(version);
  });

  it("pins every package the root project declares for deploy:skill's bundle, and nothing of the stacks or tests", () => {
    const names = Object.keys(lean.dependencies);
    expect(names).toEqual(expect.arrayContaining(["@aws-sdk/client-lambda", "@aws-sdk/client-s3", "ask-smapi-sdk", "zod", "yazl", "esbuild"]));
    for (const heavy of ["cdktf", "@cdktf/provider-aws", "jest", "typescript", "tsx"]) expect(names).not.toContain(heavy);
  });
});
