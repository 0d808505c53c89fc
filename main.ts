import { App } from "cdktf";
import { loadEnvironments, overrideNotices } from "./config";
import { PipelineError } from "./lib/errors";
import { defineStacks } from "./stacks/app";

// The cdktf app ("app" in cdktf.json): one set of stacks per configured environment.
try {
  // Configuration first: a bad value must fail before App creates the output directory.
  const environments = loadEnvironments();
  for (const notice of overrideNotices()) console.error(`note: ${notice}`);
  const app = new App();
  defineStacks(app, environments);
  app.synth();
} catch (error) {
  if (!(error instanceof PipelineError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
}
