/**
 * The Lambda REST-JSON operations: routes (method + path, as the SDK's schemas
 * in @aws-sdk/client-lambda declare them) and what each one does to the state.
 * Every path member is percent-encoded by the SDK; `Qualifier`, `Marker`,
 * `MaxItems` and `FunctionVersion` come as query parameters; Invoke's payload
 * is the raw body with its options in `X-Amz-*` headers.
 */
import type http from "node:http";
import { parseFunctionName } from "./arn";
import { LambdaApiError, invalidParameter, invalidRequestContent } from "./errors";
import { type InvokeHandler, logTail, runHandler } from "./invoke";
import { type PermissionInput, policyDocument } from "./policy";
import { aliasConfiguration, functionConfiguration, paginate, versionListEntry } from "./render";
import { type AliasInput, LATEST, type LambdaState } from "./state";

/** Where UpdateFunctionCode's S3Bucket/S3Key are read from (the S3 emulator implements it). */
export interface S3ObjectSource {
  readObject(
    bucket: string,
    key: string,
    versionId?: string,
  ): { body: Buffer } | { errorCode: string; message: string };
}

export interface OperationContext {
  state: LambdaState;
  baseUrl: string;
  requestId: string;
  invoke: InvokeHandler;
  s3: S3ObjectSource | undefined;
}

export interface ParsedRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  /** A Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  operation: string;
  method: string;
  /** Path segments; `{Name}` captures one (percent-decoded) segment. */
  path: string[];
  mutating: boolean | ((req: ParsedRequest) => boolean);
  handle(req: ParsedRequest, ctx: OperationContext): Reply | Promise<Reply>;
}

const API = "2015-03-31";
const TAGS_API = "2017-03-31";
const fnPath = (...rest: string[]): string[] => [API, "functions", "{FunctionName}", ...rest];

/** A JSON body; the SDK sends `{}` for an operation without members. */
export function jsonBody<T = Record<string, unknown>>(req: ParsedRequest): T {
  if (req.body.length === 0) return {} as T;
  try {
    return JSON.parse(req.body.toString("utf8")) as T;
  } catch (err) {
    throw invalidRequestContent(`Could not parse request body into json: ${(err as Error).message}`);
  }
}

function fnRef(req: ParsedRequest, ctx: OperationContext, withQualifier: boolean) {
  const raw = req.params.FunctionName ?? "";
  const query = withQualifier ? (req.query.get("Qualifier") ?? undefined) : undefined;
  return parseFunctionName(raw, ctx.state.place, query);
}

/** Operations on the function itself, its versions or its aliases take no qualifier. */
function unqualified(req: ParsedRequest, ctx: OperationContext): string {
  const ref = fnRef(req, ctx, false);
  if (ref.qualifier !== undefined) {
    throw invalidParameter(`Unsupported function name with qualifier: ${req.params.FunctionName}`);
  }
  return ref.name;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export const routes: Route[] = [
  {
    operation: "ListFunctions",
    method: "GET",
    path: [API, "functions"],
    mutating: false,
    handle(req, { state }) {
      const all = state.functionNames().map((n) => functionConfiguration(state, n, state.get(n).latest, undefined));
      const { page, nextMarker } = paginate(all, req.query.get("Marker") ?? undefined, req.query.get("MaxItems") ?? undefined);
      return { status: 200, body: { Functions: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
    },
  },
  {
    operation: "GetFunction",
    method: "GET",
    path: fnPath(),
    mutating: false,
    handle(req, ctx) {
      const ref = fnRef(req, ctx, true);
      const { snapshot } = ctx.state.resolve(ref.name, ref.qualifier);
      const location = `${ctx.baseUrl}/__emulator/code/${encodeURIComponent(ref.name)}/${encodeURIComponent(snapshot.version)}`;
      return {
        status: 200,
        body: {
          Configuration: functionConfiguration(ctx.state, ref.name, snapshot, ref.qualifier),
          Code: { RepositoryType: "S3", Location: location },
          ...(ctx.state.get(ref.name).tags.size > 0 && { Tags: ctx.state.tagsOf(ref.name) }),
        },
      };
    },
  },
  {
    operation: "GetFunctionConfiguration",
    method: "GET",
    path: fnPath("configuration"),
    mutating: false,
    handle(req, ctx) {
      const ref = fnRef(req, ctx, true);
      const { snapshot } = ctx.state.resolve(ref.name, ref.qualifier);
      return { status: 200, body: functionConfiguration(ctx.state, ref.name, snapshot, ref.qualifier) };
    },
  },
  {
    operation: "UpdateFunctionCode",
    method: "PUT",
    path: fnPath("code"),
    // A DryRun validates and changes nothing.
    mutating: (req) => {
      try {
        return jsonBody<{ DryRun?: boolean }>(req).DryRun !== true;
      } catch {
        return true;
      }
    },
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const body = jsonBody(req);
      ctx.state.get(name); // a missing function is reported before any S3 error
      const zip = codeFromRequest(body, ctx);
      const revisionId = str(body.RevisionId);
      const snapshot = ctx.state.updateCode(name, zip, {
        ...(revisionId !== undefined ? { revisionId } : {}),
        publish: body.Publish === true,
        dryRun: body.DryRun === true,
      });
      const arnQualifier = snapshot.version === LATEST ? undefined : snapshot.version;
      return { status: 200, body: functionConfiguration(ctx.state, name, snapshot, arnQualifier) };
    },
  },
  {
    operation: "PublishVersion",
    method: "POST",
    path: fnPath("versions"),
    mutating: true,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const body = jsonBody(req);
      const opts: { codeSha256?: string; revisionId?: string; description?: string } = {};
      if (str(body.CodeSha256) !== undefined) opts.codeSha256 = str(body.CodeSha256)!;
      if (str(body.RevisionId) !== undefined) opts.revisionId = str(body.RevisionId)!;
      if (str(body.Description) !== undefined) opts.description = str(body.Description)!;
      const version = ctx.state.publishVersion(name, opts);
      return { status: 201, body: functionConfiguration(ctx.state, name, version, version.version) };
    },
  },
  {
    operation: "ListVersionsByFunction",
    method: "GET",
    path: fnPath("versions"),
    mutating: false,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const all = ctx.state.listVersions(name).map((s) => versionListEntry(ctx.state, name, s));
      const { page, nextMarker } = paginate(all, req.query.get("Marker") ?? undefined, req.query.get("MaxItems") ?? undefined);
      return { status: 200, body: { Versions: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
    },
  },
  {
    operation: "CreateAlias",
    method: "POST",
    path: fnPath("aliases"),
    mutating: true,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const body = jsonBody<AliasInput & { Name?: string }>(req);
      const alias = ctx.state.createAlias(name, body.Name ?? "", body);
      return { status: 201, body: aliasConfiguration(ctx.state, name, alias) };
    },
  },
  {
    operation: "ListAliases",
    method: "GET",
    path: fnPath("aliases"),
    mutating: false,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const all = ctx.state
        .listAliases(name, req.query.get("FunctionVersion") ?? undefined)
        .map((a) => aliasConfiguration(ctx.state, name, a));
      const { page, nextMarker } = paginate(all, req.query.get("Marker") ?? undefined, req.query.get("MaxItems") ?? undefined);
      return { status: 200, body: { Aliases: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
    },
  },
  {
    operation: "GetAlias",
    method: "GET",
    path: fnPath("aliases", "{Name}"),
    mutating: false,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      return { status: 200, body: aliasConfiguration(ctx.state, name, ctx.state.readAlias(name, req.params.Name ?? "")) };
    },
  },
  {
    operation: "UpdateAlias",
    method: "PUT",
    path: fnPath("aliases", "{Name}"),
    mutating: true,
    handle(req, ctx) {
      const name = unqualified(req, ctx);
      const alias = ctx.state.updateAlias(name, req.params.Name ?? "", jsonBody<AliasInput>(req));
      return { status: 200, body: aliasConfiguration(ctx.state, name, alias) };
    },
  },
  {
    operation: "DeleteAlias",
    method: "DELETE",
    path: fnPath("aliases", "{Name}"),
    mutating: true,
    handle(req, ctx) {
      ctx.state.deleteAlias(unqualified(req, ctx), req.params.Name ?? "");
      return { status: 204 };
    },
  },
  {
    operation: "AddPermission",
    method: "POST",
    path: fnPath("policy"),
    mutating: true,
    handle(req, ctx) {
      const ref = fnRef(req, ctx, true);
      const body = jsonBody<PermissionInput & { RevisionId?: string }>(req);
      const statement = ctx.state.addPermission(ref.name, ref.qualifier, body);
      return { status: 201, body: { Statement: JSON.stringify(statement) } };
    },
  },
  {
    operation: "GetPolicy",
    method: "GET",
    path: fnPath("policy"),
    mutating: false,
    handle(req, ctx) {
      const ref = fnRef(req, ctx, true);
      const { statements, revisionId } = ctx.state.getPolicy(ref.name, ref.qualifier);
      return { status: 200, body: { Policy: policyDocument(statements), RevisionId: revisionId } };
    },
  },
  {
    operation: "RemovePermission",
    method: "DELETE",
    path: fnPath("policy", "{StatementId}"),
    mutating: true,
    handle(req, ctx) {
      const ref = fnRef(req, ctx, true);
      const revisionId = req.query.get("RevisionId") ?? undefined;
      ctx.state.removePermission(ref.name, ref.qualifier, req.params.StatementId ?? "", revisionId);
      return { status: 204 };
    },
  },
  {
    operation: "Invoke",
    method: "POST",
    path: fnPath("invocations"),
    mutating: false,
    handle: invoke,
  },
  {
    operation: "TagResource",
    method: "POST",
    path: [TAGS_API, "tags", "{Resource}"],
    mutating: true,
    handle(req, ctx) {
      const name = taggedFunction(req, ctx);
      const body = jsonBody<{ Tags?: Record<string, string> }>(req);
      if (!body.Tags || Object.keys(body.Tags).length === 0) throw invalidParameter("Tags must not be empty.");
      ctx.state.tagFunction(name, body.Tags);
      return { status: 204 };
    },
  },
  {
    operation: "UntagResource",
    method: "DELETE",
    path: [TAGS_API, "tags", "{Resource}"],
    mutating: true,
    handle(req, ctx) {
      const name = taggedFunction(req, ctx);
      ctx.state.untagFunction(name, req.query.getAll("tagKeys"));
      return { status: 204 };
    },
  },
  {
    operation: "ListTags",
    method: "GET",
    path: [TAGS_API, "tags", "{Resource}"],
    mutating: false,
    handle(req, ctx) {
      const name = taggedFunction(req, ctx);
      return { status: 200, body: { Tags: ctx.state.tagsOf(name) } };
    },
  },
  {
    // Not an AWS operation: where GetFunction's Code.Location points.
    operation: "DownloadCode",
    method: "GET",
    path: ["__emulator", "code", "{FunctionName}", "{Version}"],
    mutating: false,
    handle(req, ctx) {
      const { snapshot } = ctx.state.resolve(req.params.FunctionName ?? "", req.params.Version);
      return { status: 200, body: snapshot.code.zip, headers: { "content-type": "application/zip" } };
    },
  },
];

/**
 * The tag operations take the function's ARN, unqualified: Lambda tags
 * functions, not versions or aliases, and rejects a qualified ARN.
 */
function taggedFunction(req: ParsedRequest, ctx: OperationContext): string {
  const raw = req.params.Resource ?? "";
  if (!raw.startsWith("arn:")) throw invalidParameter(`${raw} is not a valid ARN: the tag operations take the function's ARN.`);
  const ref = parseFunctionName(raw, ctx.state.place);
  if (ref.qualifier !== undefined) throw invalidParameter(`Tags are not supported on a qualified ARN: ${raw}`);
  ctx.state.get(ref.name);
  return ref.name;
}

function codeFromRequest(body: Record<string, unknown>, ctx: OperationContext): Buffer {
  const zipFile = str(body.ZipFile);
  const bucket = str(body.S3Bucket);
  const key = str(body.S3Key);
  if (body.ImageUri !== undefined) {
    throw invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
  }
  if (zipFile !== undefined) {
    if (bucket !== undefined || key !== undefined) {
      throw invalidParameter("Please do not provide other FunctionCode parameters when providing a ZipFile.");
    }
    return Buffer.from(zipFile, "base64");
  }
  if (bucket === undefined || key === undefined) {
    throw invalidParameter("Please provide a source for function code: ZipFile, or S3Bucket and S3Key.");
  }
  const version = str(body.S3ObjectVersion);
  const got = ctx.s3
    ? ctx.s3.readObject(bucket, key, version)
    : { errorCode: "NoSuchBucket", message: "The specified bucket does not exist" };
  if ("errorCode" in got) {
    throw invalidParameter(
      `Error occurred while GetObject. S3 Error Code: ${got.errorCode}. S3 Error Message: ${got.message}`,
    );
  }
  return got.body;
}

async function invoke(req: ParsedRequest, ctx: OperationContext): Promise<Reply> {
  const ref = fnRef(req, ctx, true);
  const invocationType = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
  if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
    throw invalidParameter(`Invalid InvocationType: ${invocationType}`);
  }
  const { fn, snapshot, alias } = ctx.state.resolve(ref.name, ref.qualifier);
  const ran = alias ? ctx.state.resolve(ref.name, ctx.state.routeAlias(alias)).snapshot : snapshot;
  let payload: unknown = {};
  if (req.body.length > 0) {
    try {
      payload = JSON.parse(req.body.toString("utf8"));
    } catch (err) {
      throw new LambdaApiError(
        400,
        "InvalidRequestContentException",
        `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
      );
    }
  }
  if (invocationType === "DryRun") return { status: 204 };

  const code = ctx.state.runningCode(fn, ran);
  const run = runHandler(
    ctx.invoke,
    {
      functionName: ref.name,
      qualifier: ref.qualifier,
      resolvedVersion: ran.version,
      codeSha256: code.sha256,
      code: code.zip,
      payload,
      requestId: ctx.requestId,
    },
    ran.settings.runtime,
  );
  const record = (error: boolean) =>
    ctx.state.recordInvocation({ functionName: ref.name, qualifier: ref.qualifier, executedVersion: ran.version, error });
  if (invocationType === "Event") {
    // Asynchronous invocations report nothing to the caller, but count in the metrics.
    run.then((outcome) => record(outcome.functionError !== undefined), () => record(true));
    return { status: 202 };
  }
  const outcome = await run;
  record(outcome.functionError !== undefined);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amz-executed-version": ran.version,
  };
  if (outcome.functionError) headers["x-amz-function-error"] = outcome.functionError;
  if (req.headers["x-amz-log-type"] === "Tail") headers["x-amz-log-result"] = logTail(outcome.log);
  return { status: 200, body: outcome.payload, headers };
}
