import { AnnotationMetadataEntryType, App, Testing, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";

export interface SynthesizedStack {
  /** cdk.tf.json of the stack, parsed. */
  json: Record<string, any>;
  /** The raw JSON text, for matchers and secret scans. */
  text: string;
}

/** Synthesizes one stack the way `cdktf synth` does (aspects included) and parses it. */
export function synth(stack: TerraformStack): SynthesizedStack {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

/** Resources of one type in a synthesized stack, by their logical name. */
export function resources(synthesized: SynthesizedStack, type: string): Record<string, any> {
  return synthesized.json.resource?.[type] ?? {};
}

export function onlyResource(synthesized: SynthesizedStack, type: string): any {
  const all = Object.values(resources(synthesized, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** A test app; the project's stacks add the policy aspect themselves. */
export function policyApp(): App {
  return Testing.app();
}

/** The policy errors that the aspects attached anywhere under a construct, after a synth. */
export function policyErrors(scope: Construct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `${c.node.path}: ${String(m.data)}`));
}

export { App };
