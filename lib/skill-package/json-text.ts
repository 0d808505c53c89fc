/**
 * JSON parsing that says where a syntax error is, as file:line:column.
 *
 * The engine's message cannot be relied on for that: Node 18 says
 * "Unexpected token } in JSON at position 42", Node 20 says "Expected ',' or
 * '}' after property value in JSON at position 42" for some errors but
 * `Unexpected token 'x', "…" is not valid JSON` (no position at all) for
 * others, and Node 22 appends "(line 3 column 5)". So the value comes from
 * JSON.parse, and the error location from a small scanner of our own, which is
 * the same on every Node version; the engine's position is only a fallback.
 * The same scanner finds keys repeated within an object, which JSON.parse
 * accepts silently (the last one wins).
 */
import { childPath } from "./json-path";

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; message: string; offset: number; line: number; column: number };

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** A key that appears twice in one object: JSON.parse keeps the last value, silently. */
export interface DuplicateKey {
  key: string;
  /** The JSON path of the repeated member, e.g. `interactionModel.languageModel.invocationName`. */
  path: string;
  /** Where the repetition is (its opening quote). */
  offset: number;
  line: number;
  column: number;
}

export function parseJsonText(text: string): JsonParseResult {
  // Editors hide a UTF-8 byte order mark and JSON.parse rejects it; columns
  // are counted as the editor shows them, so drop it before both.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    const engineMessage = err instanceof Error ? err.message : String(err);
    const found = findJsonSyntaxError(body) ?? {
      offset: positionFromEngineMessage(engineMessage, body) ?? body.length,
      message: engineMessage,
    };
    return { ok: false, message: found.message, offset: found.offset, ...lineColumnAt(body, found.offset) };
  }
}

/** 1-based line and column (in characters, not UTF-16 units) of a string offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < clamped; i = text.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, clamped)].length + 1 };
}

/**
 * The offset named in a V8 JSON.parse message, in any of the formats Node has
 * used: "at position N" (Node 18+), "(line L column C)" (Node 22+).
 */
export function positionFromEngineMessage(message: string, text: string): number | undefined {
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) {
    const line = Number(lineColumn[1]);
    const column = Number(lineColumn[2]);
    let lineStart = 0;
    for (let l = 1; l < line; l++) {
      const next = text.indexOf("\n", lineStart);
      if (next === -1) return undefined;
      lineStart = next + 1;
    }
    return lineStart + column - 1;
  }
  const position = /at position (\d+)/.exec(message);
  return position ? Number(position[1]) : undefined;
}

/**
 * The first syntax error of `text` by RFC 8259, or undefined if it is valid.
 * Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (err) {
    if (err instanceof ScanError) return { offset: err.offset, message: err.message };
    throw err;
  }
}

/**
 * Every key repeated within one object, in document order; [] when there is
 * none, or when the text is not valid JSON (its syntax error is reported
 * first). Same BOM handling as parseJsonText.
 */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const scanner = new Scanner(body);
  try {
    scanner.document();
  } catch (err) {
    if (err instanceof ScanError) return [];
    throw err;
  }
  return scanner.duplicates.map((d) => ({ ...d, ...lineColumnAt(body, d.offset) }));
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Container = "object" | "array";

/** An open object or array: where it is, and (objects) the member names seen so far. */
interface Frame {
  kind: Container;
  path: string;
  names: Set<string>;
  key: string;
  index: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Scanner {
  private pos = 0;
  readonly duplicates: Array<{ key: string; path: string; offset: number }> = [];

  constructor(private readonly text: string) {}

  document(): void {
    const stack: Frame[] = [];
    const pathHere = (): string => {
      const top = stack[stack.length - 1];
      if (top === undefined) return "";
      return childPath(top.path, top.kind === "object" ? top.key : top.index);
    };
    this.skipWhitespace();
    let needValue = true;
    for (;;) {
      if (needValue) {
        const path = pathHere();
        const opened = this.value();
        if (opened !== undefined) {
          const frame: Frame = { kind: opened, path, names: new Set(), key: "", index: 0 };
          stack.push(frame);
          if (opened === "object") this.member(frame);
          continue;
        }
      }
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      this.skipWhitespace();
      const ch = this.peek();
      if (ch === ",") {
        this.pos++;
        this.skipWhitespace();
        if (top.kind === "object") this.member(top);
        else top.index++;
        needValue = true;
      } else if ((top.kind === "object" && ch === "}") || (top.kind === "array" && ch === "]")) {
        this.pos++;
        stack.pop();
        needValue = false;
      } else {
        const expected = top.kind === "object" ? "',' or '}' after a property value" : "',' or ']' after an array element";
        this.fail(`expected ${expected}`);
      }
    }
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the JSON value");
  }

  /** One member's name, remembered in its object; a repetition is recorded with its path. */
  private member(frame: Frame): void {
    const start = this.pos;
    this.memberName();
    const raw = this.text.slice(start, this.text.lastIndexOf('"', this.pos - 1) + 1);
    const key = JSON.parse(raw) as string;
    if (frame.names.has(key)) this.duplicates.push({ key, path: childPath(frame.path, key), offset: start });
    frame.names.add(key);
    frame.key = key;
  }

  /**
   * Scans one value. A non-empty object or array is only opened: its kind is
   * returned and the caller's loop scans its members, so nesting costs no stack.
   */
  private value(): Container | undefined {
    const ch = this.peek();
    if (ch === "{" || ch === "[") {
      const close = ch === "{" ? "}" : "]";
      this.pos++;
      this.skipWhitespace();
      if (this.peek() === close) {
        this.pos++;
        return undefined;
      }
      return ch === "{" ? "object" : "array";
    }
    if (ch === '"') this.string();
    else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) this.number();
    else if (ch === "t" || ch === "f" || ch === "n") this.literal();
    else this.fail("expected a value");
    return undefined;
  }

  /** `"name":` of an object member, leaving the position at its value. */
  private memberName(): void {
    if (this.peek() !== '"') this.fail("expected a double-quoted property name");
    this.string();
    this.skipWhitespace();
    if (this.peek() !== ":") this.fail("expected ':' after a property name");
    this.pos++;
    this.skipWhitespace();
  }

  private string(): void {
    this.pos++; // opening quote
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) this.fail("unterminated string");
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch < " ") this.fail("control character in a string (escape it, e.g. \\n)");
      if (ch === "\\") {
        const escaped = this.text[this.pos + 1];
        if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          this.pos += 2;
        } else if (escaped === "u") {
          if (!/^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail("bad \\u escape");
          this.pos += 6;
        } else {
          this.fail("bad escape in a string");
        }
      } else {
        this.pos++;
      }
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("malformed number");
    this.pos += match[0].length;
    const next = this.peek();
    // "01", "1.", "1e": the regex stopped early, so the number as written is bad.
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail("malformed number");
  }

  private literal(): void {
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail("expected true, false or null");
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch !== " " && ch !== "\t" && ch !== "\n" && ch !== "\r") return;
      this.pos++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(expectation: string): never {
    const ch = this.peek();
    const found = ch === undefined ? "end of file" : `${JSON.stringify(ch)}`;
    throw new ScanError(`${expectation}, found ${found}`, this.pos);
  }
}
