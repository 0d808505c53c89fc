import { SCENARIOS, planScenario } from "./fixtures/regenerate";
import { fixtureJson, type FixtureName, type PlanJson } from "./helpers";

/** What a fixture says about each change, without the random ids and timestamps. */
function shape(json: PlanJson): unknown {
  return {
    changes: json.resource_changes.map((change) => ({
      address: change.address,
      previous_address: change.previous_address,
      actions: change.change.actions,
      action_reason: change.action_reason,
      replace_paths: change.change.replace_paths,
      importing: change.change.importing,
      before_sensitive: change.change.before_sensitive,
      after_sensitive: change.change.after_sensitive,
    })),
    drift: (json.resource_drift ?? []).map((change) => ({ address: change.address, actions: change.change.actions })),
    // Terraform lists them in no fixed order (it collects them from a map).
    relevant: ((json.relevant_attributes ?? []) as unknown[]).map((entry) => JSON.stringify(entry)).sort(),
    outputs: Object.fromEntries(Object.entries((json.output_changes ?? {}) as Record<string, { actions: string[] }>).map(([name, output]) => [name, output.actions])),
  };
}

describe("the committed fixtures are what the real terraform binary makes today", () => {
  test.each(Object.keys(SCENARIOS) as FixtureName[])("%s", async (name) => {
    const scenario = SCENARIOS[name];
    if (scenario === undefined) throw new Error(`no scenario ${name}`);
    const fresh = JSON.parse(await planScenario(scenario)) as PlanJson;
    // If this fails after a Terraform upgrade, run `npx tsx __tests__/plan/fixtures/regenerate.ts` and review the diff.
    expect(shape(fresh)).toEqual(shape(fixtureJson(name)));
  });
});
