import { InvariantRefusal } from "../../lib/errors";
import { manifestEndpoints, withEndpoint } from "../../lib/release/endpoints";
import {
  candidateColour, classifyEndpoint, coloursUsedBy, liveColour, liveStageProblem, nextStep, previousVersionOf, promotionRecord,
  refuseLiveColour, refuseWhileInReview, requireCandidate, stageTarget, type ReleaseNames, type ReleaseState,
} from "../../lib/release/model";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const names: ReleaseNames = { functionName: "BostonInfoSkill", functionArn: ARN, aliases: { blue: "blue", green: "green" } };

const manifest = (uri: string, regions: Record<string, string> = {}) => ({
  manifest: {
    apis: {
      custom: {
        endpoint: { uri },
        ...(Object.keys(regions).length ? { regions: Object.fromEntries(Object.entries(regions).map(([r, u]) => [r, { endpoint: { uri: u } }])) } : {}),
      },
    },
  },
});

function state(partial: Partial<ReleaseState>): ReleaseState {
  return { names, aliases: { blue: undefined, green: undefined }, development: { kind: "latest" }, live: undefined, certification: undefined, ...partial };
}

describe("endpoints", () => {
  it("finds the default endpoint and every regional override", () => {
    expect(manifestEndpoints(manifest(ARN, { EU: `${ARN}:blue`, FE: `${ARN}:blue` }))).toEqual([
      { path: "apis.custom.endpoint.uri", uri: ARN },
      { path: "apis.custom.regions.EU.endpoint.uri", uri: `${ARN}:blue` },
      { path: "apis.custom.regions.FE.endpoint.uri", uri: `${ARN}:blue` },
    ]);
  });

  it("moves every one of them and nothing else", () => {
    const before = manifest(ARN, { NA: ARN, EU: ARN });
    const after = withEndpoint(before, `${ARN}:green`);
    expect(manifestEndpoints(after).map((e) => e.uri)).toEqual([`${ARN}:green`, `${ARN}:green`, `${ARN}:green`]);
    expect(manifestEndpoints(before).map((e) => e.uri)).toEqual([ARN, ARN, ARN]);
  });
});

describe("classifyEndpoint", () => {
  it.each([
    [ARN, { kind: "latest" }],
    [`${ARN}:$LATEST`, { kind: "latest" }],
    [`${ARN}:blue`, { kind: "colour", colour: "blue", alias: "blue" }],
    [`${ARN}:green`, { kind: "colour", colour: "green", alias: "green" }],
    [`${ARN}:production-7`, { kind: "legacy", alias: "production-7" }],
    [`${ARN}:12`, { kind: "version", version: "12" }],
    [`${ARN}:beta`, { kind: "other-alias", alias: "beta" }],
    [`${ARN}Other:blue`, { kind: "foreign", uri: `${ARN}Other:blue` }],
  ])("%s", (uri, expected) => {
    expect(classifyEndpoint(uri, names)).toEqual(expected);
  });

  it("reports a stage whose regions disagree as mixed", () => {
    expect(stageTarget(manifest(`${ARN}:blue`, { EU: ARN }), names).kind).toBe("mixed");
  });
});

describe("colours are derived from the live stage", () => {
  it("the candidate is the colour live does not use", () => {
    expect(candidateColour(state({ live: { kind: "colour", colour: "blue", alias: "blue" } }))).toBe("green");
    expect(candidateColour(state({ live: { kind: "colour", colour: "green", alias: "green" } }))).toBe("blue");
  });

  it("a live legacy production-N alias makes blue the candidate, and has no live colour", () => {
    const legacy = state({ live: { kind: "legacy", alias: "production-3" } });
    expect(liveColour(legacy)).toBeUndefined();
    expect(candidateColour(legacy)).toBe("blue");
    expect(nextStep(legacy)).toContain("legacy alias production-3");
  });

  it("an unpublished skill releases on blue first", () => {
    expect(candidateColour(state({}))).toBe("blue");
  });
});

describe("invariant 9: what the live stage points at decides the candidate", () => {
  const split = (regions: Record<string, string>, uri = `${ARN}:blue`) => state({ live: stageTarget(manifest(uri, regions), names) });

  it("no colour that any live endpoint uses is the candidate, and a split stage is refused naming each region", () => {
    const blueAndGreen = split({ EU: `${ARN}:green` });
    expect(coloursUsedBy(blueAndGreen.live)).toEqual(["blue", "green"]);
    expect(candidateColour(blueAndGreen)).toBeUndefined();
    expect(() => requireCandidate(blueAndGreen, "flip")).toThrow(InvariantRefusal);
    expect(() => requireCandidate(blueAndGreen, "flip")).toThrow(
      "Refusing to flip: the live stage's endpoints point at different targets: default → blue (alias blue); EU → green (alias green), so live users in some regions run the blue and green aliases.",
    );
    expect(() => refuseLiveColour(blueAndGreen, "green", "flip")).toThrow(/would move the green alias, which the live skill uses/);
  });

  it("refuses a split even when one colour is free: a region on a legacy alias, another on blue", () => {
    const legacyAndBlue = split({ FE: `${ARN}:blue` }, `${ARN}:production-3`);
    expect(liveStageProblem(legacyAndBlue)).toBe(
      "the live stage's endpoints point at different targets: default → legacy alias production-3; FE → blue (alias blue), so live users in some regions run the blue alias",
    );
    expect(candidateColour(legacyAndBlue)).toBeUndefined();
    expect(nextStep(legacyAndBlue)).toMatch(/^Fix the live stage first/);
  });

  it.each([
    ["$LATEST", ARN],
    ["a version", `${ARN}:7`],
    ["another alias", `${ARN}:beta`],
    ["another function", `${ARN}Other:green`],
  ])("refuses a live stage on %s", (_, uri) => {
    expect(() => requireCandidate(state({ live: classifyEndpoint(uri, names) }), "submit")).toThrow(/^Refusing to submit: the live stage points at/);
  });

  it("regional overrides that agree are one colour", () => {
    const agreeing = split({ NA: `${ARN}:green`, EU: `${ARN}:green` }, `${ARN}:green`);
    expect(agreeing.live).toEqual({ kind: "colour", colour: "green", alias: "green" });
    expect(requireCandidate(agreeing, "flip")).toBe("blue");
  });
});

describe("invariants", () => {
  it("refuses while a certification is in progress, naming it (invariant 2)", () => {
    const inReview = state({ certification: { id: "cert-1", status: "IN_PROGRESS", submittedAt: "2026-11-20T10:00:00Z" } });
    expect(() => refuseWhileInReview(inReview, "flip")).toThrow(InvariantRefusal);
    expect(() => refuseWhileInReview(inReview, "flip")).toThrow(/certification cert-1 \(submitted 2026-11-20T10:00:00Z\) is in progress/);
    expect(() => refuseWhileInReview(state({ certification: { id: "c", status: "FAILED" } }), "flip")).not.toThrow();
  });

  it("refuses to move the live colour outside promote and rollback (invariant 1)", () => {
    const live = state({ live: { kind: "colour", colour: "green", alias: "green" } });
    expect(() => refuseLiveColour(live, "green", "flip")).toThrow(/Only promote and rollback move the live alias/);
    expect(() => refuseLiveColour(live, "blue", "flip")).not.toThrow();
  });
});

describe("the promotion record", () => {
  it("round-trips the previous version through the alias description", () => {
    const record = promotionRecord("41", new Date("2026-11-25T12:00:00Z"), "commit 3f9c2a1");
    expect(record).toBe("previous-version=41 promoted=2026-11-25T12:00:00.000Z commit 3f9c2a1");
    expect(previousVersionOf(record)).toBe("41");
    expect(previousVersionOf("Blue/green release alias")).toBeUndefined();
  });
});
