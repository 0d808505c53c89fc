import { readFileSync } from "node:fs";
import { SENSITIVE } from "../../lib/plan/diff";
import { parsePlan } from "../../lib/plan/parse";
import { COMMENT_BUDGET, GITHUB_COMMENT_LIMIT, MARKER, renderNoticeComment, renderPlanComment } from "../../lib/plan/render";
import { FIXTURE_SECRETS } from "./fixtures/regenerate";
import { driftJson, fixtureJson, fixturePath, fixturePlan, hugePlanJson } from "./helpers";

const all = () => [fixturePlan("changes"), fixturePlan("refactor"), fixturePlan("unchanged")];

describe("renderPlanComment: one comment for all stacks", () => {
  const comment = renderPlanComment(all(), { commit: "0123456789abcdef0123456789abcdef01234567", runUrl: "https://github.com/o/r/actions/runs/42" });

  test("starts with the hidden marker, then a summary, warnings, and a section per stack in that order", () => {
    expect(comment.startsWith(`${MARKER}\n## Terraform plan\n`)).toBe(true);
    const order = ["| Stack | Result |", "### Warnings", "### Stack <code>changes</code>", "### Stack <code>refactor</code>", "### Stack <code>unchanged</code>"].map((heading) => comment.indexOf(heading));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("says which commit and which run it is for", () => {
    expect(comment).toContain("For commit 0123456789ab · [workflow run](https://github.com/o/r/actions/runs/42)");
  });

  test("the summary counts each stack's changes, and says No changes when there are none", () => {
    expect(comment).toContain("| Stack | Result | create | update | replace | delete | forget | import | move | no-op |");
    expect(comment).toContain("| <code>changes</code> | ⚠️ deletes | 1 | 3 | 5 | 1 | 0 | 0 | 0 | 0 |");
    expect(comment).toContain("| <code>refactor</code> | ⚠️ deletes | 0 | 2 | 0 | 1 | 1 | 2 | 2 | 1 |");
    expect(comment).toContain("| <code>unchanged</code> | No changes | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |");
    expect(comment).toContain("**No changes.** The infrastructure matches the configuration.");
    expect(comment).toContain("**Plan:** 2 to update in place, 1 to delete, 1 to forget, 2 to import, 2 to move.");
  });

  test("warns of every deletion, replacement and forget, with Terraform's reason in words", () => {
    const warnings = comment.slice(comment.indexOf("### Warnings"), comment.indexOf("### Stack"));
    expect(warnings).toContain("<code>terraform_data.build</code>: **replace** (destroy, then create), because a changed attribute cannot be updated in place (<code>triggers_replace</code>).");
    expect(warnings).toContain("<code>terraform_data.colour</code>: **replace** (create the new one, then destroy the old)");
    expect(warnings).toContain("<code>terraform_data.tainted</code>: **replace** (destroy, then create), because the object is tainted");
    expect(warnings).toContain("<code>terraform_data.requested</code>: **replace** (destroy, then create), because a replacement was requested with `-replace`");
    expect(warnings).toContain("<code>terraform_data.follower</code>: **replace** (destroy, then create), because something in its `replace_triggered_by` changed");
    expect(warnings).toContain("<code>terraform_data.legacy_alias</code>: **delete**, because its configuration was removed.");
    expect(warnings).toContain("<code>terraform_data.worker&#91;1&#93;</code>: **delete**, because its `count` index is no longer in range.");
    expect(warnings).toContain("<code>terraform_data.kept_outside</code>: **forget**: Terraform stops managing it and leaves the object in place");
    expect(warnings.match(/^- /gm)).toHaveLength(8);
  });

  test("the table lists changed resources with their action and changed attribute names", () => {
    expect(comment).toContain("| <code>terraform_data.config</code> | update in place | <code>input</code> |");
    expect(comment).toContain("| <code>terraform_data.build</code> | **replace** (destroy first) | <code>triggers_replace</code> (forces replacement) |");
    expect(comment).toContain("| <code>terraform_data.colour</code> | **replace** (create first) | <code>triggers_replace</code> (forces replacement) |");
    expect(comment).toContain("| <code>terraform_data.tainted</code> | **replace** (destroy first) | the object is tainted");
    expect(comment).toContain("| <code>terraform_data.created</code> | create |  |");
    expect(comment).toContain("| <code>data.terraform_remote_state.pending</code> | read during apply | its configuration depends on values known only after apply |");
    expect(comment).not.toMatch(/\| <code>terraform_data.steady<\/code>/);
  });

  test("moves show the previous address and imports the import ID", () => {
    expect(comment).toContain("| <code>terraform_data.alias&#91;\"blue\"&#93;</code> | moved from <code>terraform_data.alias_blue</code> |  |");
    expect(comment).toContain("| <code>terraform_data.green</code> | update in place; moved from <code>terraform_data.alias_green</code> | <code>input</code> |");
    expect(comment).toContain("| <code>terraform_data.imported</code> | import <code>imported-id</code> |  |");
    expect(comment).toContain("| <code>terraform_data.imported_changed</code> | update in place; import <code>imported-changed-id</code> | <code>input</code> |");
  });

  test("output changes are listed, sensitive ones hidden", () => {
    expect(comment).toContain('| <code>config_name</code> | update | <code>"boston-info"</code> → <code>(known after apply)</code> |');
    expect(comment).toContain("| <code>api_key</code> | update | <code>(sensitive)</code> → <code>(sensitive)</code> |");
  });

  test("details are collapsed and show before → after for changed attributes only", () => {
    const details = comment.slice(comment.indexOf("<details><summary>Attribute changes in <code>changes</code></summary>\n\n"), comment.indexOf("</details>"));
    expect(details).toContain('| <code>input.name</code> | <code>"boston-info"</code> | <code>"boston-info-v2"</code> |');
    expect(details).toContain("| <code>input.api_key</code> | <code>(sensitive)</code> | <code>(sensitive)</code> |");
    expect(details).toContain("| <code>input</code> | <code>(sensitive)</code> | <code>(sensitive)</code> |");
    expect(details).toContain("| <code>triggers_replace&#91;0&#93;</code> (forces replacement) | <code>\"release-1\"</code> | <code>\"release-2\"</code> |");
    expect(details).not.toContain("input.memory"); // unchanged
    expect(details).not.toContain("legacy_alias"); // a deletion has no "after" to show
  });

  test("never prints a sensitive value, marked or leaked by Terraform through an unmarked attribute", () => {
    for (const secret of FIXTURE_SECRETS) expect(comment).not.toContain(secret);
    expect(comment).not.toContain("fixture-client");
    expect(comment).toContain(SENSITIVE);
  });

  test("never echoes the plan JSON", () => {
    expect(comment).not.toContain('"resource_changes"');
    expect(comment).not.toContain('"format_version"');
    expect(comment).not.toContain('"after_unknown"');
    expect(comment.length).toBeLessThan(readFileSync(fixturePath("changes"), "utf8").length);
  });

  test("escapes Markdown and HTML in values", () => {
    const markup = comment.split("\n").find((line) => line.startsWith("| <code>input</code> | <code>\"plain\"</code>"));
    expect(markup).toBe(
      '| <code>input</code> | <code>"plain"</code> | <code>"a &#124; b &#96;c&#96; &#60;script&#62;alert(1)&#60;/script&#62; &#42;bold&#42; &#95;it&#95; @octocat #1 &#36;x&#36; :tada: &#91;link&#93;(https://example.com)&#92;nsecond line"</code> |',
    );
    expect(comment).not.toContain("<script>");
    // Every table row keeps its three columns, so no value split a cell.
    for (const line of comment.split("\n").filter((row) => row.startsWith("| <code>") && row.includes("→") === false && !row.includes("| ⚠️") && !row.includes("No changes"))) {
      expect(line.split(" | ")).toHaveLength(3);
    }
  });

  test("drift has its own section", () => {
    const drifted = renderPlanComment([parsePlan(driftJson(), "example-skill")]);
    const section = drifted.slice(drifted.indexOf("#### Changed outside of Terraform"));
    expect(section).toContain("| <code>aws_lambda_alias.live</code> | changed outside Terraform | <code>input</code>, <code>output</code> |");
    expect(section).toContain("| <code>aws_lambda_permission.alexa</code> | deleted outside Terraform |");
    expect(drifted).toContain("| <code>example-skill</code> | No changes |");
    for (const secret of FIXTURE_SECRETS) expect(drifted).not.toContain(secret);
  });

  test("an errored or incomplete plan says so", () => {
    const failed = renderPlanComment([parsePlan({ ...fixtureJson("unchanged"), errored: true, complete: false }, "s")]);
    expect(failed).toContain("| <code>s</code> | ❌ plan failed |");
    expect(failed).toContain("the plan **failed** part way");
    expect(failed).toContain("the plan is **incomplete**");
  });

  test("stack names are escaped too", () => {
    expect(renderPlanComment([fixturePlan("unchanged", "a|b<i>")])).toContain("<code>a&#124;b&#60;i&#62;</code>");
  });

  test("a notice comment carries the marker and an alert", () => {
    const notice = renderNoticeComment("NOTE", "Terraform plan: skipped", ["one", "two"]);
    expect(notice).toBe(`${MARKER}\n## Terraform plan: skipped\n\n> [!NOTE]\n> one\n> two\n`);
  });
});

describe("the size limit", () => {
  const huge = parsePlan(hugePlanJson(5000), "huge");
  const comment = renderPlanComment([huge, fixturePlan("unchanged")], { fullPlanAt: "the summary of the [workflow run](https://example.com/run)" });

  test("a huge plan stays under GitHub's 65,536 characters", () => {
    expect(comment.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment.length).toBeGreaterThan(COMMENT_BUDGET * 0.9); // and uses the room it has
  });

  test("says visibly, near the top, what it left out and where the full plan is", () => {
    const notice = comment.indexOf("> [!WARNING]\n> **Trimmed:**");
    expect(notice).toBeGreaterThan(0);
    expect(notice).toBeLessThan(comment.indexOf("| Stack |"));
    expect(comment).toMatch(/leaves out the attribute details of 5,000 resources and [\d,]+ rows of the changes tables\. The full plan is in the summary of the \[workflow run\]\(https:\/\/example\.com\/run\)\./);
  });

  test("trims details first, then the table, and keeps the summary, the warnings and every stack's heading", () => {
    expect(comment).not.toContain("<details>");
    expect(comment).toContain("| <code>terraform_data.item&#91;0&#93;</code> |");
    expect(comment).toMatch(/_[\d,]+ more changed resources in <code>huge<\/code> not listed here \(comment size limit\)\._/);
    expect(comment).toContain("| <code>huge</code> | ⚠️ deletes | 0 | 4500 | 500 | 0 | 0 | 0 | 0 | 0 |");
    expect(comment).toContain("### Warnings");
    expect(comment).toContain("- …and 450 more; see the stacks below.");
    expect(comment).toContain("### Stack <code>unchanged</code>");
    expect(comment.trimEnd().endsWith("</sub>")).toBe(true);
  });

  test("a plan that fits is not trimmed and has no notice", () => {
    expect(renderPlanComment(all())).not.toContain("Trimmed");
  });

  test("a smaller limit (the 1 MiB step summary is measured in bytes) keeps more, still within it", () => {
    const long = renderPlanComment([huge], { maxChars: 1_000_000, measure: (text) => Buffer.byteLength(text) });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(1_000_000);
    expect(long).toContain("<details>");
    expect(long.length).toBeGreaterThan(comment.length * 10);
  });

  test("even a limit smaller than the fixed parts is honoured, with a notice, rather than failing", () => {
    const tiny = renderPlanComment(all(), { maxChars: 500 });
    expect(tiny.length).toBeLessThanOrEqual(500);
    expect(tiny.startsWith(MARKER)).toBe(true);
    expect(tiny).toContain("This comment was cut at 500 characters.");
  });
});
