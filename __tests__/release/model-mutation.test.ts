import { InvariantRefusal } from "../../lib/errors";
import { manifestEndpoints, withEndpoint } from "../../lib/release/endpoints";
import {
  aliasArn, candidateColour, classifyEndpoint, coloursUsedBy, describeTarget, isInReview, liveColour, liveStageProblem, nextStep, previousVersionOf,
  promotionRecord, refuseLiveColour, rollbackRecord, rolledBackTo, refuseWhileInReview, requireCandidate, stageTarget, type ReleaseNames, type ReleaseState, type StageTarget,
} from "../../lib/release/model";

/**
 * The release model's decisions that mutation testing found unobserved by model.test.ts:
 * configured alias names, every description, every next step, the edges of the records.
 */
const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const names: ReleaseNames = { functionName: "BostonInfoSkill", functionArn: ARN, aliases: { blue: "blue", green: "green" } };
const blueLive = { kind: "colour", colour: "blue", alias: "blue" } as const;
const greenLive = { kind: "colour", colour: "green", alias: "green" } as const;

function state(partial: Partial<ReleaseState>): ReleaseState {
  return { names, aliases: { blue: undefined, green: undefined }, development: { kind: "latest" }, live: undefined, certification: undefined, ...partial };
}

describe("classifyEndpoint with configured alias names", () => {
  const custom: ReleaseNames = { ...names, aliases: { blue: "release-a", green: "release-b" } };

  it("recognises a colour by its configured alias, not by the word", () => {
    expect(classifyEndpoint(`${ARN}:release-b`, custom)).toEqual({ kind: "colour", colour: "green", alias: "release-b" });
    expect(classifyEndpoint(`${ARN}:blue`, custom)).toEqual({ kind: "other-alias", alias: "blue" });
    expect(aliasArn(custom, "blue")).toBe(`${ARN}:release-a`);
  });

  it("a version is digits only; a legacy alias is production-N only", () => {
    expect(classifyEndpoint(`${ARN}:12a`, names)).toEqual({ kind: "other-alias", alias: "12a" });
    expect(classifyEndpoint(`${ARN}:a12`, names)).toEqual({ kind: "other-alias", alias: "a12" });
    expect(classifyEndpoint(`${ARN}:production-`, names).kind).not.toBe("legacy");
  });

  it("another function whose name extends ours is foreign, and so is our own name without the separator", () => {
    expect(classifyEndpoint(`${ARN}2`, names)).toEqual({ kind: "foreign", uri: `${ARN}2` });
  });
});

describe("stageTarget", () => {
  const manifest = (custom: object) => ({ manifest: { apis: { custom } } });

  it("is none without an endpoint, the one target when every region agrees", () => {
    expect(stageTarget(manifest({}), names)).toEqual({ kind: "none" });
    expect(stageTarget(manifest({ endpoint: { uri: `${ARN}:green` }, regions: { EU: { endpoint: { uri: `${ARN}:green` } } } }), names)).toEqual(greenLive);
  });

  it("lists every disagreeing target when regions differ", () => {
    expect(stageTarget(manifest({ endpoint: { uri: `${ARN}:green` }, regions: { FE: { endpoint: { uri: `${ARN}:blue` } } } }), names)).toEqual({
      kind: "mixed", targets: [greenLive, blueLive], endpoints: [{ region: "default", target: greenLive }, { region: "FE", target: blueLive }],
    });
  });
});

describe("describeTarget says what each stage points at", () => {
  it.each<[StageTarget, string]>([
    [{ kind: "latest" }, "$LATEST (unqualified)"],
    [blueLive, "blue (alias blue)"],
    [{ kind: "legacy", alias: "production-4" }, "legacy alias production-4"],
    [{ kind: "version", version: "9" }, "version 9 (not an alias)"],
    [{ kind: "other-alias", alias: "beta" }, "alias beta (not blue or green)"],
    [{ kind: "foreign", uri: "arn:x" }, "another endpoint: arn:x"],
    [{ kind: "mixed", targets: [blueLive, { kind: "latest" }], endpoints: [{ region: "default", target: blueLive }, { region: "EU", target: { kind: "latest" } }] },
      "different endpoints per region: default → blue (alias blue); EU → $LATEST (unqualified)"],
    [{ kind: "none" }, "no endpoint"],
  ])("%j", (target, text) => {
    expect(describeTarget(target)).toBe(text);
  });
});

describe("colours and review", () => {
  it("a live stage on anything but a colour has no live colour", () => {
    expect(liveColour(state({ live: { kind: "latest" } }))).toBeUndefined();
    expect(liveColour(state({}))).toBeUndefined();
    expect(liveColour(state({ live: greenLive }))).toBe("green");
  });

  it("only a certification in progress is a review", () => {
    expect(isInReview(state({ certification: { id: "c", status: "IN_PROGRESS" } }))).toBe(true);
    expect(isInReview(state({ certification: { id: "c", status: "SUCCEEDED" } }))).toBe(false);
    expect(isInReview(state({}))).toBe(false);
  });

  it("the review refusal names the certification and the endpoint under review, without a date it does not have", () => {
    const inReview = state({ development: greenLive, certification: { id: "cert-9", status: "IN_PROGRESS" } });
    let refusal: unknown;
    try {
      refuseWhileInReview(inReview, "move green");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvariantRefusal);
    expect((refusal as Error).message).toBe(
      "Refusing to move green: certification cert-9 is in progress, and the submission uses the green (alias green) endpoint, whose code must not change under review. " +
        "Wait for the result (npm run status), or withdraw the submission in the developer console.",
    );
    expect(() => refuseWhileInReview(state({}), "flip")).not.toThrow();
  });

  it("the live-colour refusal is an invariant refusal naming the command and the colour", () => {
    expect(() => refuseLiveColour(state({ live: blueLive }), "blue", "submit")).toThrow(
      new InvariantRefusal("Refusing: submit would move the blue alias, which the live skill uses. Only promote and rollback move the live alias."),
    );
    expect(() => refuseLiveColour(state({ live: blueLive }), "blue", "submit")).toThrow(InvariantRefusal);
    expect(() => refuseLiveColour(state({ live: { kind: "legacy", alias: "production-1" } }), "blue", "flip")).not.toThrow();
  });
});

describe("invariant 9 at its edges", () => {
  const mixed = (...targets: Array<{ region: string; target: typeof blueLive | typeof greenLive | { kind: "latest" } }>): StageTarget =>
    ({ kind: "mixed", targets: targets.map((t) => t.target), endpoints: targets });

  it("the colours a stage uses: none for no stage or no colour, each colour once, in colour order", () => {
    expect(coloursUsedBy(undefined)).toEqual([]);
    expect(coloursUsedBy({ kind: "latest" })).toEqual([]);
    expect(coloursUsedBy(greenLive)).toEqual(["green"]);
    expect(coloursUsedBy(mixed({ region: "default", target: greenLive }, { region: "EU", target: blueLive }, { region: "FE", target: greenLive }))).toEqual(["blue", "green"]);
  });

  it("a split live stage without any colour is named without a colour clause", () => {
    const split = state({ live: mixed({ region: "default", target: { kind: "latest" } }, { region: "EU", target: { kind: "latest" } }) });
    expect(liveStageProblem(split)).toBe("the live stage's endpoints point at different targets: default → $LATEST (unqualified); EU → $LATEST (unqualified)");
    expect(liveStageProblem(state({ live: mixed({ region: "default", target: greenLive }, { region: "EU", target: { kind: "latest" } }) }))).toMatch(/, so live users in some regions run the green alias$/);
  });

  it("the known shapes of live are no problem, and the candidate is the free colour", () => {
    for (const live of [undefined, blueLive, { kind: "legacy", alias: "production-1" } as const]) {
      expect(liveStageProblem(state({ live }))).toBeUndefined();
    }
    expect(requireCandidate(state({ live: blueLive }), "flip")).toBe("green");
    expect(requireCandidate(state({}), "flip")).toBe("blue");
    expect(() => requireCandidate(state({ live: { kind: "latest" } }), "flip")).toThrow(InvariantRefusal);
    expect(nextStep(state({ live: { kind: "version", version: "4" } }))).toBe(
      "Fix the live stage first: the live stage points at version 4 (not an alias), not at the blue or green alias or a legacy production-N alias. " +
        "flip and submit refuse until live points at one colour (docs/runbook.md, \"The live stage is split or unexpected\").",
    );
  });
});

describe("nextStep", () => {
  it("in review: wait for that certification", () => {
    expect(nextStep(state({ development: greenLive, live: blueLive, certification: { id: "cert-5", status: "IN_PROGRESS" } }))).toBe(
      "Wait for certification cert-5 to finish (npm run status); then npm run finish.",
    );
  });

  it("development on the candidate: submit, publish after success, fix after failure", () => {
    expect(nextStep(state({ development: greenLive, live: blueLive }))).toBe("Development points at the candidate (green). Test it, then npm run submit.");
    expect(nextStep(state({ development: greenLive, live: blueLive, certification: { id: "c", status: "SUCCEEDED" } }))).toMatch(/^Certification passed: npm run finish -- --publish/);
    expect(nextStep(state({ development: greenLive, live: blueLive, certification: { id: "c", status: "FAILED" } }))).toBe(
      "The last certification failed. Fix the skill, then npm run flip (moves green to the new code) and npm run submit again.",
    );
    expect(nextStep(state({ development: greenLive, live: blueLive, certification: { id: "c", status: "CANCELLED" } }))).toMatch(/^Development points at the candidate/);
  });

  it("development on the live colour: finish puts it back on $LATEST", () => {
    expect(nextStep(state({ development: blueLive, live: blueLive }))).toBe("Development points at the live colour: run npm run finish to put it back on $LATEST.");
    // A past success does not make the live colour look like a passed candidate.
    expect(nextStep(state({ development: blueLive, live: blueLive, certification: { id: "c", status: "SUCCEEDED" } }))).toMatch(/^Development points at the live colour/);
  });

  it("otherwise: flip to release, promote for a code-only fix", () => {
    expect(nextStep(state({ development: { kind: "latest" }, live: blueLive }))).toBe(
      "Development is on $LATEST (unqualified). To release: npm run flip. For a code-only fix: npm run promote.",
    );
    expect(nextStep(state({ development: { kind: "version", version: "3" } }))).toMatch(/^Development is on version 3/);
  });

  it("live on a legacy alias: flip releases on blue", () => {
    expect(nextStep(state({ live: { kind: "legacy", alias: "production-2" } }))).toBe(
      "Live uses the legacy alias production-2. Run npm run flip to release on blue; after publication that alias is no longer used.",
    );
    expect(candidateColour(state({ live: { kind: "legacy", alias: "production-2" } }))).toBe("blue");
  });
});

describe("the promotion record's edges", () => {
  it("has no trailing space without a note, and fits Lambda's 256-character description", () => {
    expect(promotionRecord("7", new Date("2026-01-02T03:04:05Z"))).toBe("previous-version=7 promoted=2026-01-02T03:04:05.000Z");
    const long = promotionRecord("7", new Date("2026-01-02T03:04:05Z"), "x".repeat(300));
    expect(long).toHaveLength(256);
    expect(previousVersionOf(long)).toBe("7");
  });

  it("a rollback record names both versions, is not a promotion record, and fits 256 characters", () => {
    const record = rollbackRecord("4", "6", new Date("2026-01-02T03:04:05Z"));
    expect(record).toBe("rolled-back-to=4 from-version=6 at=2026-01-02T03:04:05.000Z");
    expect(rolledBackTo(record)).toBe("4");
    expect(previousVersionOf(record)).toBeUndefined();
    expect(rollbackRecord("4", "6", new Date(0), "y".repeat(300))).toHaveLength(256);
    expect(rollbackRecord("4", "6", new Date(0), "by ops")).toMatch(/Z by ops$/);
    expect(rolledBackTo("previous-version=3")).toBeUndefined();
  });

  it("reads the whole version number, and nothing from a record without digits", () => {
    expect(previousVersionOf("note previous-version=123 promoted=x")).toBe("123");
    expect(previousVersionOf("previous-version=abc")).toBeUndefined();
  });
});

describe("endpoints", () => {
  it("reads a manifest without its envelope, and nothing from what is not a custom skill", () => {
    expect(manifestEndpoints({ apis: { custom: { endpoint: { uri: ARN } } } })).toEqual([{ path: "apis.custom.endpoint.uri", uri: ARN }]);
    expect(manifestEndpoints(null)).toEqual([]);
    expect(manifestEndpoints([])).toEqual([]);
    expect(manifestEndpoints({ manifest: { apis: { custom: [] } } })).toEqual([]);
    expect(manifestEndpoints({ manifest: { apis: { video: {} } } })).toEqual([]);
    expect(manifestEndpoints({ manifest: { apis: { custom: { endpoint: { uri: 5 }, regions: { EU: { endpoint: {} } } } } } })).toEqual([]);
  });

  it("withEndpoint adds a default endpoint when there is none and leaves regions without a URI alone", () => {
    const before = { manifest: { apis: { custom: { regions: { EU: { endpoint: { sslCertificateType: "Wildcard" } }, NA: { endpoint: { uri: ARN } } } } } } };
    const after = withEndpoint(before, `${ARN}:blue`);
    expect(after.manifest.apis.custom).toEqual({
      endpoint: { uri: `${ARN}:blue` },
      regions: { EU: { endpoint: { sslCertificateType: "Wildcard" } }, NA: { endpoint: { uri: `${ARN}:blue` } } },
    });
  });

  it("withEndpoint keeps what else the default endpoint says (its certificate type)", () => {
    const after = withEndpoint({ manifest: { apis: { custom: { endpoint: { uri: ARN, sslCertificateType: "Trusted" } } } } }, `${ARN}:green`);
    expect(after.manifest.apis.custom.endpoint).toEqual({ uri: `${ARN}:green`, sslCertificateType: "Trusted" });
  });

  it("withEndpoint refuses a manifest that is not a custom skill", () => {
    expect(() => withEndpoint({ manifest: { apis: {} } }, ARN)).toThrow(/no apis\.custom section/);
    expect(() => withEndpoint({ manifest: { apis: { custom: [] } } }, ARN)).toThrow(/no apis\.custom section/);
    expect(() => withEndpoint({ manifest: { apis: { custom: "custom" } } }, ARN)).toThrow(/no apis\.custom section/);
  });
});
