import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { codeSha256, zipDirectory } from "../lib/package";

/** From the project root, so it holds whether this module runs from stacks/ or bundled (app.cjs). */
export const PLACEHOLDER_DIR = path.join(projectRoot(__dirname), "stacks", "placeholder");

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "cdktf.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cdktf.json not found above ${from}`);
  }
}

/**
 * The placeholder deployment package, zipped deterministically (the same
 * bytes on every machine) before synth. cdktf's own directory assets zip in
 * a child Node process, which costs more than the rest of the synth.
 */
export async function buildPlaceholderPackage(): Promise<string> {
  const zip = await zipDirectory(PLACEHOLDER_DIR);
  const file = path.join(os.tmpdir(), `alexa-skill-pipeline-placeholder-${codeSha256(zip).replace(/[^A-Za-z0-9]/g, "").slice(0, 16)}.zip`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, zip);
  return file;
}
