import { differingPaths, sameJson, withStageEndpoints } from "../../lib/deploy/manifest-merge";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const envelope = (custom: unknown, extra: Record<string, unknown> = {}) => ({ manifest: { ...extra, apis: { custom } } });

describe("the manifest deploy:skill uploads", () => {
  it("takes every endpoint from the development stage, default and regional (voiceapp311's apis.custom is empty)", () => {
    const stage = envelope({ endpoint: { uri: `${ARN}:blue` }, regions: { EU: { endpoint: { uri: `${ARN}:blue`, sslCertificateType: "Trusted" } } } });
    expect(withStageEndpoints(envelope({}), stage)).toEqual(stage);
  });

  it("drops endpoints the repository has and the stage does not, keeping other regional settings", () => {
    const repo = envelope({ endpoint: { uri: "arn:aws:lambda:us-east-1:1:function:Other" }, regions: { NA: { endpoint: { uri: "x" }, other: 1 }, FE: { endpoint: { uri: "y" } } } });
    const stage = envelope({ endpoint: { uri: ARN } });
    expect(withStageEndpoints(repo, stage)).toEqual(envelope({ endpoint: { uri: ARN }, regions: { NA: { other: 1 } } }));
  });

  it("adds apis.custom to a repository manifest without one when the stage has an endpoint", () => {
    expect(withStageEndpoints({ manifest: { publishingInformation: {} } }, envelope({ endpoint: { uri: ARN } }))).toEqual(
      envelope({ endpoint: { uri: ARN } }, { publishingInformation: {} }),
    );
  });

  it("compares as JSON values: key order does not matter, array order does", () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ b: { c: [2, 1] } }, { b: { c: [1, 2] } })).toBe(false);
    expect(differingPaths({ manifest: { a: 1, b: { c: 2 } } }, { manifest: { a: 1, b: { c: 3 } } })).toEqual(["manifest.b.c"]);
  });
});
