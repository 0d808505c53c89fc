/**
 * Reads the four parameters back (GetParameters, with decryption), and
 * registers every value read for redaction before anything can print it.
 */
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { awsCall } from "../aws/errors";
import { rememberSecrets } from "../output";
import { PARAMETER_ROLES, type ParameterNames, type ParameterRole } from "./parameters";

export interface StoredValue {
  name: string;
  type: string;
  version: number;
  /** Undefined when it could not be decrypted. */
  value?: string;
}

export type StoredValues = Partial<Record<ParameterRole, StoredValue>>;

const SECRET_ROLES = new Set<ParameterRole>(["lwaClientSecret", "refreshToken"]);

export const IAM_HINT =
  "The operator needs ssm:GetParameters and ssm:PutParameter on these parameter names, and kms:Encrypt and kms:Decrypt on the key when a customer-managed key is configured (README, \"Secrets\").";

export async function readStored(ssm: SSMClient, parameters: ParameterNames, options: { decrypt: boolean }): Promise<StoredValues> {
  const names = PARAMETER_ROLES.map(({ role }) => parameters.names[role]);
  const answer = await awsCall(
    { action: options.decrypt ? "ssm:GetParameters (with decryption)" : "ssm:GetParameters", target: `the parameters ${names.join(", ")}`, accessHint: IAM_HINT },
    () => ssm.send(new GetParametersCommand({ Names: names, WithDecryption: options.decrypt })),
  );
  const found: StoredValues = {};
  for (const { role } of PARAMETER_ROLES) {
    const parameter = answer.Parameters?.find((p) => p.Name === parameters.names[role]);
    if (!parameter) continue;
    // The client ID and vendor ID are identifiers, printed in the authorize URL and in messages; only secrets are redacted.
    if (options.decrypt && SECRET_ROLES.has(role)) rememberSecrets([parameter.Value]);
    found[role] = {
      name: parameters.names[role],
      type: parameter.Type ?? "String",
      version: parameter.Version ?? 0,
      ...(options.decrypt && parameter.Value !== undefined ? { value: parameter.Value } : {}),
    };
  }
  return found;
}
