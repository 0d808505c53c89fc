/**
 * The SMAPI + LWA emulator's HTTP front: one loopback server that validates
 * every SMAPI request against Amazon's spec, authenticates it, applies
 * latency and injected faults, dispatches to the area handlers, checks its own
 * answer against the spec, and logs the call.
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { certificationHandlers, failCertification, passCertification } from "./certification";
import { SmapiFaults } from "./faults";
import {
  type EmulatorContext,
  type Handler,
  type HandlerResult,
  type Consistency,
  type LambdaPermissionCheck,
  type ModelBuildOutcome,
  type RollbackOutcome,
  type Timings,
  type ValidationOutcome,
  notFound,
  standardError,
} from "./http";
import { DEFAULT_ACCOUNT, type LwaCredentials, LwaEmulator, type LwaOptions } from "./lwa";
import { manifestEndpoints, manifestHandlers } from "./manifest";
import { modelHandlers } from "./models";
import { Scheduler } from "./scheduler";
import { DEFAULT_FUNCTION_ARN, fixtureManifest, fixtureModels, newSkillId } from "./seed";
import { type SimulateHandler, simulationHandlers } from "./simulations";
import { getSpecValidator } from "./spec-validator";
import { type CertificationRecord, type JsonObject, SkillState, type Stage } from "./state";
import { testingHandlers } from "./testing";
import { type Account, Accounts, type Vendor, notADeveloper, vendorHandlers } from "./vendors";

export interface SmapiEmulatorOptions {
  /** Default: a fresh `amzn1.ask.skill.<uuid>`. */
  skillId?: string;
  vendorId?: string;
  /** The development manifest envelope (`{ manifest }`); default: the Boston Info fixture pointing at `BostonInfoSkill`. */
  manifest?: object;
  /** Development interaction models by locale; default: the fixture's en-US model. */
  interactionModels?: Record<string, object>;
  /** The live stage at start (version "1"): default a copy of development; `null` for a skill never published. */
  live?: { manifest?: object; interactionModels?: Record<string, object> } | null;
  /** Stages enabled for testing at start (default none). */
  enabledStages?: Stage[];
  lwa?: LwaOptions;
  /** The vendors of the account that owns the seeded refresh token (default: one, the skill's vendor, as administrator). */
  vendors?: Vendor[];
  /**
   * Which Lambda ARNs (exactly as written in the manifest, qualifier included)
   * carry the Alexa Skills Kit permission for this skill: a set, or a
   * callback (e.g. reading the Lambda emulator's policies). Default: all.
   */
  lambdaPermissions?: Iterable<string> | LambdaPermissionCheck;
  /** How a manifest naming an unpermitted Lambda fails: at once (400) or in the status (default). */
  endpointCheck?: "immediate" | "status";
  /** Amazon's eventual consistency: a manifest status that lags behind an update, a manifest read that is briefly stale (default: none). */
  consistency?: Partial<Consistency>;
  /**
   * The form in which a simulation reports the endpoint it invoked, from the
   * manifest's URI (default: as written). Amazon does not document it: an
   * unqualified ARN may come back as `…:$LATEST`, an ARN as a partial one.
   */
  simulationEndpointForm?: (uri: string) => string;
  timings?: Partial<Timings>;
  /** Sends a simulation's request to the skill's endpoint; without it simulations fail. */
  simulate?: SimulateHandler;
  /** Added to every call, LWA included (benchmarks use 100). */
  latencyMs?: number;
  /** The emulator's clock for token expiry and asynchronous work (default `Date.now`). */
  now?: () => number;
}

export interface CallLogEntry {
  /** The spec's operation name, `lwaToken` for LWA, `unknown` for a path outside the spec. */
  operation: string;
  method: string;
  path: string;
  mutating: boolean;
  status: number;
}

/** A request exactly as the client sent it, for tests that look for leaked secrets. */
export interface RawRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface SpecViolation {
  operation: string;
  method: string;
  path: string;
  problems: string[];
}

export interface SmapiEmulator {
  readonly url: string;
  readonly skillId: string;
  readonly vendorId: string;
  /** What a client needs for `withRefreshTokenConfig`. */
  readonly credentials: LwaCredentials;
  readonly lwa: LwaEmulator;
  readonly faults: SmapiFaults;
  readonly calls: CallLogEntry[];
  /** Every request whole (authorize page and LWA included). */
  readonly requests: RawRequest[];
  /** Requests the spec rejects (each also answered 400). */
  readonly specViolations: SpecViolation[];
  /** Answers of the emulator itself that the spec does not allow: emulator bugs. */
  readonly responseViolations: SpecViolation[];
  /** Spec operations that were called but are not emulated (answered 501). */
  readonly unimplemented: CallLogEntry[];
  readonly state: SkillState;
  latencyMs: number;
  /** Throws, listing them, if any request or answer broke the spec. */
  assertNoSpecViolations(): void;
  /** Calls made to one operation. */
  callsTo(operation: string): CallLogEntry[];
  manifest(stage: Stage): JsonObject | undefined;
  manifestETag(stage: Stage): string | undefined;
  interactionModel(stage: Stage, locale: string): JsonObject | undefined;
  /** Every endpoint URI of a stage's manifest (default and regional). */
  endpoints(stage: Stage): string[];
  latestCertification(): CertificationRecord | undefined;
  /**
   * Another LWA account: its vendors and whether it is a developer of the
   * skill. Returns a valid refresh token of it; `lwa.signIn(accountId)` makes
   * the next login that account.
   */
  addAccount(accountId: string, account: Partial<Account>): string;
  /** Changes the seeded account's (or another's) vendors or developer role. */
  setAccount(accountId: string, account: Account): void;
  permitLambda(arn: string): void;
  revokeLambda(arn: string): void;
  passCertification(options?: { publishedCountries?: string[] }): CertificationRecord;
  failCertification(reason?: string): CertificationRecord;
  setModelBuildOutcome(locale: string, outcome: ModelBuildOutcome): void;
  setValidationOutcome(outcome: ValidationOutcome): void;
  setRollbackOutcome(outcome: RollbackOutcome): void;
  setSimulateHandler(handler: SimulateHandler | undefined): void;
  /** Finishes all asynchronous work now (waiting for simulate callbacks first). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TIMINGS: Timings = {
  manifestUpdateMs: 30,
  modelBuildMs: 60,
  validationMs: 30,
  simulationMs: 0,
  publicationMs: 30,
  rollbackMs: 30,
};

const HANDLERS: Record<string, Handler> = {
  ...manifestHandlers,
  ...modelHandlers,
  ...testingHandlers,
  ...simulationHandlers,
  ...certificationHandlers,
  ...vendorHandlers,
};

/** The spec operations this emulator answers; any other spec operation gets 501. */
export const EMULATED_OPERATIONS: readonly string[] = Object.keys(HANDLERS);

const LWA_PATH = /^\/auth\/o2\/token\/?$/i;
/** LWA's authorize page, served by the same emulator (ASK_LWA_AUTHORIZE_HOST points here). */
const AUTHORIZE_PATH = /^\/ap\/oa\/?$/;

export async function startSmapiEmulator(options: SmapiEmulatorOptions = {}): Promise<SmapiEmulator> {
  const now = options.now ?? Date.now;
  const validator = getSpecValidator();
  const devManifest = innerManifest(options.manifest ?? fixtureManifest(DEFAULT_FUNCTION_ARN));
  const devModels = (options.interactionModels ?? fixtureModels()) as Record<string, JsonObject>;
  const live =
    options.live === null
      ? undefined
      : {
          manifest: options.live?.manifest ? innerManifest(options.live.manifest) : devManifest,
          models: (options.live?.interactionModels ?? devModels) as Record<string, JsonObject>,
        };
  const state = new SkillState(
    {
      skillId: options.skillId ?? newSkillId(),
      vendorId: options.vendorId ?? "M1EMULATORVENDOR",
      manifest: devManifest,
      models: devModels,
      live: live ? structuredClone(live) : undefined,
      enabledStages: options.enabledStages ?? [],
    },
    now(),
  );
  const lwa = new LwaEmulator(options.lwa ?? {}, now);
  const accounts = new Accounts();
  accounts.set(DEFAULT_ACCOUNT, {
    vendors: options.vendors ?? [{ id: state.vendorId, name: "Emulator Vendor", roles: ["ROLE_ADMINISTRATOR"] }],
    developer: true,
  });
  const faults = new SmapiFaults(sleep);
  const scheduler = new Scheduler(now);
  const background = new Set<Promise<unknown>>();
  const permissionOverrides = new Map<string, boolean>();
  const basePermission = permissionRule(options.lambdaPermissions);

  const ctx: EmulatorContext = {
    state,
    accounts,
    scheduler,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    now,
    endpointCheck: options.endpointCheck ?? "status",
    consistency: { manifestStatusLagReads: 0, staleManifestReads: 0, ...options.consistency },
    reportedEndpoint: options.simulationEndpointForm ?? ((uri) => uri),
    isLambdaPermitted: async (arn) => permissionOverrides.get(arn) ?? (await basePermission(arn, state.skillId)),
    simulate: options.simulate,
    modelBuildOutcomes: new Map(),
    validationOutcome: { status: "SUCCESSFUL" },
    rollbackOutcome: { status: "SUCCEEDED" },
    background(work) {
      const tracked = work.finally(() => background.delete(tracked));
      background.add(tracked);
    },
  };

  const calls: CallLogEntry[] = [];
  const requests: RawRequest[] = [];
  const specViolations: SpecViolation[] = [];
  const responseViolations: SpecViolation[] = [];
  const unimplemented: CallLogEntry[] = [];
  let latencyMs = options.latencyMs ?? 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const rawBody = await readBody(req);
    requests.push({ method, url: req.url ?? "/", headers: { ...req.headers }, body: rawBody });
    const entry: CallLogEntry = { operation: "unknown", method, path: url.pathname, mutating: !["GET", "HEAD"].includes(method), status: 0 };
    if (AUTHORIZE_PATH.test(url.pathname)) {
      entry.operation = "lwaAuthorize";
      entry.mutating = false;
      const page = lwa.authorize(url.searchParams);
      entry.status = page.status;
      calls.push(entry);
      res.writeHead(page.status, { "x-amzn-RequestId": randomUUID(), ...page.headers });
      res.end(page.body);
      return;
    }
    const result = LWA_PATH.test(url.pathname) ? await answerLwa(entry, rawBody) : await answerSmapi(req, url, rawBody, entry);
    if (latencyMs > 0) await sleep(latencyMs);
    entry.status = result.status;
    calls.push(entry);
    send(res, result, method === "HEAD");
  }

  async function answerLwa(entry: CallLogEntry, rawBody: string): Promise<HandlerResult> {
    entry.operation = "lwaToken";
    entry.mutating = false;
    const fault = await injected(entry);
    if (fault) return fault;
    if (entry.method !== "POST") return { status: 405, body: { error: "invalid_request", error_description: "Use POST" } };
    return lwa.token(rawBody);
  }

  /** Spec check, then authentication, injected faults, and the area's handler, whose answer is checked in turn. */
  async function answerSmapi(req: IncomingMessage, url: URL, rawBody: string, entry: CallLogEntry): Promise<HandlerResult> {
    const { method } = entry;
    const where = url.pathname + url.search;
    const check = validator.validateRequest({ method, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody });
    const op = check.operation;
    entry.operation = op?.name ?? "unknown";
    if (!op || check.violations.length > 0) {
      specViolations.push({ operation: entry.operation, method, path: where, problems: check.violations });
      return {
        status: 400,
        body: { message: `Request does not match the SMAPI spec: ${check.violations.join("; ")}`, violations: check.violations.map((message) => ({ message })) },
      };
    }
    const denied = lwa.authenticate(req.headers.authorization);
    if (denied) {
      return { ...standardError(401, denied), headers: { "WWW-Authenticate": 'Bearer realm="api.amazonalexa.com", error="invalid_token"' } };
    }
    const fault = await injected(entry);
    if (fault) return fault;
    const handler = HANDLERS[op.name];
    if (!handler) {
      unimplemented.push(entry);
      return standardError(501, `${op.name} is in the SMAPI spec but not emulated.`);
    }
    if (check.pathParams.skillId !== undefined && check.pathParams.skillId !== state.skillId) {
      return notFound(`Skill ${check.pathParams.skillId} not found.`);
    }
    const account = lwa.accountOf(req.headers.authorization);
    if (check.pathParams.skillId !== undefined && accounts.get(account)?.developer !== true) return notADeveloper(state.skillId);
    // Due work is applied first, so each answer reflects the emulator clock.
    scheduler.advance();
    const result = await handler(
      { operation: op.name, pathParams: check.pathParams, query: url.searchParams, headers: req.headers, body: check.body, ...(account ? { account } : {}) },
      ctx,
    );
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const problems = validator.validateResponse(op, result.status, headers, method === "HEAD" ? undefined : result.body);
    if (problems.length > 0) responseViolations.push({ operation: op.name, method, path: where, problems });
    return result;
  }

  /** The failure injected for this call (after its delays and hooks), if any. */
  async function injected(entry: CallLogEntry): Promise<HandlerResult | undefined> {
    const failure = await faults.apply({ operation: entry.operation, method: entry.method, path: entry.path });
    return failure ? { status: failure.status, body: failure.body, headers: failure.headers } : undefined;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, standardError(500, `Emulator error: ${message}`), false);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const emulator: SmapiEmulator = {
    url: `http://127.0.0.1:${port}`,
    skillId: state.skillId,
    vendorId: state.vendorId,
    credentials: lwa.credentials,
    lwa,
    faults,
    calls,
    requests,
    specViolations,
    responseViolations,
    unimplemented,
    state,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(ms: number) {
      latencyMs = ms;
    },
    assertNoSpecViolations() {
      const lines = [
        ...specViolations.map((v) => `request ${v.method} ${v.path}: ${v.problems.join("; ")}`),
        ...responseViolations.map((v) => `emulator answer to ${v.method} ${v.path}: ${v.problems.join("; ")}`),
      ];
      if (lines.length > 0) throw new Error(`SMAPI spec violations:\n${lines.join("\n")}`);
    },
    callsTo: (operation) => calls.filter((c) => c.operation === operation),
    manifest(stage) {
      scheduler.advance();
      const content = state.content(stage);
      return content ? structuredClone(content.manifest.value) : undefined;
    },
    manifestETag(stage) {
      scheduler.advance();
      return state.content(stage)?.manifest.eTag;
    },
    interactionModel(stage, locale) {
      scheduler.advance();
      const model = state.content(stage)?.models.get(locale);
      return model ? structuredClone(model.value) : undefined;
    },
    endpoints(stage) {
      scheduler.advance();
      const content = state.content(stage);
      return content ? manifestEndpoints(content.manifest.value).map((e) => e.uri) : [];
    },
    latestCertification: () => state.latestCertification(),
    addAccount(accountId, account) {
      accounts.set(accountId, { vendors: account.vendors ?? [], developer: account.developer ?? false });
      return lwa.issueRefreshToken(accountId);
    },
    setAccount: (accountId, account) => accounts.set(accountId, account),
    permitLambda: (arn) => void permissionOverrides.set(arn, true),
    revokeLambda: (arn) => void permissionOverrides.set(arn, false),
    passCertification: (o) => passCertification(state, now(), o?.publishedCountries),
    failCertification: (reason) => failCertification(state, now(), reason),
    setModelBuildOutcome: (locale, outcome) => void ctx.modelBuildOutcomes.set(locale, outcome),
    setValidationOutcome: (outcome) => void (ctx.validationOutcome = outcome),
    setRollbackOutcome: (outcome) => void (ctx.rollbackOutcome = outcome),
    setSimulateHandler: (handler) => void (ctx.simulate = handler),
    async settle() {
      while (background.size > 0) await Promise.allSettled([...background]);
      scheduler.flush();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return emulator;
}

/** Seeds are manifest envelopes (`{ manifest }`), as SMAPI reads and writes them. */
function innerManifest(envelope: object): JsonObject {
  const manifest = (envelope as { manifest?: unknown }).manifest;
  if (manifest === null || typeof manifest !== "object") throw new Error("a seed manifest must be an envelope: { manifest: {...} }");
  return manifest as JsonObject;
}

function permissionRule(option: SmapiEmulatorOptions["lambdaPermissions"]): LambdaPermissionCheck {
  if (option === undefined) return () => true;
  if (typeof option === "function") return option;
  const permitted = new Set(option);
  return (arn) => permitted.has(arn);
}

function send(res: ServerResponse, result: HandlerResult, head: boolean): void {
  const headers: Record<string, string> = { "x-amzn-RequestId": randomUUID(), ...result.headers };
  const hasBody = result.body !== undefined && !head && result.status !== 204;
  if (hasBody) headers["Content-Type"] = "application/json";
  res.writeHead(result.status, headers);
  res.end(hasBody ? JSON.stringify(result.body) : undefined);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
