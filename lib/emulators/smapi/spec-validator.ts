/**
 * Checks requests (and the emulator's own responses) against Amazon's SMAPI
 * Swagger 2.0 spec shipped in `ask-smapi-model/spec.json`, so the emulator
 * cannot accept what the real service would reject, nor answer in a shape the
 * real service never uses.
 *
 * The spec is read and its schemas compiled once per process (jest runs each
 * test file in its own module registry, so "once" means once per file).
 *
 * Leniencies, each because the spec itself is unusable at that point:
 *  1. `v1.skill.interactionModel.TypeValueObject.synonyms` is not required.
 *     The spec requires it, but Amazon documents synonyms as optional and the
 *     real Boston Info package (accepted by Amazon) has a value without them.
 *  2. The format "Amazon Common Identifier" is accepted as any string: the spec
 *     never says what it looks like. Its other home-made formats are checked:
 *     "languager-region…" as `ll-RR`, "ISO 4217" as three capitals,
 *     "ISO_8601#Durations" as an ISO 8601 duration, "UUID" as a UUID.
 *  3. Responses only: `v2.skill.InvocationRequest.body` and
 *     `InvocationResponse.body` are declared as maps of objects, yet every real
 *     Alexa request/response envelope has `"version": "1.0"`; they are checked
 *     as free-form objects.
 *  4. The `x-…` annotations (`x-isEnum`, `x-isDiscriminator`, …) are metadata
 *     for code generators and are not validated; what they annotate is.
 *
 * Where the spec has Swagger semantics that JSON Schema lacks, they are
 * honoured, not dropped: `discriminator` dispatches to the subtype named by
 * `x-discriminator-value` (an unknown value is an error), and
 * `x-inheritsFrom` adds the parent's properties (StandardizedError gets
 * `code` and `message` from v1.Error).
 *
 * One strictness beyond the letter of Swagger: a query parameter the operation
 * does not declare is a violation (it catches `?resources=` typos).
 */
import { readFileSync } from "node:fs";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { ErrorObject, SchemaValidateFunction, ValidateFunction } from "ajv";

type JsonObject = { [key: string]: unknown };

interface SwaggerParam {
  name: string;
  in: "path" | "query" | "header" | "body" | "formData";
  required?: boolean;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonObject;
  collectionFormat?: "csv" | "ssv" | "tsv" | "pipes" | "multi";
  schema?: JsonObject;
}

interface SwaggerResponse {
  schema?: JsonObject;
  headers?: Record<string, unknown>;
}

interface SwaggerOperation {
  "x-operation-name": string;
  parameters?: SwaggerParam[];
  responses: Record<string, SwaggerResponse>;
}

export interface SpecOperation {
  /** The spec's operation name (`x-operation-name`), e.g. `getSkillManifestV1`. */
  name: string;
  method: string;
  pathTemplate: string;
  params: SwaggerParam[];
  responses: Record<string, SwaggerResponse>;
}

export interface RequestToValidate {
  method: string;
  /** Raw (still percent-encoded) path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface RequestCheck {
  operation?: SpecOperation;
  pathParams: Record<string, string>;
  body?: unknown;
  violations: string[];
}

interface Route {
  template: string;
  regex: RegExp;
  paramNames: string[];
  literalSegments: number;
  operations: Map<string, SpecOperation>;
}

const SPEC_REF = "smapi";

/** The spec's own format names, with what each means where it is knowable. */
const HOMEMADE_FORMATS: Record<string, RegExp | true> = {
  "Amazon Common Identifier": true,
  "languager-region; same as BCP-47 language tag format": /^[a-z]{2,3}-[A-Z]{2}$/,
  "ISO 4217 format": /^[A-Z]{3}$/,
  "ISO_8601#Durations format": /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  UUID: /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
};

const ANNOTATION_KEYWORDS = [
  "x-isEnum",
  "x-isDiscriminator",
  "x-discriminator-value",
  "x-inheritsFrom",
  "x-jsonSchema-additionalProperties",
  "x-baseType",
  "x-concreteType",
  "example",
];

const DISPATCH_KEYWORD = "x-smapi-discriminator";

interface DiscriminatorDispatch {
  property: string;
  base: string;
  subtypes: Record<string, string>;
}

export class SpecValidator {
  readonly operations: SpecOperation[] = [];
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv04;
  private readonly bodyValidators = new Map<string, ValidateFunction>();
  private readonly paramValidators = new Map<string, ValidateFunction>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  constructor(spec: JsonObject) {
    const definitions = preprocessDefinitions(spec.definitions as Record<string, JsonObject>);
    this.ajv = new Ajv04({ allErrors: true, strictTypes: false, strictTuples: false, strictRequired: false });
    addFormats(this.ajv);
    for (const [name, check] of Object.entries(HOMEMADE_FORMATS)) this.ajv.addFormat(name, check);
    this.ajv.addVocabulary(ANNOTATION_KEYWORDS);
    this.addDiscriminatorKeyword();
    this.ajv.addSchema({ definitions }, SPEC_REF);
    this.buildRoutes(spec.paths as Record<string, Record<string, SwaggerOperation>>);
  }

  /** Finds the operation for a method and raw path, or says why there is none. */
  match(method: string, rawPath: string): { operation?: SpecOperation; pathParams: Record<string, string>; violation?: string } {
    const upper = method.toUpperCase();
    const segmentsOk = rawPath.split("/").every((s) => {
      try {
        decodeURIComponent(s);
        return true;
      } catch {
        return false;
      }
    });
    if (!segmentsOk) return { pathParams: {}, violation: `path ${rawPath} is not valid percent-encoding` };
    const pathMatches: Route[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(rawPath);
      if (!m) continue;
      pathMatches.push(route);
      const operation = route.operations.get(upper);
      if (!operation) continue;
      const pathParams: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { operation, pathParams };
    }
    if (pathMatches.length > 0) {
      const allowed = [...new Set(pathMatches.flatMap((r) => [...r.operations.keys()]))].join(", ");
      return {
        pathParams: {},
        violation: `method ${upper} is not defined for ${pathMatches[0]?.template} (the spec allows ${allowed})`,
      };
    }
    return { pathParams: {}, violation: `no path template in the SMAPI spec matches ${upper} ${rawPath}` };
  }

  validateRequest(req: RequestToValidate): RequestCheck {
    const found = this.match(req.method, req.path);
    if (!found.operation) return { pathParams: {}, violations: [found.violation ?? "unknown operation"] };
    const op = found.operation;
    const violations: string[] = [];
    const declaredQuery = new Set<string>();
    let body: unknown;
    for (const param of op.params) {
      switch (param.in) {
        case "path":
          this.checkScalar(op, param, found.pathParams[param.name], violations);
          break;
        case "query": {
          declaredQuery.add(param.name);
          const values = req.query.getAll(param.name);
          if (param.type === "array") this.checkArray(op, param, values, violations);
          else if (values.length > 1) violations.push(`query parameter ${param.name} must not repeat`);
          else this.checkScalar(op, param, values[0], violations);
          break;
        }
        case "header": {
          const raw = req.headers[param.name.toLowerCase()];
          this.checkScalar(op, param, Array.isArray(raw) ? raw.join(", ") : raw, violations);
          break;
        }
        case "body":
          body = this.checkBody(op, param, req.rawBody, violations);
          break;
        case "formData":
          violations.push(`form parameters are not supported by the emulator (${param.name})`);
          break;
      }
    }
    for (const key of new Set(req.query.keys())) {
      if (!declaredQuery.has(key)) violations.push(`query parameter ${key} is not defined for ${op.name}`);
    }
    if (!op.params.some((p) => p.in === "body") && req.rawBody.trim() !== "") {
      violations.push(`${op.name} takes no request body`);
    }
    return { operation: op, pathParams: found.pathParams, body, violations };
  }

  /**
   * Checks the emulator's own answer: the status must be one the spec lists for
   * the operation, declared ETag/Location headers must be present, and a body
   * must match the status's schema.
   */
  validateResponse(op: SpecOperation, status: number, headers: Record<string, string>, body: unknown): string[] {
    const response = op.responses[String(status)] ?? op.responses.default;
    if (!response) return [`${op.name} answered ${status}, which the spec does not list`];
    const problems: string[] = [];
    for (const header of Object.keys(response.headers ?? {})) {
      if (!["etag", "location"].includes(header.toLowerCase())) continue;
      if (headers[header.toLowerCase()] === undefined) problems.push(`${op.name} ${status} lacks the ${header} header`);
    }
    if (response.schema && body !== undefined) {
      const key = `${op.name} ${status}`;
      let validate = this.responseValidators.get(key);
      if (!validate) {
        validate = this.ajv.compile(rewriteRefs(response.schema) as JsonObject);
        this.responseValidators.set(key, validate);
      }
      if (!validate(body)) problems.push(...describe(`${op.name} ${status} body`, validate.errors));
    }
    return problems;
  }

  /** Validates a value against one of the spec's definitions (for tests). */
  validateDefinition(definition: string, value: unknown): string[] {
    const validate = this.ajv.getSchema(`${SPEC_REF}#/definitions/${definition}`);
    if (!validate) throw new Error(`no definition ${definition} in the SMAPI spec`);
    return validate(value) ? [] : describe(definition, validate.errors);
  }

  private checkBody(op: SpecOperation, param: SwaggerParam, rawBody: string, violations: string[]): unknown {
    if (rawBody.trim() === "") {
      if (param.required) violations.push(`${op.name} requires a body (${param.name})`);
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      violations.push(`${op.name} body is not JSON`);
      return undefined;
    }
    let validate = this.bodyValidators.get(op.name);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(param.schema ?? {}) as JsonObject);
      this.bodyValidators.set(op.name, validate);
    }
    if (!validate(body)) violations.push(...describe(`${op.name} body`, validate.errors));
    return body;
  }

  private checkArray(op: SpecOperation, param: SwaggerParam, values: string[], violations: string[]): void {
    if (values.length === 0) {
      if (param.required) violations.push(`${op.name} requires query parameter ${param.name}`);
      return;
    }
    const separators = { csv: ",", ssv: " ", tsv: "\t", pipes: "|" } as const;
    const format = param.collectionFormat ?? "csv";
    if (format !== "multi" && values.length > 1) {
      violations.push(`query parameter ${param.name} must be one ${format} value, not repeated`);
    }
    const items = format === "multi" ? values : (values[0] ?? "").split(separators[format]);
    const itemParam: SwaggerParam = { ...(param.items as Partial<SwaggerParam>), name: `${param.name}[]`, in: "query" };
    for (const item of items) this.checkScalar(op, itemParam, item, violations);
    const limits = param as { maxItems?: number; minItems?: number };
    if (limits.maxItems !== undefined && items.length > limits.maxItems) {
      violations.push(`query parameter ${param.name} has more than ${limits.maxItems} items`);
    }
  }

  private checkScalar(op: SpecOperation, param: SwaggerParam, raw: string | undefined, violations: string[]): void {
    const where = `${param.in} parameter ${param.name}`;
    if (raw === undefined) {
      if (param.required) violations.push(`${op.name} requires ${where}`);
      return;
    }
    let value: unknown = raw;
    if (param.type === "integer" || param.type === "number") {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n) || (param.type === "integer" && !Number.isInteger(n))) {
        violations.push(`${where} must be ${param.type === "integer" ? "an integer" : "a number"}, got ${JSON.stringify(raw)}`);
        return;
      }
      value = n;
    } else if (param.type === "boolean") {
      if (raw !== "true" && raw !== "false") {
        violations.push(`${where} must be true or false, got ${JSON.stringify(raw)}`);
        return;
      }
      value = raw === "true";
    }
    const key = `${op.name} ${param.in} ${param.name}`;
    let validate = this.paramValidators.get(key);
    if (!validate) {
      const schema: JsonObject = {};
      for (const k of ["type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum"] as const) {
        if (param[k] !== undefined) schema[k] = param[k];
      }
      validate = this.ajv.compile(schema);
      this.paramValidators.set(key, validate);
    }
    if (!validate(value)) violations.push(...describe(where, validate.errors));
  }

  private buildRoutes(paths: Record<string, Record<string, SwaggerOperation>>): void {
    for (const [template, item] of Object.entries(paths)) {
      const paramNames: string[] = [];
      let literalSegments = 0;
      const pattern = template
        .split("/")
        .map((segment) => {
          const m = /^\{(.+)\}$/.exec(segment);
          if (m?.[1]) {
            paramNames.push(m[1]);
            return "([^/]+)";
          }
          if (segment !== "") literalSegments += 1;
          return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("/");
      const operations = new Map<string, SpecOperation>();
      for (const [method, raw] of Object.entries(item)) {
        const op: SpecOperation = {
          name: raw["x-operation-name"],
          method: method.toUpperCase(),
          pathTemplate: template,
          params: raw.parameters ?? [],
          responses: raw.responses,
        };
        operations.set(op.method, op);
        this.operations.push(op);
      }
      this.routes.push({ template, regex: new RegExp(`^${pattern}$`), paramNames, literalSegments, operations });
    }
    // A literal segment beats a parameter (`/publications/~latest`).
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  private addDiscriminatorKeyword(): void {
    const ajv = this.ajv;
    const dispatch: SchemaValidateFunction = (schema: DiscriminatorDispatch, data: unknown, _parent, ctx) => {
      const errors: Partial<ErrorObject>[] = [];
      dispatch.errors = errors;
      if (data === null || typeof data !== "object" || Array.isArray(data)) return true;
      const value = (data as JsonObject)[schema.property];
      if (value === undefined) return true;
      const at = ctx?.instancePath ?? "";
      const subtype = typeof value === "string" ? schema.subtypes[value] : undefined;
      if (!subtype) {
        errors.push({
          keyword: "discriminator",
          instancePath: `${at}/${schema.property}`,
          schemaPath: `#/definitions/${schema.base}/discriminator`,
          params: { allowedValues: Object.keys(schema.subtypes) },
          message: `must be one of the ${schema.base} subtypes: ${Object.keys(schema.subtypes).join(", ")}`,
        });
        return false;
      }
      const validate = ajv.getSchema(`${SPEC_REF}#/definitions/${subtype}`);
      if (!validate || validate(data)) return true;
      for (const e of validate.errors ?? []) errors.push({ ...e, instancePath: at + e.instancePath });
      return false;
    };
    ajv.addKeyword({ keyword: DISPATCH_KEYWORD, schemaType: "object", errors: true, validate: dispatch });
  }
}

/** Turns the spec's `#/definitions/X` refs into refs to the registered spec schema. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema === null || typeof schema !== "object") return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${SPEC_REF}${v}` : rewriteRefs(v);
  }
  return out;
}

/**
 * Applies the leniencies and the Swagger semantics listed at the top of this
 * file to a copy of the spec's definitions.
 */
function preprocessDefinitions(original: Record<string, JsonObject>): Record<string, JsonObject> {
  const defs = structuredClone(original);

  const typeValue = defs["v1.skill.interactionModel.TypeValueObject"];
  if (Array.isArray(typeValue?.required)) typeValue.required = typeValue.required.filter((r) => r !== "synonyms");

  for (const name of ["v2.skill.InvocationRequest", "v2.skill.InvocationResponse"]) {
    const props = defs[name]?.properties as Record<string, JsonObject> | undefined;
    if (props?.body) props.body = { type: "object" };
  }

  for (const [name, def] of Object.entries(defs)) {
    const parent = def["x-inheritsFrom"];
    if (typeof parent !== "string" || !defs[parent]) continue;
    const { ["x-inheritsFrom"]: _parentName, description, ...own } = def;
    defs[name] = { description, allOf: [{ $ref: `#/definitions/${parent}` }, own] };
  }

  for (const [base, def] of Object.entries(defs)) {
    const property = def.discriminator;
    if (typeof property !== "string") continue;
    const subtypes: Record<string, string> = {};
    const baseRef = `#/definitions/${base}`;
    const plainRef = `#/definitions/${base}.__base`;
    for (const [sub, subDef] of Object.entries(defs)) {
      const allOf = subDef.allOf as JsonObject[] | undefined;
      if (!allOf?.some((part) => part.$ref === baseRef)) continue;
      const value = subDef["x-discriminator-value"];
      subtypes[typeof value === "string" ? value : sub] = sub;
      // Subtypes extend the plain base, so dispatching cannot recurse.
      subDef.allOf = allOf.map((part) => (part.$ref === baseRef ? { $ref: plainRef } : part));
    }
    const { discriminator: _d, ...plain } = def;
    defs[`${base}.__base`] = plain;
    defs[base] = { ...plain, [DISPATCH_KEYWORD]: { property, base, subtypes } satisfies DiscriminatorDispatch };
  }
  return defs;
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 10).map((e) => {
    const path = e.instancePath === "" ? "" : ` at ${e.instancePath}`;
    const allowed = e.keyword === "enum" ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
    return `${where}${path} ${e.message ?? e.keyword}${allowed}`;
  });
}

let shared: SpecValidator | undefined;

/** The process-wide validator; the spec is parsed and compiled on first use. */
export function getSpecValidator(): SpecValidator {
  if (!shared) {
    const spec = JSON.parse(readFileSync(require.resolve("ask-smapi-model/spec.json"), "utf8")) as JsonObject;
    shared = new SpecValidator(spec);
  }
  return shared;
}
