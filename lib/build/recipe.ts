/**
 * The declared build (`source.build` in the configuration), used instead of
 * the ASK CLI's conventions: the code directory becomes the zip root; the
 * listed files and folders are copied from it; each requirement file is
 * installed for the function's runtime and architecture (with --no-deps
 * where asked), with the local wheel directories as --find-links.
 */
import { cp, stat } from "node:fs/promises";
import * as path from "node:path";
import type { BuildRecipe } from "../../config";
import { UsageError } from "../errors";
import type { FlowContext, FlowResult } from "./context";
import { installRequirements } from "./install";
import { zipPackage } from "./repack";

export async function buildRecipe(context: FlowContext, recipe: BuildRecipe): Promise<FlowResult> {
  const codeDir = path.resolve(context.repo, recipe.codeDir);
  await requireKind(codeDir, "directory", `source.build.codeDir ${JSON.stringify(recipe.codeDir)}`);
  const inCode = (p: string) => path.resolve(codeDir, p);
  for (const [i, item] of recipe.include.entries()) await requireKind(inCode(item), "any", `source.build.include[${i}] ${JSON.stringify(item)} (relative to ${recipe.codeDir})`);
  for (const [i, r] of recipe.requirements.entries()) await requireKind(inCode(r.file), "file", `source.build.requirements[${i}].file ${JSON.stringify(r.file)} (relative to ${recipe.codeDir})`);
  for (const [i, dir] of recipe.findLinks.entries()) await requireKind(inCode(dir), "directory", `source.build.findLinks[${i}] ${JSON.stringify(dir)} (relative to ${recipe.codeDir})`);

  const stage = await context.workspace.dir("stage");
  for (const item of recipe.include) {
    await cp(inCode(item), path.join(stage, item), { recursive: true, verbatimSymlinks: true });
  }
  await installRequirements(
    context,
    recipe.requirements.map((r) => ({ file: inCode(r.file), noDeps: r.noDeps, label: path.posix.join(recipe.codeDir, r.file) })),
    recipe.findLinks.map(inCode),
    stage,
  );
  return { flow: "recipe", zip: await zipPackage(stage, { exclude: recipe.exclude }) };
}

async function requireKind(file: string, kind: "file" | "directory" | "any", what: string): Promise<void> {
  let found: "file" | "directory" | undefined;
  try {
    const s = await stat(file);
    found = s.isDirectory() ? "directory" : "file";
  } catch {
    found = undefined;
  }
  if (found === undefined) throw new UsageError(`${what}: ${file} does not exist; fix the path in config/environments.ts (source.build).`);
  if (kind !== "any" && found !== kind) throw new UsageError(`${what}: ${file} is a ${found}, expected a ${kind}; fix source.build in config/environments.ts.`);
}
