/**
 * Lambda accepts a function as a name, a partial ARN (`123456789012:function:F`)
 * or a full ARN, each optionally ending in `:qualifier`; a qualifier may also
 * come as the `Qualifier` query parameter, and the two must then agree.
 */
import { LambdaApiError, functionNotFound, invalidParameter } from "./errors";

export interface Place {
  account: string;
  region: string;
}

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

const NAME = "[a-zA-Z0-9-_]+";
const QUALIFIER = "\\$LATEST|[a-zA-Z0-9-_]+";
const PATTERN = new RegExp(
  `^(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\\d):)?` +
    `(?:(?<account>\\d{12}):)?(?:function:)?(?<name>${NAME})(?::(?<qualifier>${QUALIFIER}))?$`,
);

export function functionArn(place: Place, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${place.region}:${place.account}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

export function parseFunctionName(raw: string, place: Place, queryQualifier?: string): FunctionRef {
  const m = PATTERN.exec(raw);
  const g = m?.groups;
  if (!g?.name) {
    throw new LambdaApiError(
      400,
      "ValidationException",
      `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${PATTERN.source}`,
    );
  }
  // A partial ARN must say `function:`; `123456789012:F` is not one.
  if (g.account && !raw.includes(":function:")) throw invalidParameter(`Invalid function name: ${raw}`);
  const derived = g.qualifier;
  if (queryQualifier !== undefined && queryQualifier !== "" && derived !== undefined && derived !== queryQualifier) {
    throw invalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
  }
  const qualifier = queryQualifier || derived;
  // Another account or region holds no function of ours.
  if ((g.account && g.account !== place.account) || (g.region && g.region !== place.region)) {
    throw functionNotFound(
      functionArn({ account: g.account ?? place.account, region: g.region ?? place.region }, g.name, qualifier),
    );
  }
  return qualifier === undefined ? { name: g.name } : { name: g.name, qualifier };
}

export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}
