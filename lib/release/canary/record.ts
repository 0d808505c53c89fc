import { InvariantRefusal } from "../../errors";
import type { AliasView } from "../model";
import { percentOf } from "../steps/alias";

/**
 * A canary in progress is recorded where promote records the previous
 * version: the live alias's description (256 characters), next to the
 * alias's routing. Nothing else is stored, so a run that crashed at any step
 * finds it again (npm run promote -- --canary resumes watching, --complete
 * finishes it, npm run rollback undoes it), and so does status. It is
 * deliberately not a promotion record (stable-version=, not
 * previous-version=), so nothing mistakes a canary for a finished promote.
 */
export interface CanaryRecord {
  /** The new version, which gets `weight` of the alias's traffic. */
  version: string;
  /** The alias's own version, which keeps the rest, and to which a rollback returns. */
  stableVersion: string;
  /** Fraction of the traffic (0.25 for 25%). */
  weight: number;
  /** When the traffic split began, epoch milliseconds. */
  startedAt: number;
  bakeMs: number;
  minInvocations: number;
  maxErrors: number;
}

const FIELDS = /canary-version=(\d+) stable-version=(\d+) weight=([0-9.]+) started=(\S+) bake=(\d+)s min-invocations=(\d+) max-errors=(\d+)/;

export function canaryRecord(r: CanaryRecord): string {
  return (
    `canary-version=${r.version} stable-version=${r.stableVersion} weight=${r.weight} started=${new Date(r.startedAt).toISOString()} ` +
    `bake=${Math.round(r.bakeMs / 1000)}s min-invocations=${r.minInvocations} max-errors=${r.maxErrors}`
  );
}

/** The canary recorded in an alias's description, if any (a garbled record is treated as none). */
export function parseCanaryRecord(description: string): CanaryRecord | undefined {
  const m = FIELDS.exec(description);
  if (!m) return undefined;
  const startedAt = Date.parse(m[4]!);
  const weight = Number(m[3]);
  if (!Number.isFinite(startedAt) || !(weight > 0 && weight < 1)) return undefined;
  return {
    version: m[1]!,
    stableVersion: m[2]!,
    weight,
    startedAt,
    bakeMs: Number(m[5]) * 1000,
    minInvocations: Number(m[6]),
    maxErrors: Number(m[7]),
  };
}

/** The canary an alias is running: its record, when the record's version has weight on the alias. */
export function canaryOf(alias: AliasView): CanaryRecord | undefined {
  return parseCanaryRecord(alias.description);
}

/**
 * Whether the alias still routes as its canary record says. If not, someone
 * changed it after the canary began (the console, another operator), and a
 * canary command must not act on a guess.
 */
export function routingMatches(alias: AliasView, record: CanaryRecord): boolean {
  const weights = alias.weights ?? {};
  return alias.version === record.stableVersion && Object.keys(weights).length === 1 && weights[record.version] === record.weight;
}

export function describeCanary(alias: AliasView, record: CanaryRecord): string {
  return (
    `a canary is in progress on the live alias ${alias.name}: ${percentOf(record.weight)} of its traffic on version ${record.version}, ` +
    `the rest on version ${record.stableVersion}, since ${new Date(record.startedAt).toISOString()}`
  );
}

/** What a person can do about a canary in progress. */
export function canaryChoices(): string {
  return "npm run promote -- --canary <percent> resumes watching it, npm run promote -- --complete finishes it, npm run rollback undoes it (npm run status shows it).";
}

/**
 * A command that would change live's code, or start a release, refuses while
 * a canary is in progress: its verdict would no longer be about what runs.
 */
export function refuseDuringCanary(alias: AliasView | undefined, command: string): void {
  const record = alias ? canaryOf(alias) : undefined;
  if (!alias || !record) return;
  throw new InvariantRefusal(`Refusing to ${command}: ${describeCanary(alias, record)}. Finish it first: ${canaryChoices()}`);
}
