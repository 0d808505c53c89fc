/**
 * Where a command reports. Commands never write to the console directly, so
 * tests record what they say, and every line passes through redaction:
 * secrets never reach output or logs.
 */
export interface Output {
  /** What happened, for a person. */
  info(message: string): void;
  /** Something a person should look at, that does not fail the command. */
  warn(message: string): void;
  /** A line of progress during a wait; may be overwritten on a terminal. */
  progress(message: string): void;
  /** The machine-readable result (--json). */
  json(value: unknown): void;
}

/**
 * Every secret this process has read (credentials register theirs when they
 * are read), so that even an error message written by the top-level handler
 * is redacted.
 */
const knownSecrets = new Set<string>();

export function rememberSecrets(values: readonly (string | undefined)[]): void {
  for (const value of values) if (value) knownSecrets.add(value);
}

export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  return (text) => {
    // Short values (a blank, "x") would shred ordinary text; real credentials are long.
    const values = [...secrets, ...knownSecrets].filter((s): s is string => typeof s === "string" && s.length >= 6).sort((a, b) => b.length - a.length);
    return values.reduce((out, secret) => out.split(secret).join("***"), text);
  };
}

/** Redacts every secret this process has read. */
export const redactKnownSecrets = (text: string): string => redactor([])(text);

/** Where a command writes: a process's streams, or a test's buffers. */
export interface Writers {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Environment variables that hold credentials: their values are redacted
 * from every line even when a command never reads them (a build's
 * environment, an SDK error that echoes a header).
 */
export const CREDENTIAL_VARIABLES = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "ASK_LWA_CLIENT_SECRET",
  "ASK_LWA_CLIENT_CONFIRMATION",
  "ASK_REFRESH_TOKEN",
  "ASK_ACCESS_TOKEN",
  "GITHUB_TOKEN",
] as const;

export interface CommandOutputOptions {
  /** --json: standard output carries the JSON document alone, so a pipe can parse it; messages go to standard error. */
  json?: boolean;
  /** Values to redact besides the credential variables of `env` and every secret this process has read. */
  secrets?: readonly (string | undefined)[];
  env?: NodeJS.ProcessEnv;
}

/** The one console Output of every command: results on standard output, warnings and progress on standard error, as Unix tools do. */
export function commandOutput(io: Writers, options: CommandOutputOptions = {}): Output {
  const env = options.env ?? {};
  const fromEnv = CREDENTIAL_VARIABLES.map((name) => env[name]);
  // Also for the error message the entry point prints, which may quote a tool's output (a hook's stderr).
  rememberSecrets(fromEnv);
  const redact = redactor([...(options.secrets ?? []), ...fromEnv]);
  const human = options.json ? io.stderr : io.stdout;
  return {
    info: (m) => void human.write(`${redact(m)}\n`),
    warn: (m) => void io.stderr.write(`warning: ${redact(m)}\n`),
    progress: (m) => void io.stderr.write(`${redact(m)}\n`),
    json: (v) => void io.stdout.write(`${redact(JSON.stringify(v, null, 2))}\n`),
  };
}

export interface RecordedLine {
  kind: "info" | "warn" | "progress" | "json";
  text: string;
}

/** An Output that remembers everything, for tests. */
export function recordingOutput(secrets: readonly (string | undefined)[] = []): Output & { lines: RecordedLine[]; text(): string } {
  const redact = redactor(secrets);
  const lines: RecordedLine[] = [];
  const push = (kind: RecordedLine["kind"]) => (m: string) => void lines.push({ kind, text: redact(m) });
  return {
    lines,
    info: push("info"),
    warn: push("warn"),
    progress: push("progress"),
    json: (v) => void lines.push({ kind: "json", text: redact(JSON.stringify(v)) }),
    text: () => lines.map((l) => l.text).join("\n"),
  };
}
