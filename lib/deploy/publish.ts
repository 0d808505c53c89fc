/**
 * Publishes `$LATEST` as a version, on the condition that it still holds the
 * package just deployed (`CodeSha256`), so a concurrent deploy can never get
 * our description on its code.
 */
import { paginateListVersionsByFunction, PublishVersionCommand } from "@aws-sdk/client-lambda";
import { ConcurrentChange } from "../errors";
import { awsCall, translateAwsError } from "./aws-errors";
import { lambdaCall, type FunctionRef } from "./function-ref";

export interface PublishRequest {
  codeSha256: string;
  description: string;
  /**
   * Whether Lambda may hand back an existing version: it does when `$LATEST`
   * has not changed since the last publish, which can only be so when this
   * run did not update the code.
   */
  mayExist: boolean;
}

export interface PublishOutcome {
  version: string;
  /** False when Lambda returned a version published earlier. */
  created: boolean;
  /** The version's own description (an existing version keeps its old one). */
  description: string;
}

export async function publishLatest(ref: FunctionRef, request: PublishRequest): Promise<PublishOutcome> {
  const before = request.mayExist ? await highestVersion(ref) : undefined;
  const call = lambdaCall(ref, "PublishVersion", {
    conflict: `$LATEST of ${ref.functionName} changed after this package was deployed (another deploy or an update in progress); nothing was published. Run again.`,
  });
  let published;
  try {
    published = await ref.lambda.send(
      new PublishVersionCommand({ FunctionName: ref.functionName, CodeSha256: request.codeSha256, Description: request.description }),
    );
  } catch (error) {
    // Lambda reports a failed CodeSha256 precondition as a bad parameter, but it is a concurrent change.
    if (error instanceof Error && error.name === "InvalidParameterValueException" && /CodeSHA256/i.test(error.message)) {
      throw new ConcurrentChange(
        `$LATEST of ${ref.functionName} no longer holds this package (SHA-256 ${request.codeSha256}): someone deployed other code meanwhile, ` +
          `so nothing was published. (${error.message})`,
      );
    }
    throw translateAwsError(error, call);
  }
  const version = published.Version ?? "";
  const description = published.Description ?? "";
  const created = description === request.description && (before === undefined || Number(version) > before);
  return { version, created, description };
}

/** The highest published version number, or 0 when there is none. */
async function highestVersion(ref: FunctionRef): Promise<number> {
  return awsCall(lambdaCall(ref, "ListVersionsByFunction"), async () => {
    let highest = 0;
    for await (const page of paginateListVersionsByFunction({ client: ref.lambda }, { FunctionName: ref.functionName })) {
      for (const v of page.Versions ?? []) {
        const n = Number(v.Version);
        if (Number.isInteger(n) && n > highest) highest = n;
      }
    }
    return highest;
  });
}
