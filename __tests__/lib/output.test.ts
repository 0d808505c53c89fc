import { runCommand } from "../../lib/cli";
import { readAskCredentials } from "../../lib/credentials";
import { OperationFailed } from "../../lib/errors";
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

describe("the top-level handler", () => {
  it("redacts credentials read earlier from its error line", async () => {
    readAskCredentials({ ASK_LWA_CLIENT_ID: "id", ASK_LWA_CLIENT_SECRET: "handler-secret-value", ASK_REFRESH_TOKEN: "Atzr|handler-refresh" });
    let written = "";
    const code = await runCommand("test", { env: {}, stdout: { write: () => true }, stderr: { write: (t: string) => (written += t) } }, async () => {
      throw new OperationFailed("server echoed handler-secret-value and Atzr|handler-refresh");
    });
    expect(code).toBe(1);
    expect(written).toBe("test: server echoed *** and ***\n");
  });
});
