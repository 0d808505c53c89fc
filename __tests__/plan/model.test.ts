import { UsageError } from "../../lib/errors";
import { classifyActions, countChanges, deletes, reasonInWords } from "../../lib/plan/classify";
import { parsePlan, readPlanFile } from "../../lib/plan/parse";
import { changeAt, fixtureJson, fixturePath, fixturePlan } from "./helpers";

describe("classifyActions: Terraform's action lists", () => {
  test.each([
    [["no-op"], "no-op", undefined],
    [["create"], "create", undefined],
    [["read"], "read", undefined],
    [["update"], "update", undefined],
    [["delete"], "delete", undefined],
    [["forget"], "forget", undefined],
    [["delete", "create"], "replace", "delete-first"],
    [["create", "delete"], "replace", "create-first"],
  ])("%j is %s", (actions, kind, replaceOrder) => {
    expect(classifyActions(actions)).toEqual(replaceOrder === undefined ? { kind } : { kind, replaceOrder });
  });

  test("a delete anywhere in a list is a deletion, even in lists Terraform does not make today", () => {
    expect(classifyActions(["forget", "delete"]).kind).toBe("delete");
    expect(classifyActions(["update", "delete"]).kind).toBe("delete");
    expect(deletes({ actions: ["no-op", "delete"] })).toBe(true);
    expect(deletes({ actions: ["forget"] })).toBe(false);
  });

  test("an unknown action is shown as a change, never as nothing", () => {
    expect(classifyActions(["transmogrify"]).kind).toBe("update");
  });

  test("reasons are in words, and an unknown reason is quoted safely", () => {
    expect(reasonInWords("replace_because_tainted")).toMatch(/tainted/);
    expect(reasonInWords("new_reason|<b>")).toBe("Terraform's reason <code>new_reason&#124;&#60;b&#62;</code>");
  });
});

describe("parsePlan: real terraform show -json output", () => {
  test("maps replacements with their reasons and forcing paths", () => {
    const plan = fixturePlan("changes");
    const build = plan.changes.find((change) => change.address === "terraform_data.build");
    expect(build).toMatchObject({ kind: "replace", replaceOrder: "delete-first", actionReason: "replace_because_cannot_update", replacePaths: [["triggers_replace"]] });
    expect(plan.changes.find((change) => change.address === "terraform_data.colour")).toMatchObject({ kind: "replace", replaceOrder: "create-first" });
    expect(plan.changes.find((change) => change.address === "terraform_data.tainted")?.actionReason).toBe("replace_because_tainted");
    expect(plan.changes.find((change) => change.address === "terraform_data.requested")?.actionReason).toBe("replace_by_request");
    expect(plan.changes.find((change) => change.address === "terraform_data.follower")?.actionReason).toBe("replace_by_triggers");
    expect(plan.changes.find((change) => change.address === "data.terraform_remote_state.pending")).toMatchObject({ kind: "read", mode: "data" });
    expect(plan.terraformVersion).toMatch(/^1\./);
  });

  test("maps moves, imports and forgets", () => {
    const plan = fixturePlan("refactor");
    expect(plan.changes.find((change) => change.address === 'terraform_data.alias["blue"]')).toMatchObject({ kind: "no-op", previousAddress: "terraform_data.alias_blue" });
    expect(plan.changes.find((change) => change.address === "terraform_data.green")).toMatchObject({ kind: "update", previousAddress: "terraform_data.alias_green" });
    expect(plan.changes.find((change) => change.address === "terraform_data.imported")).toMatchObject({ kind: "no-op", importing: { id: "imported-id" } });
    expect(plan.changes.find((change) => change.address === "terraform_data.imported_changed")).toMatchObject({ kind: "update", importing: { id: "imported-changed-id" } });
    expect(plan.changes.find((change) => change.address === "terraform_data.kept_outside")).toMatchObject({ kind: "forget" });
    expect(plan.changes.find((change) => change.address === "terraform_data.worker[1]")).toMatchObject({ kind: "delete", actionReason: "delete_because_count_index" });
  });

  test("counts like Terraform's summary line: imports and moves besides what happens to the object", () => {
    expect(countChanges(fixturePlan("changes"))).toEqual({ create: 1, update: 3, replace: 5, delete: 1, forget: 0, import: 0, move: 0, "no-op": 0, read: 1 });
    expect(countChanges(fixturePlan("refactor"))).toEqual({ create: 0, update: 2, replace: 0, delete: 1, forget: 1, import: 2, move: 2, "no-op": 1, read: 0 });
    expect(countChanges(fixturePlan("unchanged"))).toEqual({ create: 0, update: 0, replace: 0, delete: 0, forget: 0, import: 0, move: 0, "no-op": 1, read: 0 });
  });

  test("collects every sensitive value, including sensitive variables, to hide wherever it turns up", () => {
    const plan = fixturePlan("changes");
    expect(plan.isSecret("fixture-secret-api-key-v1")).toBe(true); // marked in before
    expect(plan.isSecret("fixture-secret-refresh-v2")).toBe(true); // inside a wholly sensitive object
    expect(plan.isSecret("fixture-client")).toBe(true); // its non-secret-looking sibling
    expect(plan.isSecret("prefix fixture-secret-api-key-v2 suffix")).toBe(true);
    expect(plan.isSecret("boston-info")).toBe(false);
  });

  test("a sensitive variable's value is a secret even if no resource uses it", () => {
    const json = fixtureJson("unchanged");
    const plan = parsePlan(
      { ...json, variables: { token: { value: "only-in-variables-secret" }, region: { value: "us-east-1" } }, configuration: { root_module: { variables: { token: { sensitive: true }, region: {} } } } },
      "s",
    );
    expect(plan.isSecret("only-in-variables-secret")).toBe(true);
    expect(plan.isSecret("us-east-1")).toBe(false);
  });

  test("errored and incomplete plans are flagged", () => {
    const plan = parsePlan({ ...fixtureJson("unchanged"), errored: true, complete: false }, "s");
    expect(plan).toMatchObject({ errored: true, incomplete: true });
  });

  test("something that is not a plan is a usage error that quotes no value", () => {
    const notAPlan = { format_version: "1.2", resource_changes: [{ address: "x", type: "t", name: "n", change: { actions: "fixture-secret-api-key-v1" } }] };
    expect(() => parsePlan(notAPlan, "s")).toThrow(UsageError);
    expect(() => parsePlan(notAPlan, "s")).toThrow(/resource_changes\.0\.change\.actions/);
    expect(() => parsePlan(notAPlan, "s")).not.toThrow(/fixture-secret/);
    expect(() => parsePlan({ format_version: "2.0" }, "s")).toThrow(/format_version/);
  });

  test("reads a plan file; a binary plan file or a missing one is a usage error", async () => {
    await expect(readPlanFile(fixturePath("unchanged"), "unchanged")).resolves.toMatchObject({ stack: "unchanged" });
    await expect(readPlanFile(__filename, "x")).rejects.toThrow(/not JSON/);
    await expect(readPlanFile("/nonexistent/plan.json", "x")).rejects.toThrow(/ENOENT/);
  });

  test("keeps Terraform's raw action list", () => {
    expect(changeAt(fixtureJson("changes"), "terraform_data.colour").change.actions).toEqual(["create", "delete"]);
  });
});
