import { recordingOutput, redactor } from "../../lib/output";

describe("redaction", () => {
  it("masks every secret wherever it appears, longest first", () => {
    const redact = redactor(["Atzr|refresh-token-value", "Atzr|refresh", undefined, "x"]);
    expect(redact("token=Atzr|refresh-token-value and Atzr|refresh; x stays")).toBe("token=*** and ***; x stays");
  });

  it("applies to everything an Output records, JSON included", () => {
    const out = recordingOutput(["client-secret-value"]);
    out.info("using client-secret-value");
    out.json({ secret: "client-secret-value" });
    expect(out.text()).not.toContain("client-secret-value");
  });
});
