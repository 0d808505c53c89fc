/**
 * The name of the Errors alarm on one alias, as the skill stack creates it
 * and as npm run promote -- --canary looks it up (DescribeAlarms): one
 * definition, so the two cannot drift.
 */
export function aliasErrorsAlarmName(functionName: string, alias: string): string {
  return `${functionName}-${alias}-errors`;
}
