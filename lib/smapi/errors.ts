import { ConcurrentChange, InvariantRefusal, OperationFailed, PipelineError, UsageError } from "../errors";
import { explainRemoteFailure, RemoteFailure } from "../failures/remote";

export interface SmapiErrorContext {
  /** What we were doing, e.g. "reading the development manifest". */
  action: string;
  skillId?: string;
  vendorId?: string;
}

interface SdkServiceError {
  name: string;
  statusCode?: number;
  response?: { message?: string; error?: string; error_description?: string; violations?: Array<{ code?: string; message?: string }> };
  message: string;
}

/**
 * A 403 whose text reads like Amazon's review lock. Only a hint: a 403 is
 * the lock only when SMAPI lists a certification in progress, which
 * `confirmReviewLock` (certification.ts) checks.
 */
export function looksLikeReviewLock(error: unknown): boolean {
  if (!isServiceError(error) || error.statusCode !== 403) return false;
  const body = error.response ?? {};
  const texts = [body.message, ...(body.violations ?? []).flatMap((v) => [v.code, v.message])].filter(Boolean).join(" ");
  return /RESOURCE_LOCKED|in review|under review|certification/i.test(texts);
}

function isServiceError(error: unknown): error is SdkServiceError {
  return error instanceof Error && error.name === "ServiceError" && typeof (error as SdkServiceError).statusCode === "number";
}

/**
 * Turns what ask-smapi-sdk throws into a message a person can act on, with
 * the exit code of the command contract.
 */
export function explainSmapiError(error: unknown, context: SmapiErrorContext): PipelineError {
  if (error instanceof PipelineError) return error;
  const skill = context.skillId ? `skill ${context.skillId}` : "the skill";
  if (error instanceof RemoteFailure) return explainRemoteFailure(error, context.action);
  if (!isServiceError(error)) {
    const message = error instanceof Error ? error.message.replace(/^(Call to service failed: )+/, "") : String(error);
    return new OperationFailed(`SMAPI gave no usable answer while ${context.action}: ${message}`);
  }
  const body = error.response ?? {};
  const detail = [body.message, body.error_description, ...(body.violations ?? []).map((v) => v.message)].filter(Boolean).join("; ");
  const grant = body.error;
  if (grant === "invalid_grant") {
    return new UsageError(
      `Login with Amazon refused the refresh token while ${context.action} (invalid_grant: ${body.error_description ?? "revoked or expired"}). ` +
        "Sign in again and store the new one with `npm run setup:credentials -- --overwrite`; " +
        "`npm run setup:credentials -- --check` says which stored parameter is wrong (README, \"Secrets\").",
    );
  }
  if (grant === "invalid_client") {
    return new UsageError(`Login with Amazon refused the client ID or secret while ${context.action}; check ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_SECRET against the security profile.`);
  }
  if (looksLikeReviewLock(error)) {
    return new InvariantRefusal(
      `SMAPI refused ${context.action} because ${skill} is in certification review and its development stage is locked${detail ? ` (${detail})` : ""}. ` +
        "Wait for the review to finish, or withdraw the submission in the developer console.",
    );
  }
  switch (error.statusCode) {
    case 303:
      return new OperationFailed(`SMAPI is still applying an earlier update while ${context.action} (303); wait for it (npm run status) and run the command again.`);
    case 401:
      return new UsageError(`SMAPI refused the access token while ${context.action} (401${detail ? `: ${detail}` : ""}); the token expired or was revoked. Set fresh LWA credentials.`);
    case 403:
      return new UsageError(
        `SMAPI denied access while ${context.action} (403${detail ? `: ${detail}` : ""}): the LWA account must be a developer with access to ${skill}` +
          `${context.vendorId ? ` in vendor ${context.vendorId}` : ""}. Check ASK_VENDOR_ID and the account's role in the developer console.`,
      );
    case 404:
      return new UsageError(`SMAPI could not find ${skill} while ${context.action} (404${detail ? `: ${detail}` : ""}); check SKILL_ID and the stage.`);
    case 409:
      return new ConcurrentChange(`SMAPI reported a conflict while ${context.action} (409${detail ? `: ${detail}` : ""}).`);
    case 412:
      return new ConcurrentChange(`${context.action}: somebody else changed it since it was read (412 precondition failed). Run the command again to start from the new state.`);
    case 429:
      return new OperationFailed(`SMAPI kept throttling while ${context.action} (429) after every retry; wait a minute and run the command again.`);
    default: {
      const failed = `SMAPI failed while ${context.action} (${error.statusCode}${detail ? `: ${detail}` : ""}).`;
      if ((error.statusCode ?? 0) >= 500) return new OperationFailed(`${failed} Amazon's side failed, after every retry; run the command again later (it continues where it stopped).`);
      return new OperationFailed(failed);
    }
  }
}

/** Runs one SMAPI call, explaining its failure. */
export async function smapiCall<T>(context: SmapiErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainSmapiError(error, context);
  }
}

/** What Amazon said in an error's body (message, description, violations), for quoting it. */
export function amazonsMessage(error: unknown): string {
  if (!isServiceError(error)) return error instanceof Error ? error.message : String(error);
  const body = error.response ?? {};
  return [body.message, body.error_description, ...(body.violations ?? []).map((v) => v.message)].filter(Boolean).join("; ") || error.message;
}

export function statusCodeOf(error: unknown): number | undefined {
  return isServiceError(error) ? error.statusCode : undefined;
}
