import { App } from "cdktf";
import { loadEnvironments, overrideNotices } from "./config";
import { PipelineError } from "./lib/errors";
import { defineStacks } from "./stacks/app";
import { buildPlaceholderPackage } from "./stacks/placeholder-package";

// The cdktf app (run by app.cjs, "app" in cdktf.json): one set of stacks per configured environment.
async function main(): Promise<void> {
  // Configuration first: a bad value must fail before App creates the output directory.
  const environments = loadEnvironments();
  for (const notice of overrideNotices()) console.error(`note: ${notice}`);
  const placeholderZip = await buildPlaceholderPackage();
  // Construct stack traces only for debugging: capturing one per construct is a tenth of the synth.
  const app = new App({ stackTraces: process.env.DEBUG !== undefined });
  defineStacks(app, environments, { placeholderZip });
  app.synth();
}

main().catch((error: unknown) => {
  if (!(error instanceof PipelineError)) throw error;
  console.error(error.message);
  process.exitCode = error.exitCode;
});
