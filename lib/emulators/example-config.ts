import { loadEnvironments, type EnvironmentConfig, type EnvironmentInput } from "../../config";
import { environments } from "../../config/environments";

/** The embedded example environment's input, deep-copied so a test can change it. */
export function exampleInput(): EnvironmentInput {
  return structuredClone(environments[0] as EnvironmentInput);
}

/** A validated environment built from the example with the given changes, and no process overrides. */
export function testEnvironment(change: (input: EnvironmentInput) => void = () => {}): EnvironmentConfig {
  const input = exampleInput();
  change(input);
  const [config] = loadEnvironments({ env: {}, environments: [input] });
  return config as EnvironmentConfig;
}
