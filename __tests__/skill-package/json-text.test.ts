import {
  findDuplicateKeys,
  findJsonSyntaxError,
  lineColumnAt,
  parseJsonText,
  positionFromEngineMessage,
} from "../../lib/skill-package/json-text";

function errorAt(text: string) {
  const result = parseJsonText(text);
  if (result.ok) throw new Error(`expected a syntax error in ${JSON.stringify(text)}`);
  return result;
}

describe("parseJsonText", () => {
  it("returns the value of valid JSON", () => {
    expect(parseJsonText('{"a": [1, 2.5e3, "x", true, null]}')).toEqual({ ok: true, value: { a: [1, 2500, "x", true, null] } });
  });

  it("points at a missing comma between array elements (line and column of the offending character)", () => {
    const text = ['{', '  "intents": [', '    {"name": "A"}', '    {"name": "B"}', "  ]", "}"].join("\n");
    expect(errorAt(text)).toMatchObject({ line: 4, column: 5, message: expect.stringMatching(/expected ',' or '\]'.*found "\{"/) });
  });

  it("points at a trailing comma", () => {
    const text = '{\n  "a": 1,\n}';
    expect(errorAt(text)).toMatchObject({ line: 3, column: 1, message: expect.stringContaining("double-quoted property name") });
  });

  it("points at an unquoted key", () => {
    expect(errorAt('{\n  "a": {\n      locales: {}\n  }\n}')).toMatchObject({ line: 3, column: 7 });
  });

  it("places an unexpected end of file after the last character", () => {
    const text = '{\n  "a": [\n';
    expect(errorAt(text)).toMatchObject({ line: 3, column: 1, message: expect.stringContaining("end of file") });
  });

  it("reports a bad literal where it starts (Node 20's message has no position for it)", () => {
    expect(errorAt('{"a": tru}')).toMatchObject({ line: 1, column: 7 });
  });

  it("reports raw newlines, bad escapes and leading zeros inside the line", () => {
    expect(errorAt('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9, message: expect.stringContaining("control character") });
    expect(errorAt('{"a": "\\q"}')).toMatchObject({ line: 1, column: 8, message: expect.stringContaining("escape") });
    expect(errorAt('{"a": 01}')).toMatchObject({ line: 1, column: 8 });
    expect(errorAt('{"a": 1} x')).toMatchObject({ line: 1, column: 10, message: expect.stringContaining("after the end") });
  });

  it("counts CRLF line ends as one line break", () => {
    expect(errorAt('{\r\n  "a": 1\r\n  "b": 2\r\n}')).toMatchObject({ line: 3, column: 3 });
  });

  it("counts columns in characters, not UTF-16 units", () => {
    // In UTF-16 units the x would be at column 10.
    expect(errorAt('{"😀": 1 x}')).toMatchObject({ line: 1, column: 9 });
  });

  it("accepts a UTF-8 byte order mark, which editors hide", () => {
    expect(parseJsonText('\uFEFF{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(errorAt('\uFEFF{"a" 1}')).toMatchObject({ line: 1, column: 6 });
  });

  it("handles nesting far deeper than a recursive parser could", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(findJsonSyntaxError(deep)).toBeUndefined();
    expect(findJsonSyntaxError("[".repeat(100_000) + "}")?.offset).toBe(100_000);
  });
});

describe("findJsonSyntaxError agrees with JSON.parse on what is valid", () => {
  const cases = [
    "{}", "[]", '""', "0", "-0.5e-3", "1E+2", "true", "null", ' \t\r\n{"a":{"b":[[],{}]}} ',
    '"\\u00e9\\n\\"\\\\\\/"', '{"a":1,"a":2}',
    "", " ", "{", "}", "[1,]", "[,1]", '{"a"}', '{"a":}', "{,}", "01", "1.", ".5", "+1", "1e", "-",
    "tru", "nul", "True", "'a'", '"\\x41"', '"\\u12"', '"a', '{"a":1}}', "[1 2]", "NaN", "Infinity",
  ];
  it.each(cases)("%j", (text) => {
    let engineAccepts = true;
    try {
      JSON.parse(text);
    } catch {
      engineAccepts = false;
    }
    expect(findJsonSyntaxError(text) === undefined).toBe(engineAccepts);
  });
});

describe("positionFromEngineMessage", () => {
  const text = '{\n  "a": 1,\n}';
  it.each([
    ["Node 18", "Unexpected token } in JSON at position 12", 12],
    ["Node 20", "Expected double-quoted property name in JSON at position 12", 12],
    ["Node 22", "Expected double-quoted property name in JSON at position 12 (line 3 column 1)", 12],
  ])("reads the %s format", (_node, message, offset) => {
    expect(positionFromEngineMessage(message, text)).toBe(offset);
  });

  it("returns undefined when the message has no position", () => {
    expect(positionFromEngineMessage(`Unexpected token '}', "{"a": tru}" is not valid JSON`, text)).toBeUndefined();
    expect(positionFromEngineMessage("Unexpected end of JSON input", text)).toBeUndefined();
  });

  it("agrees with the scanner on where the error is", () => {
    let message = "";
    try {
      JSON.parse(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(positionFromEngineMessage(message, text)).toBe(findJsonSyntaxError(text)?.offset);
  });
});

describe("lineColumnAt", () => {
  it("is 1-based", () => {
    expect(lineColumnAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("ab\ncd", 2)).toEqual({ line: 1, column: 3 });
    expect(lineColumnAt("ab\ncd", 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt("ab\ncd", 5)).toEqual({ line: 2, column: 3 });
  });
});

describe("findDuplicateKeys", () => {
  it("finds a key repeated in one object, with its JSON path, line and column, at any depth", () => {
    const text = '{\n  "a": 1,\n  "list": [{ "x": 1 }, { "x": 2, "x": 3 }],\n  "en-US": { "k": 1, "k": 2 },\n  "a": 4\n}';
    expect(findDuplicateKeys(text)).toEqual([
      { key: "x", path: "list[1].x", offset: text.indexOf('"x": 3'), line: 3, column: text.split("\n")[2]!.indexOf('"x": 3') + 1 },
      { key: "k", path: '["en-US"].k', offset: text.indexOf('"k": 2'), line: 4, column: text.split("\n")[3]!.indexOf('"k": 2') + 1 },
      { key: "a", path: "a", offset: text.indexOf('"a": 4'), line: 5, column: 3 },
    ]);
  });

  it("the same key in different objects is no duplicate; escapes are compared decoded", () => {
    expect(findDuplicateKeys('[{ "a": 1 }, { "a": 2 }]')).toEqual([]);
    expect(findDuplicateKeys('{ "a": 1, "\\u0061": 2 }').map((d) => d.key)).toEqual(["a"]);
    expect(findDuplicateKeys('{ "a": 1, "a" ')).toEqual([]); // a syntax error is reported as such, not as duplicates
  });
});
