import type { EnvironmentConfig } from "../../config";
import type { Output } from "../output";
import type { LocalPython } from "./python";
import type { Workspace } from "./stage";

/** What every flow needs: where, with what, and how long it may take. */
export interface FlowContext {
  repo: string;
  config: EnvironmentConfig;
  output: Output;
  env: NodeJS.ProcessEnv;
  workspace: Workspace;
  /** Runs pip; found once per build. */
  python: () => Promise<LocalPython>;
  installTimeoutMs: number;
}

export type FlowName = "hook" | "nodejs-npm" | "python-pip" | "zip-only" | "recipe";

export interface FlowResult {
  flow: FlowName;
  zip: Buffer;
}
