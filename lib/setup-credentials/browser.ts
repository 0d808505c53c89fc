/**
 * Opening the authorize page in a browser, where there is one: a display (or
 * macOS/Windows) and a known opener. The opener gets only the URL, which holds
 * no secret, and is spawned detached so that it outlives nothing and blocks
 * nothing. When no browser can be opened, the printed URL is the way.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import * as path from "node:path";

export interface OpenerCommand {
  command: string;
  args: string[];
  /** Windows' cmd parses its own command line; the URL is quoted for it. */
  verbatim?: boolean;
}

export function browserCommand(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv, onPath: (command: string) => boolean = (c) => isOnPath(c, env)): OpenerCommand | undefined {
  if (platform === "darwin") return { command: "open", args: [url] };
  // `start` is cmd's built-in; the empty title keeps the quoted URL from being read as one, and quotes keep cmd from splitting at `&`.
  if (platform === "win32") return { command: "cmd", args: ["/d", "/s", "/c", `start "" "${url}"`], verbatim: true };
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (!display || !onPath("xdg-open")) return undefined;
  return { command: "xdg-open", args: [url] };
}

/** Tries to open `url`; says whether an opener was started. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  const opener = browserCommand(url, platform, env);
  if (!opener) return false;
  try {
    const child = spawn(opener.command, opener.args, { detached: true, stdio: "ignore", windowsVerbatimArguments: opener.verbatim ?? false });
    child.on("error", () => {}); // the printed URL remains
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function isOnPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "").split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
