/**
 * Invariant 3 end to end: after a release on the emulators (code deployed,
 * flip, promote, a canary mid-way and finished), synthesize the skill stack
 * again and show that nothing the scripts changed is managed by Terraform,
 * so a plan of that configuration against that state would change nothing
 * the scripts own.
 *
 * The AWS provider cannot be downloaded here, so Terraform's refresh is
 * played by readLambdaView (__tests__/helpers/aws-provider-view.ts, which
 * lists its assumptions and limits), and Terraform's plan by the two rules
 * it applies to a managed attribute, checked on the synthesized JSON:
 * - an attribute the release changed is either in the resource's
 *   `lifecycle.ignore_changes` or computed by the provider (like the
 *   function's `version`; an argument left unset, like `routing_config`, is
 *   still compared, with "none"); a computed one may feed another resource
 *   only through an ignored attribute, and no output;
 * - an attribute whose configured value (references resolved against the
 *   refreshed objects) matched AWS before the release and differs after it
 *   is in `lifecycle.ignore_changes`.
 * Not done: translating the stack into `terraform_data` resources and running
 * a real `terraform plan`. `terraform_data` has one configurable attribute,
 * `input`, and honours ignore_changes only for it as a whole, so each AWS
 * attribute would become a resource of its own whose ignore_changes this
 * test would derive from the same reading of cdk.tf.json as above: the plan
 * would check Terraform's implementation of ignore_changes, not this
 * project's configuration, and add no evidence. What it cannot check either
 * way: the real provider's reading of each attribute (see the view's
 * assumptions) and its schema (a misspelt ignore_changes entry is caught
 * here only when the release changes that attribute).
 */
import { UpdateAliasCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { deepEqual } from "../../lib/plan/diff";
import { ignoreChangesOf, isIgnored } from "../../lib/plan/ignore-changes";
import { flip } from "../../lib/release/commands/flip";
import { promote } from "../../lib/release/commands/promote";
import { publishLatest } from "../../lib/lambda/publish";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { SkillStack } from "../../stacks/skill-stack";
import { COMPUTED_ATTRIBUTES, readLambdaView, type Attributes, type LambdaView } from "../helpers/aws-provider-view";
import { releaseDeps, runRelease, within } from "../helpers/release-run";
import { policyApp, synth } from "../helpers/synth";

type Config = Record<string, any>;

interface Finding {
  address: string;
  attribute: string;
  why: string;
}

/** Terraform's meta-arguments: not attributes of the object. */
const META = new Set(["lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"]);
const UNRESOLVED = Symbol("unresolved");

/** The refreshed object behind each Lambda resource of the synthesized stack, by Terraform address. */
function objectsByAddress(json: Config, view: LambdaView): Map<string, Attributes | undefined> {
  const objects = new Map<string, Attributes | undefined>();
  for (const [name, config] of Object.entries<Config>(json.resource?.aws_lambda_function ?? {})) objects.set(`aws_lambda_function.${name}`, config.function_name === FUNCTION_NAME ? view.function : undefined);
  for (const [name, config] of Object.entries<Config>(json.resource?.aws_lambda_alias ?? {})) objects.set(`aws_lambda_alias.${name}`, view.aliases[config.name]);
  for (const [name, config] of Object.entries<Config>(json.resource?.aws_lambda_permission ?? {})) objects.set(`aws_lambda_permission.${name}`, view.permissions[config.statement_id]);
  return objects;
}

/** A configured value with `${type.name.attribute}` resolved against the refreshed objects; anything else unresolvable. */
function resolve(value: unknown, objects: Map<string, Attributes | undefined>): unknown {
  if (typeof value !== "string" || !value.includes("${")) return value;
  const reference = /^\$\{([A-Za-z0-9_]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value);
  const object = reference?.[1] === undefined ? undefined : objects.get(reference[1]);
  return object === undefined || reference?.[2] === undefined || !(reference[2] in object) ? UNRESOLVED : object[reference[2]];
}

/** Where the configuration reads `${address.attribute}`: resources (with the top-level attribute that reads it) and outputs. */
function readersOf(json: Config, address: string, attribute: string): { reader: string; attribute: string }[] {
  const needle = `\${${address}.${attribute}}`;
  const readers: { reader: string; attribute: string }[] = [];
  for (const [type, byName] of Object.entries<Config>(json.resource ?? {})) {
    for (const [name, config] of Object.entries<Config>(byName)) {
      for (const [key, value] of Object.entries(config)) if (!META.has(key) && JSON.stringify(value).includes(needle)) readers.push({ reader: `${type}.${name}`, attribute: key });
    }
  }
  for (const [name, output] of Object.entries<Config>(json.output ?? {})) if (JSON.stringify(output.value).includes(needle)) readers.push({ reader: `output.${name}`, attribute: "value" });
  return readers;
}

/** Script-owned attributes that a plan of `json` against the `after` objects would change. */
function scriptOwnedOutsideIgnoreChanges(json: Config, before: LambdaView, after: LambdaView): Finding[] {
  const findings: Finding[] = [];
  const rules = ignoreChangesOf(json);
  const [was, now] = [objectsByAddress(json, before), objectsByAddress(json, after)];
  for (const [address, object] of now) {
    const [type, name] = address.split(".") as [string, string];
    const config: Config = json.resource[type][name];
    const rule = rules.get(address);
    const previous = was.get(address);
    if (object === undefined || previous === undefined) {
      findings.push({ address, attribute: "(object)", why: "not found in AWS: the plan would create it" });
      continue;
    }
    for (const attribute of new Set([...Object.keys(previous), ...Object.keys(object)])) {
      if (deepEqual(previous[attribute], object[attribute]) || isIgnored(rule, [attribute])) continue;
      if (!(COMPUTED_ATTRIBUTES[type] ?? []).includes(attribute)) {
        // An argument: configured, or not (then its configured value is "none"), Terraform compares it.
        findings.push({ address, attribute, why: `the release changed it, and it is ${attribute in config ? "configured" : "an argument (unset means none)"} outside ignore_changes` });
        continue;
      }
      for (const reader of readersOf(json, address, attribute)) {
        if (!reader.reader.startsWith("output.") && isIgnored(rules.get(reader.reader), [reader.attribute])) continue;
        findings.push({ address, attribute, why: `the release changed it, and ${reader.reader}.${reader.attribute} reads it` });
      }
    }
    for (const [attribute, value] of Object.entries(config)) {
      if (META.has(attribute) || isIgnored(rule, [attribute])) continue;
      const [wanted, wantedBefore] = [resolve(value, now), resolve(value, was)];
      if (wanted === UNRESOLVED || wantedBefore === UNRESOLVED) continue;
      if (deepEqual(wantedBefore, previous[attribute]) && !deepEqual(wanted, object[attribute])) {
        findings.push({ address, attribute, why: "matched AWS before the release and differs after it, outside ignore_changes" });
      }
    }
  }
  return findings;
}

/** What the release changed, as `address attribute` lines, for the test to show it is not vacuous. */
function changedAttributes(json: Config, before: LambdaView, after: LambdaView): string[] {
  const [was, now] = [objectsByAddress(json, before), objectsByAddress(json, after)];
  const changed: string[] = [];
  for (const [address, object] of now) {
    const previous = was.get(address) ?? {};
    for (const attribute of Object.keys(object ?? {})) if (!deepEqual(previous[attribute], object?.[attribute])) changed.push(`${address} ${attribute}`);
  }
  return changed.sort();
}

const view = (world: ReleaseWorld) => readLambdaView(world.lambda, FUNCTION_NAME, ["blue", "green"]);

async function deployCode(world: ReleaseWorld, text: string): Promise<void> {
  // What deploy:function does to $LATEST (its own tests cover the command).
  await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "lambda_function.py": text }) }));
}

interface Release {
  /** The stack as `cdktf deploy` applied it, before the release. */
  deployed: Config;
  /** The stack synthesized again after the release. */
  json: Config;
  before: LambdaView;
  midCanary: LambdaView;
  after: LambdaView;
}

/**
 * A release as the team runs it: a push deploys code, flip moves the
 * candidate (green), promote moves live (blue) to it, another push, and a
 * canary on blue: part of its traffic on the new version, then all of it.
 * The canary is played with the SDK, as its command would (it is not on this
 * branch): publish, route 10 %, then move the alias and clear the routing.
 */
async function release(world: ReleaseWorld): Promise<Release> {
  const deployed = synth(new SkillStack(policyApp(), "round-trip", { config: world.config })).json;
  const before = await view(world);
  await deployCode(world, "def lambda_handler(event, context):\n    return {'version': '1.0', 'response': {}}\n");
  expect((await runRelease("flip", () => flip({ to: "candidate", yes: true }, releaseDeps(world)))).code).toBe(0);
  expect((await runRelease("promote", () => promote({ yes: true }, releaseDeps(world)))).code).toBe(0);
  await deployCode(world, "def lambda_handler(event, context):\n    return {'version': '1.0', 'response': {'shouldEndSession': True}}\n");
  const canary = await publishLatest(releaseDeps(world), { names: world.names });
  await world.lambda.send(new UpdateAliasCommand({ FunctionName: FUNCTION_NAME, Name: "blue", RoutingConfig: { AdditionalVersionWeights: { [canary.version]: 0.1 } } }));
  const midCanary = await view(world);
  await world.lambda.send(
    new UpdateAliasCommand({ FunctionName: FUNCTION_NAME, Name: "blue", FunctionVersion: canary.version, Description: `canary of version ${canary.version} completed`, RoutingConfig: { AdditionalVersionWeights: {} } }),
  );
  const after = await view(world);
  return { deployed, json: synth(new SkillStack(policyApp(), "round-trip", { config: world.config })).json, before, midCanary, after };
}

describe("Terraform round trip after a release (invariant 3)", () => {
  let run: Release;
  beforeAll(async () => {
    run = await within({ live: "blue" }, release);
  });

  test("the release really changed what the scripts own (the checks below are not vacuous)", () => {
    const blue = "aws_lambda_alias.alias-blue_alias_E671A343";
    const green = "aws_lambda_alias.alias-green_alias_C8002297";
    expect(changedAttributes(run.json, run.before, run.midCanary)).toEqual(expect.arrayContaining([`${blue} routing_config`, `${blue} function_version`, `${green} function_version`]));
    expect(changedAttributes(run.json, run.before, run.after)).toEqual(
      expect.arrayContaining([
        `${blue} function_version`,
        `${blue} description`,
        `${green} function_version`,
        `${green} description`,
        "aws_lambda_function.function source_code_hash",
        "aws_lambda_function.function filename",
        "aws_lambda_function.function version",
        "aws_lambda_function.function last_modified",
      ]),
    );
    expect(run.after.aliases.blue?.routing_config).toEqual([]);
  });

  test.each(["midCanary", "after"] as const)("nothing the release changed is managed by Terraform (%s)", (moment) => {
    expect(scriptOwnedOutsideIgnoreChanges(run.json, run.before, run[moment])).toEqual([]);
  });

  test("synthesizing again after the release gives the configuration it started from", () => {
    expect(run.json.resource).toEqual(run.deployed.resource);
  });

  test("without their ignore_changes entries, each script-owned attribute is named", () => {
    const json = structuredClone(run.json);
    for (const alias of Object.values<Config>(json.resource.aws_lambda_alias)) alias.lifecycle.ignore_changes = ["function_version"];
    json.resource.aws_lambda_function.function.lifecycle.ignore_changes = ["filename"];
    const findings = scriptOwnedOutsideIgnoreChanges(json, run.before, run.midCanary).map((finding) => `${finding.address} ${finding.attribute}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        "aws_lambda_alias.alias-blue_alias_E671A343 description",
        "aws_lambda_alias.alias-blue_alias_E671A343 routing_config",
        "aws_lambda_function.function source_code_hash",
      ]),
    );
    const dropped = structuredClone(run.json);
    delete dropped.resource.aws_lambda_alias["alias-green_alias_C8002297"].lifecycle;
    expect(scriptOwnedOutsideIgnoreChanges(dropped, run.before, run.after)).toEqual(
      expect.arrayContaining([
        { address: "aws_lambda_alias.alias-green_alias_C8002297", attribute: "function_version", why: "the release changed it, and it is configured outside ignore_changes" },
      ]),
    );
  });

  test("a computed attribute the release moves may not feed an output or a managed attribute", () => {
    const json = structuredClone(run.json);
    json.output.live_version = { value: "${aws_lambda_function.function.version}" };
    json.resource.aws_lambda_alias["alias-blue_alias_E671A343"].lifecycle.ignore_changes = ["routing_config", "description"];
    expect(scriptOwnedOutsideIgnoreChanges(json, run.before, run.after)).toEqual(
      expect.arrayContaining([
        { address: "aws_lambda_function.function", attribute: "version", why: "the release changed it, and output.live_version.value reads it" },
        { address: "aws_lambda_function.function", attribute: "version", why: "the release changed it, and aws_lambda_alias.alias-blue_alias_E671A343.function_version reads it" },
      ]),
    );
  });
});
