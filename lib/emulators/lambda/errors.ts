/**
 * Lambda's REST-JSON errors. The SDK picks the exception class from the
 * `x-amzn-errortype` header and reads `message` or `Message` from the body;
 * real Lambda writes `Message` for some types and `message` for others, so
 * both are sent and either deserializer finds its field.
 */
import type http from "node:http";

export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra body members some exceptions carry (e.g. `Reason` on a throttle). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = errorType;
  }
}

export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "InvalidParameterValueException";
    case 403:
      return "AccessDeniedException";
    case 404:
      return "ResourceNotFoundException";
    case 409:
      return "ResourceConflictException";
    case 412:
      return "PreconditionFailedException";
    case 413:
      return "RequestTooLargeException";
    case 429:
      return "TooManyRequestsException";
    case 502:
      return "ResourceNotReadyException";
    default:
      return "ServiceException";
  }
}

export function sendLambdaError(
  res: http.ServerResponse,
  requestId: string,
  err: Pick<LambdaApiError, "status" | "errorType" | "message" | "headers"> & { extra?: Record<string, unknown> },
): void {
  const body = JSON.stringify({
    Type: err.status >= 500 ? "Service" : "User",
    message: err.message,
    Message: err.message,
    ...(err.extra ?? {}),
  });
  res.writeHead(err.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": requestId,
    "x-amzn-errortype": err.errorType,
    ...err.headers,
  });
  res.end(body);
}

export const notFound = (message: string): LambdaApiError =>
  new LambdaApiError(404, "ResourceNotFoundException", message);

export const functionNotFound = (arn: string): LambdaApiError => notFound(`Function not found: ${arn}`);

export const conflict = (message: string): LambdaApiError =>
  new LambdaApiError(409, "ResourceConflictException", message);

export const updateInProgress = (functionArn: string): LambdaApiError =>
  conflict(
    `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn}`,
  );

export const preconditionFailed = (): LambdaApiError =>
  new LambdaApiError(
    412,
    "PreconditionFailedException",
    "The Revision Id provided does not match the latest Revision Id. " +
      "Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
  );

export const invalidParameter = (message: string): LambdaApiError =>
  new LambdaApiError(400, "InvalidParameterValueException", message);

export const invalidRequestContent = (message: string): LambdaApiError =>
  new LambdaApiError(400, "InvalidRequestContentException", message);

