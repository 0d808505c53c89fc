/**
 * The four values CodeBuild needs, the configuration's Parameter Store name
 * of each (`secrets.*`), and the environment variable CodeBuild gives it to.
 */
import type { EnvironmentConfig } from "../../config";

export type ParameterRole = "lwaClientId" | "lwaClientSecret" | "refreshToken" | "vendorId";

export const PARAMETER_ROLES: ReadonlyArray<{ role: ParameterRole; what: string; variable: string }> = [
  { role: "lwaClientId", what: "the security profile's client ID", variable: "ASK_LWA_CLIENT_ID" },
  { role: "lwaClientSecret", what: "the security profile's client secret", variable: "ASK_LWA_CLIENT_SECRET" },
  { role: "refreshToken", what: "the refresh token", variable: "ASK_REFRESH_TOKEN" },
  { role: "vendorId", what: "the vendor ID", variable: "ASK_VENDOR_ID" },
];

export type CredentialValues = Record<ParameterRole, string>;

export interface ParameterNames {
  names: Record<ParameterRole, string>;
  /** The customer-managed KMS key, if configured (else SSM's aws/ssm key). */
  kmsKeyArn?: string;
}

export function parameterNames(config: EnvironmentConfig): ParameterNames {
  const { lwaClientId, lwaClientSecret, refreshToken, vendorId, kmsKeyArn } = config.secrets;
  return { names: { lwaClientId, lwaClientSecret, refreshToken, vendorId }, ...(kmsKeyArn ? { kmsKeyArn } : {}) };
}
