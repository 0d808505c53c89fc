/**
 * Storing the four values as SecureString parameters: first a plan (names
 * and actions only, never a value), then the writes. An existing parameter
 * is left alone unless --overwrite is given; one that already holds the same
 * value is not written again, so running the command twice changes nothing.
 */
import { PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { awsCall } from "../aws/errors";
import { ConcurrentChange, PipelineError } from "../errors";
import { PARAMETER_ROLES, type CredentialValues, type ParameterNames, type ParameterRole } from "./parameters";
import { IAM_HINT, readStored, type StoredValues } from "./read-parameters";

/** create: absent; overwrite: differs and --overwrite; keep: differs, no --overwrite (left alone); unchanged: same value, SecureString. */
export type StoreAction = "create" | "overwrite" | "keep" | "unchanged";

export interface PlannedParameter {
  role: ParameterRole;
  name: string;
  action: StoreAction;
  /** Why, for a person: "differs", "stored as String", "could not be decrypted to compare". */
  note?: string;
}

export async function planStore(ssm: SSMClient, parameters: ParameterNames, values: CredentialValues, options: { overwrite: boolean }): Promise<PlannedParameter[]> {
  const stored = await readExisting(ssm, parameters);
  return PARAMETER_ROLES.map(({ role }) => {
    const name = parameters.names[role];
    const existing = stored.values[role];
    if (!existing) return { role, name, action: "create" };
    // GetParameters does not say which key encrypts a value: a changed kmsKeyArn alone is not seen here (rotate with --overwrite).
    if (existing.type === "SecureString" && existing.value === values[role]) return { role, name, action: "unchanged" };
    const note =
      existing.type !== "SecureString" ? `stored as ${existing.type}, not SecureString` : stored.decrypted ? "holds another value" : "exists (could not be decrypted to compare)";
    return { role, name, action: options.overwrite ? "overwrite" : "keep", note };
  });
}

/** With decryption where allowed, to recognise values already stored; without it, existence is enough to plan. */
async function readExisting(ssm: SSMClient, parameters: ParameterNames): Promise<{ values: StoredValues; decrypted: boolean }> {
  try {
    return { values: await readStored(ssm, parameters, { decrypt: true }), decrypted: true };
  } catch (error) {
    // Writing needs only kms:Encrypt; an operator without kms:Decrypt can still store.
    if (!(error instanceof PipelineError) || !/Access denied/.test(error.message)) throw error;
    return { values: await readStored(ssm, parameters, { decrypt: false }), decrypted: false };
  }
}

/** Writes the planned parameters in order; a failure says which were written, so the next run (which converges) is understood. */
export async function applyStore(ssm: SSMClient, parameters: ParameterNames, plan: PlannedParameter[], values: CredentialValues, progress: (line: string) => void): Promise<void> {
  const written: string[] = [];
  for (const item of plan) {
    if (item.action !== "create" && item.action !== "overwrite") continue;
    try {
      await awsCall(
        {
          action: "ssm:PutParameter",
          target: `parameter ${item.name}${parameters.kmsKeyArn ? ` (key ${parameters.kmsKeyArn})` : ""}`,
          conflict: `Parameter ${item.name} was created by someone else since it was read; run again (with --overwrite to replace it)`,
          accessHint: IAM_HINT,
        },
        () =>
          ssm.send(
            new PutParameterCommand({
              Name: item.name,
              Value: values[item.role],
              Type: "SecureString",
              ...(parameters.kmsKeyArn ? { KeyId: parameters.kmsKeyArn } : {}),
              // Only a planned overwrite may replace: a parameter created meanwhile is a conflict, not ours to clobber.
              Overwrite: item.action === "overwrite",
              Description: `${PARAMETER_ROLES.find((r) => r.role === item.role)?.variable} for the alexa-skill-pipeline CodeBuild project (npm run setup:credentials)`,
            }),
          ),
      );
    } catch (error) {
      if (error instanceof ConcurrentChange && item.action === "create" && (await holdsOurValue(ssm, parameters, item.role, values))) {
        // The SDK repeated a write whose answer was lost: the parameter "someone else" created is our own.
        written.push(item.name);
        progress(`Created ${item.name}`);
        continue;
      }
      if (error instanceof PipelineError && written.length > 0) {
        const Same = error.constructor as new (message: string) => PipelineError;
        throw new Same(`${error.message} Already written: ${written.join(", ")}; run the command again to finish (existing values are then recognised).`);
      }
      throw error;
    }
    written.push(item.name);
    progress(`${item.action === "create" ? "Created" : "Overwrote"} ${item.name}`);
  }
}

/**
 * Whether the parameter already holds exactly what we meant to write (a
 * SecureString with our value). Unknown (no kms:Decrypt, or the read fails)
 * counts as no: the conflict is reported, never assumed away.
 */
async function holdsOurValue(ssm: SSMClient, parameters: ParameterNames, role: ParameterRole, values: CredentialValues): Promise<boolean> {
  try {
    const stored = (await readStored(ssm, parameters, { decrypt: true }))[role];
    return stored?.type === "SecureString" && stored.value === values[role];
  } catch {
    return false;
  }
}
