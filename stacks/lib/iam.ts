/**
 * IAM policy documents as plain data. Policies are rendered with
 * JSON.stringify (tokens inside strings survive), so the policy Aspects can
 * parse and check exactly what will be deployed.
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): string {
  const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  return JSON.stringify(document);
}

/** A trust policy that lets one AWS service assume the role, optionally only on behalf of this account. */
export function serviceTrustPolicy(service: string, sourceAccount?: string): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      // Guards against the confused-deputy problem when the account is known at synth.
      ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    },
  ]);
}

/** Parses a policy rendered by policyDocument (or any IAM JSON); undefined when it is not plain JSON. */
export function parsePolicy(json: unknown): PolicyDocument | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const parsed = JSON.parse(json) as Partial<PolicyDocument>;
    if (!parsed || !Array.isArray(parsed.Statement)) return undefined;
    return parsed as PolicyDocument;
  } catch {
    return undefined;
  }
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
