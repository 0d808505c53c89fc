import { GetPolicyCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { ALEXA_SKILLS_KIT_PRINCIPAL } from "../../alexa/names";
import { InvariantRefusal } from "../../errors";
import type { ReleaseDeps } from "../deps";

/**
 * Invariant 4: every endpoint a stage may point at carries an Alexa Skills
 * Kit invoke permission scoped to this skill's ID. Terraform owns those
 * permissions, so the scripts only check them, and say how to restore them.
 */


type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function allowsInvoke(statement: Json): boolean {
  return statement.Effect === "Allow" && asList(statement.Action).some((a) => a === "lambda:InvokeFunction" || a === "lambda:*" || a === "*");
}

function isAlexa(statement: Json): boolean {
  const principal = statement.Principal;
  if (principal === ALEXA_SKILLS_KIT_PRINCIPAL) return true;
  return isObject(principal) && asList(principal.Service).includes(ALEXA_SKILLS_KIT_PRINCIPAL);
}

function eventSourceToken(statement: Json): string | undefined {
  const equals = isObject(statement.Condition) ? statement.Condition.StringEquals : undefined;
  const token = isObject(equals) ? equals["lambda:EventSourceToken"] : undefined;
  return typeof token === "string" ? token : undefined;
}

/**
 * The statement of a policy document (GetPolicy's `Policy` string, parsed)
 * that lets Alexa invoke the function for this skill, or why there is none.
 */
export function alexaStatement(policy: unknown, skillId: string): { statementId: string } | { problem: string } {
  const statements = isObject(policy) ? asList(policy.Statement).filter(isObject) : [];
  const alexa = statements.filter((s) => allowsInvoke(s) && isAlexa(s));
  const scoped = alexa.find((s) => eventSourceToken(s) === skillId);
  if (scoped) return { statementId: typeof scoped.Sid === "string" ? scoped.Sid : "" };
  if (alexa.length === 0) return { problem: `no statement lets ${ALEXA_SKILLS_KIT_PRINCIPAL} call lambda:InvokeFunction` };
  const tokens = alexa.map(eventSourceToken);
  if (tokens.some((t) => t === undefined)) return { problem: `the Alexa statement is not scoped to a skill (no lambda:EventSourceToken condition), so any skill could invoke it` };
  return { problem: `the Alexa statements are scoped to other skills (${tokens.join(", ")}), not ${skillId}` };
}

/**
 * Whether Alexa may invoke the function at `qualifier` (an alias, or the
 * unqualified function when omitted) for this skill: the statement that
 * allows it, or why nothing does. Read only; status reports it as it is.
 */
export async function readAlexaPermission(
  deps: Pick<ReleaseDeps, "lambda" | "config">,
  options: { qualifier?: string } = {},
): Promise<{ statementId: string } | { problem: string }> {
  try {
    const response = await deps.lambda.send(
      new GetPolicyCommand({ FunctionName: deps.config.function.name, ...(options.qualifier ? { Qualifier: options.qualifier } : {}) }),
    );
    let policy: unknown;
    try {
      policy = JSON.parse(response.Policy ?? "{}");
    } catch {
      policy = undefined;
    }
    return alexaStatement(policy, deps.config.skill.id);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    return { problem: `it has no resource policy at all, or it does not exist (${error.message})` };
  }
}

/**
 * Reads the resource policy of the function at `qualifier` and refuses
 * (InvariantRefusal, exit 3) unless Alexa may invoke it for this skill.
 * `why` says what the refusal protects, for the command's message.
 */
export async function checkAlexaPermission(
  deps: Pick<ReleaseDeps, "lambda" | "config" | "output">,
  options: { qualifier?: string; why?: string } = {},
): Promise<{ statementId: string }> {
  const functionName = deps.config.function.name;
  const skillId = deps.config.skill.id;
  const target = options.qualifier ? `${functionName}:${options.qualifier}` : `${functionName} (unqualified)`;
  const found = await readAlexaPermission(deps, options);
  if ("problem" in found) {
    throw new InvariantRefusal(
      `Refusing: Alexa may not invoke ${target} for skill ${skillId}: ${found.problem}.${options.why ? ` ${options.why}` : ""} Every endpoint the skill may use needs an Alexa Skills Kit ` +
        "trigger scoped to the skill's ID. Terraform owns these permissions: run npx cdktf deploy to restore them.",
    );
  }
  deps.output.info(`Alexa may invoke ${target} for this skill (statement ${found.statementId}).`);
  return found;
}
