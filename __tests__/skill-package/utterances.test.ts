import { parseUtterance, utteranceKey } from "../../lib/skill-package/utterances";

describe("parseUtterance", () => {
  it("finds slot references and the carrier phrase around them", () => {
    expect(parseUtterance("It's {Address} in {Neighborhood}")).toEqual({ slots: ["Address", "Neighborhood"], carrier: "It's   in  ", syntaxError: undefined });
    expect(parseUtterance("no slots here")).toEqual({ slots: [], carrier: "no slots here", syntaxError: undefined });
  });

  it.each([
    ["hello {Address", /never closed/],
    ["hello Address}", /closes no "\{"/],
    ["hello {Add{ress}", /inside another slot reference/],
    ["hello {}", /empty slot reference/],
    ["hello { Address }", /without spaces/],
    ["hello {city|City}", /without spaces or "\|"/],
  ])("reports malformed braces in %j", (text, message) => {
    expect(parseUtterance(text).syntaxError).toMatch(message);
  });
});

describe("utteranceKey", () => {
  it("ignores case and spacing, and nothing else", () => {
    expect(utteranceKey("  What's  Trash\tDay ")).toBe("what's trash day");
    expect(utteranceKey("whats trash day")).not.toBe(utteranceKey("what's trash day"));
  });
});
