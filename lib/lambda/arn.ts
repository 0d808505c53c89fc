/**
 * What a Lambda endpoint points at, whatever form its ARN takes: SMAPI's
 * simulation reports the endpoint it invoked, and Amazon does not document
 * in which form (an unqualified ARN or one ending in `:$LATEST`, with or
 * without region and account), so endpoints are compared by what they
 * invoke, not as strings.
 */

export interface LambdaTarget {
  region?: string;
  account?: string;
  name: string;
  /** Undefined for `$LATEST`, which is what an unqualified ARN invokes. */
  qualifier?: string;
}

const FUNCTION = /^(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9-_]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$/;

/** A function name, partial ARN or full ARN, each optionally qualified; undefined for anything else. */
export function parseLambdaTarget(uri: string): LambdaTarget | undefined {
  const groups = FUNCTION.exec(uri.trim())?.groups;
  if (!groups?.name) return undefined;
  const qualifier = groups.qualifier === "$LATEST" ? undefined : groups.qualifier;
  return {
    name: groups.name,
    ...(groups.region ? { region: groups.region } : {}),
    ...(groups.account ? { account: groups.account } : {}),
    ...(qualifier ? { qualifier } : {}),
  };
}

/**
 * Whether two endpoints invoke the same function and qualifier. Region and
 * account must agree where both name them; text that is not a Lambda ARN is
 * compared as it is.
 */
export function sameLambdaTarget(a: string, b: string): boolean {
  const [x, y] = [parseLambdaTarget(a), parseLambdaTarget(b)];
  if (!x || !y) return a === b;
  const agree = (p: string | undefined, q: string | undefined) => p === undefined || q === undefined || p === q;
  return x.name === y.name && x.qualifier === y.qualifier && agree(x.region, y.region) && agree(x.account, y.account);
}
