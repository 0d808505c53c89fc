import { differingPaths, sameJson, withStageEndpoints } from "../../lib/deploy/manifest-merge";

/**
 * What a push may change in the development manifest: everything the
 * repository owns, never an endpoint (the release commands own them, and a
 * development endpoint on a colour is what flip and submit rely on; DESIGN.md,
 * ownership of the manifest). Pure functions, no I/O.
 */

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const envelope = (custom: unknown, extra: Record<string, unknown> = {}) => ({ manifest: { ...extra, apis: { custom } } });

describe("withStageEndpoints: the repository's manifest with the stage's endpoints", () => {
  it("leaves a repository manifest without apis.custom as it is when the stage has no endpoint at all", () => {
    const repo = { manifest: { publishingInformation: { category: "NEWS" } } };
    expect(withStageEndpoints(repo, envelope({}))).toEqual(repo);
    expect(withStageEndpoints(repo, { manifest: {} })).toEqual(repo);
  });

  it("keeps a stage's regional endpoint even when it has no default one, creating apis.custom for it", () => {
    const stage = envelope({ regions: { FE: { endpoint: { uri: `${ARN}:green` } } } });
    expect(withStageEndpoints({ manifest: { publishingInformation: {} } }, stage)).toEqual(envelope({ regions: { FE: { endpoint: { uri: `${ARN}:green` } } } }, { publishingInformation: {} }));
  });

  it("creates the manifest and apis objects the stage's endpoint needs, keeping the other APIs", () => {
    expect(withStageEndpoints({}, envelope({ endpoint: { uri: ARN } }))).toEqual(envelope({ endpoint: { uri: ARN } }));
    expect(withStageEndpoints({ manifest: { apis: { householdList: {} } } }, envelope({ endpoint: { uri: ARN } }))).toEqual({
      manifest: { apis: { householdList: {}, custom: { endpoint: { uri: ARN } } } },
    });
  });

  it("does not change the repository's object it was given", () => {
    const repo = envelope({ endpoint: { uri: "mine" }, regions: { NA: { endpoint: { uri: "x" } } } });
    const copy = structuredClone(repo);
    withStageEndpoints(repo, envelope({}));
    expect(repo).toEqual(copy);
  });

  it("removes the repository's endpoints, default and regional, when the stage has none, and keeps the rest of apis.custom", () => {
    const repo = envelope({ endpoint: { uri: "mine" }, interfaces: [{ type: "AUDIO_PLAYER" }], regions: { NA: { endpoint: { uri: "x" } }, EU: { endpoint: { uri: "y" }, other: 2 } } });
    expect(withStageEndpoints(repo, envelope({}))).toEqual(envelope({ interfaces: [{ type: "AUDIO_PLAYER" }], regions: { EU: { other: 2 } } }));
  });

  it("drops a regions object left empty, but keeps regions the endpoint rules do not cover", () => {
    expect(withStageEndpoints(envelope({ regions: { NA: { endpoint: { uri: "x" } } } }), envelope({}))).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({ regions: { XX: { endpoint: { uri: "x" } } } }), envelope({}))).toEqual(envelope({ regions: { XX: { endpoint: { uri: "x" } } } }));
  });

  it("sets each regional endpoint the stage has, in a region the repository has not and next to the settings of one it has", () => {
    const repo = envelope({ regions: { NA: { other: 1 } } });
    const stage = envelope({ regions: { NA: { endpoint: { uri: `${ARN}:blue` } }, EU: { endpoint: { uri: `${ARN}:blue` } } } });
    expect(withStageEndpoints(repo, stage)).toEqual(envelope({ regions: { NA: { other: 1, endpoint: { uri: `${ARN}:blue` } }, EU: { endpoint: { uri: `${ARN}:blue` } } } }));
    expect(withStageEndpoints(envelope({}), stage)).toEqual(envelope({ regions: { NA: { endpoint: { uri: `${ARN}:blue` } }, EU: { endpoint: { uri: `${ARN}:blue` } } } }));
  });

  it("replaces the repository's regional endpoint by the stage's, and its default endpoint too", () => {
    const repo = envelope({ endpoint: { uri: "mine" }, regions: { EU: { endpoint: { uri: "mine-eu" } } } });
    const stage = envelope({ endpoint: { uri: ARN }, regions: { EU: { endpoint: { uri: `${ARN}:green` } } } });
    expect(withStageEndpoints(repo, stage)).toEqual(stage);
  });

  it("does not take arrays or other non-objects for an endpoint, a region or a manifest", () => {
    expect(withStageEndpoints(envelope({ endpoint: { uri: "mine" } }), envelope({ endpoint: [{ uri: ARN }] }))).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({ endpoint: { uri: "mine" } }), envelope({ endpoint: "uri" }))).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({}), envelope({ regions: { NA: [{ endpoint: { uri: ARN } }] } }))).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({}), { manifest: { apis: { custom: [] } } })).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({}), null)).toEqual(envelope({}));
    expect(withStageEndpoints(envelope({ endpoint: { uri: "mine" } }), envelope({ endpoint: null }))).toEqual(envelope({}));
    expect(withStageEndpoints([], envelope({ endpoint: { uri: ARN } }))).toEqual(envelope({ endpoint: { uri: ARN } }));
  });

  it("the result's endpoints are copies: changing them does not change the stage's manifest", () => {
    const stage = envelope({ endpoint: { uri: ARN }, regions: { NA: { endpoint: { uri: ARN } } } });
    const merged = withStageEndpoints(envelope({}), stage) as { manifest: { apis: { custom: { endpoint: { uri: string }; regions: { NA: { endpoint: { uri: string } } } } } } };
    merged.manifest.apis.custom.endpoint.uri = "changed";
    merged.manifest.apis.custom.regions.NA.endpoint.uri = "changed";
    expect(stage).toEqual(envelope({ endpoint: { uri: ARN }, regions: { NA: { endpoint: { uri: ARN } } } }));
  });
});

describe("sameJson: whether the upload would change anything", () => {
  it("ignores keys whose value is undefined (JSON has none), but not keys whose value is null", () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: null }, { a: 1 })).toBe(false);
  });

  it("tells an array from an object with the same indexes, and null from an empty object", () => {
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson([{ b: 1, a: 2 }], [{ a: 2, b: 1 }])).toBe(true);
  });

  it("tells values apart that differ only by type or by a key's name", () => {
    expect(sameJson({ a: "1" }, { a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameJson({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
  });
});

describe("differingPaths: what the log says a push changes", () => {
  it("names nothing for equal manifests, (root) for a root that is not an object, and each differing key with its path", () => {
    expect(differingPaths({ manifest: { a: 1 } }, { manifest: { a: 1 } })).toEqual([]);
    expect(differingPaths([1], [2])).toEqual(["(root)"]);
    expect(differingPaths({ a: 1 }, null)).toEqual(["(root)"]);
    expect(differingPaths({ manifest: { a: 1, z: 1 } }, { manifest: { b: 1, z: 1 } })).toEqual(["manifest.a", "manifest.b"]);
    // In key order, whichever manifest has the key: the --json result does not depend on which side a key is on.
    expect(differingPaths({ manifest: { b: 1 } }, { manifest: { a: 1 } })).toEqual(["manifest.a", "manifest.b"]);
  });

  it("stops three levels down", () => {
    expect(differingPaths({ manifest: { a: { b: { c: 1 } } } }, { manifest: { a: { b: { c: 2 } } } })).toEqual(["manifest.a.b"]);
    expect(differingPaths({ x: 1 }, { x: 2 }, "", 0)).toEqual(["(root)"]);
  });
});
