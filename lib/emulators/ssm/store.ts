/**
 * The Parameter Store the SSM emulator serves: parameters with versions,
 * SecureStrings "encrypted" under a KMS key, and the access rules a test sets
 * (an IAM deny on an action, for every name or one). Plain data plus the rules
 * of PutParameter, GetParameter(s) and DeleteParameter as AWS documents them.
 */
import { createHash } from "node:crypto";

export type ParameterType = "String" | "StringList" | "SecureString";
export const PARAMETER_TYPES: readonly ParameterType[] = ["String", "StringList", "SecureString"];

/** The AWS-managed key SSM uses for a SecureString when no KeyId is given. */
export const DEFAULT_SSM_KEY = "alias/aws/ssm";

export interface StoredParameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  /** SecureString only: the KMS key it is encrypted under. */
  keyId?: string;
  description?: string;
  lastModified: number;
}

/** An error in the JSON 1.1 protocol's terms: the `__type` and the message. */
export class SsmApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** An IAM deny: `action` such as `ssm:PutParameter` or `kms:Decrypt`; `resource` a parameter name or key ID (all when absent). */
export interface AccessRule {
  action: string;
  resource?: string;
}

export interface StoreOptions {
  account: string;
  region: string;
  /** Customer-managed keys that exist (ARNs); the AWS-managed `alias/aws/ssm` always does. */
  kmsKeys: readonly string[];
  now: () => number;
}

// Standard tier: 4 KB per value (AWS documents 4096 characters).
const MAX_VALUE_LENGTH = 4096;
const NAME = /^\/?[A-Za-z0-9_.\-/]{1,2048}$/;

export interface PutInput {
  name: string;
  value: string;
  type?: ParameterType;
  keyId?: string;
  overwrite: boolean;
  description?: string;
  /** Whether the request carried tags (they cannot go with Overwrite). */
  tags?: boolean;
}

export class ParameterStore {
  private readonly parameters = new Map<string, StoredParameter>();
  private denies: AccessRule[] = [];

  constructor(private readonly options: StoreOptions) {}

  /** The caller's identity in AccessDenied messages. */
  get caller(): string {
    return `arn:aws:iam::${this.options.account}:user/operator`;
  }

  arn(name: string): string {
    return `arn:aws:ssm:${this.options.region}:${this.options.account}:parameter${name.startsWith("/") ? name : `/${name}`}`;
  }

  deny(rule: AccessRule): void {
    this.denies.push(rule);
  }

  allowAll(): void {
    this.denies = [];
  }

  /** Throws AccessDeniedException, in AWS's words, when a deny rule matches. */
  authorize(action: string, resource: string, resourceArn: string): void {
    const denied = this.denies.some((rule) => rule.action === action && (rule.resource === undefined || rule.resource === resource));
    if (denied) {
      throw new SsmApiError(
        "AccessDeniedException",
        `User: ${this.caller} is not authorized to perform: ${action} on resource: ${resourceArn} because no identity-based policy allows the ${action} action`,
      );
    }
  }

  get(name: string): StoredParameter | undefined {
    const found = this.parameters.get(name);
    return found ? { ...found } : undefined;
  }

  names(): string[] {
    return [...this.parameters.keys()].sort();
  }

  /** PutParameter as the API does it: the caller's permission first, then the rules. */
  putChecked(input: PutInput): StoredParameter {
    this.authorize("ssm:PutParameter", input.name, this.arn(input.name));
    return this.put(input);
  }

  /** PutParameter's rules (Overwrite, type, key, limits), without the permission check: for seeding. */
  put(input: PutInput): StoredParameter {
    const { name, value } = input;
    if (!NAME.test(name)) throw new SsmApiError("ValidationException", `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) and must match ${NAME}; got ${JSON.stringify(name)}`);
    if (value.length === 0) throw new SsmApiError("ValidationException", "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
    if (value.length > MAX_VALUE_LENGTH) throw new SsmApiError("ValidationException", `Standard tier parameters support a maximum parameter value of ${MAX_VALUE_LENGTH} characters.`);
    // AWS refuses tags on an overwrite outright, even for a parameter that does not exist yet.
    if (input.overwrite && input.tags === true) throw new SsmApiError("ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
    const existing = this.parameters.get(name);
    if (existing && !input.overwrite) throw new SsmApiError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    const type = input.type ?? existing?.type;
    if (!type) throw new SsmApiError("ValidationException", "A parameter type is required when you create a parameter.");
    if (!PARAMETER_TYPES.includes(type)) throw new SsmApiError("ValidationException", `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    if (input.keyId !== undefined && type !== "SecureString") throw new SsmApiError("ValidationException", "KeyId is required for SecureString type parameter only.");
    let keyId: string | undefined;
    if (type === "SecureString") {
      keyId = input.keyId ?? DEFAULT_SSM_KEY;
      if (keyId !== DEFAULT_SSM_KEY && !this.options.kmsKeys.includes(keyId)) throw new SsmApiError("InvalidKeyId", `Invalid KeyId ${keyId}: the key does not exist or is not in region ${this.options.region}.`);
      this.authorize("kms:Encrypt", keyId, keyId);
    }
    const stored: StoredParameter = {
      name,
      type,
      value,
      version: (existing?.version ?? 0) + 1,
      ...(keyId ? { keyId } : {}),
      ...(input.description !== undefined ? { description: input.description } : (existing?.description !== undefined ? { description: existing.description } : {})),
      lastModified: this.options.now(),
    };
    this.parameters.set(name, stored);
    return { ...stored };
  }

  delete(name: string): void {
    if (!this.parameters.delete(name)) throw new SsmApiError("ParameterNotFound", `Parameter ${name} not found.`);
  }

  /** The value as GetParameter(s) returns it: SecureStrings stay ciphertext without decryption. */
  reveal(parameter: StoredParameter, withDecryption: boolean): string {
    if (parameter.type !== "SecureString") return parameter.value;
    if (withDecryption) {
      this.authorize("kms:Decrypt", parameter.keyId ?? DEFAULT_SSM_KEY, parameter.keyId ?? DEFAULT_SSM_KEY);
      return parameter.value;
    }
    // Stands in for the KMS ciphertext blob: deterministic, and says nothing about the value.
    return `AQICAH${createHash("sha256").update(`${parameter.keyId}:${parameter.name}:${parameter.version}:${parameter.value}`).digest("base64")}`;
  }
}
