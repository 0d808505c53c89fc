/**
 * Resource-policy statements as Lambda writes them for AddPermission, and as
 * GetPolicy returns them: the principal expanded, the qualified resource ARN,
 * and one condition per scoping parameter (the Alexa trigger's skill ID is
 * `lambda:EventSourceToken`).
 */
import { LambdaApiError, invalidParameter } from "./errors";

export interface PermissionInput {
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: "*" | { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export function buildStatement(input: PermissionInput, resourceArn: string): PolicyStatement {
  if (!/^[a-zA-Z0-9-_.]{1,100}$/.test(input.StatementId ?? "")) {
    throw new LambdaApiError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${input.StatementId}' at 'statementId' failed to satisfy constraint: ` +
        "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)",
    );
  }
  if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(input.Action ?? "")) {
    throw invalidParameter(`The action ${input.Action} is not valid.`);
  }
  if (!input.Principal) throw invalidParameter("Principal is required.");

  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: string | undefined): void => {
    if (value === undefined || value === "") return;
    (condition[operator] ??= {})[key] = value;
  };
  add("StringEquals", "AWS:SourceAccount", input.SourceAccount);
  add("StringEquals", "lambda:EventSourceToken", input.EventSourceToken);
  add("StringEquals", "aws:PrincipalOrgID", input.PrincipalOrgID);
  add("StringEquals", "lambda:FunctionUrlAuthType", input.FunctionUrlAuthType);
  add("ArnLike", "AWS:SourceArn", input.SourceArn);

  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: "Allow",
    Principal: principal(input.Principal),
    Action: input.Action,
    Resource: resourceArn,
  };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

function principal(p: string): PolicyStatement["Principal"] {
  if (p === "*") return "*";
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith("arn:")) return { AWS: p };
  return { Service: p };
}

/** The policy document GetPolicy returns, as the JSON string it is on the wire. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements });
}
