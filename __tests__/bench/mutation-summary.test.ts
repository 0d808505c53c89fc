import { formatLine, moduleScore, summarise } from "../../bench/mutation-summary";

describe("mutation summary", () => {
  it("scores detected over valid mutants: timeouts count as detected, ignored and compile errors do not count", () => {
    const score = moduleScore("lib/release/model.ts", ["Killed", "Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "CompileError"]);
    expect(score).toEqual({ file: "lib/release/model.ts", mutants: 5, killed: 2, timeout: 1, survived: 1, noCoverage: 1, score: 60 });
    expect(formatLine(score)).toBe(" 60.0%  lib/release/model.ts  (5 mutants: 2 killed, 1 timed out, 1 survived, 1 not covered)");
  });

  it("gives one line per module, sorted, and a total", () => {
    const lines = summarise({
      files: {
        "lib/smapi/errors.ts": { mutants: [{ status: "Survived" }] },
        "lib/release/model.ts": { mutants: [{ status: "Killed" }, { status: "Ignored" }] },
      },
    });
    expect(lines.map((l) => [l.file, l.score])).toEqual([["lib/release/model.ts", 100], ["lib/smapi/errors.ts", 0], ["all", 50]]);
  });

  it("says n/a for a module without a valid mutant", () => {
    expect(formatLine(moduleScore("x.ts", ["Ignored"]))).toMatch(/^ {2}n\/a {2}x\.ts/);
  });
});
