/**
 * Lays a document out within a size limit. Fixed parts are always kept;
 * lists (table rows, detail entries) are filled greedily, in the order of
 * their tier and then of the document, and whatever does not fit is counted
 * and replaced by a short note. The caller's notice names what was left out.
 */

export interface FixedPart {
  fixed: string;
}

export interface ListPart {
  /** Lower tiers are filled first, so the highest tier is trimmed first. */
  tier: number;
  /** Written before and after the kept items, only when at least one is kept. */
  open: string;
  close: string;
  items: readonly string[];
  /** A line in place of `count` items that were left out. */
  omitted(count: number): string;
}

export type Part = FixedPart | ListPart;

export interface FitResult {
  text: string;
  /** Items left out, per tier. */
  omitted: Map<number, number>;
}

/** Room kept for each list's "N more" line and for the notice, so that they always fit. */
const NOTE_ROOM = 200;
const NOTICE_ROOM = 600;

export function fit(
  parts: readonly Part[],
  limit: number,
  notice: (omitted: Map<number, number>) => string,
  measure: (text: string) => number = (text) => text.length,
): FitResult {
  const lists = parts.filter((part): part is ListPart => "items" in part);
  const kept = new Map<ListPart, number>(lists.map((list) => [list, 0]));
  let used = NOTICE_ROOM;
  for (const part of parts) used += "fixed" in part ? measure(part.fixed) : NOTE_ROOM;

  const tiers = [...new Set(lists.map((list) => list.tier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    for (const list of lists.filter((candidate) => candidate.tier === tier)) {
      for (const item of list.items) {
        const cost = measure(item) + (kept.get(list) === 0 ? measure(list.open) + measure(list.close) : 0);
        if (used + cost > limit) break;
        used += cost;
        kept.set(list, (kept.get(list) ?? 0) + 1);
      }
    }
  }

  const omitted = new Map<number, number>();
  const pieces: string[] = [];
  for (const part of parts) {
    if ("fixed" in part) {
      pieces.push(part.fixed);
      continue;
    }
    const count = kept.get(part) ?? 0;
    const left = part.items.length - count;
    if (count > 0) pieces.push(part.open, ...part.items.slice(0, count), part.close);
    if (left > 0) {
      pieces.push(part.omitted(left));
      omitted.set(part.tier, (omitted.get(part.tier) ?? 0) + left);
    }
  }
  const text = pieces.join("").replace(NOTICE_SLOT, () => (omitted.size > 0 ? notice(omitted) : ""));
  if (measure(text) <= limit) return { text, omitted };
  // Only fixed parts are left to blame (thousands of stacks?): cut, and say so, rather than fail.
  const cut = `\n\n> [!WARNING]\n> This comment was cut at ${limit.toLocaleString("en-US")} characters.\n`;
  let head = text.slice(0, Math.max(0, limit - measure(cut)));
  // Each pass drops at least the overflow, since a string measures at least its length.
  while (head.length > 0 && measure(head) + measure(cut) > limit) head = head.slice(0, head.length - (measure(head) + measure(cut) - limit));
  return { text: head + cut, omitted };
}

/** Where the notice goes: put it in a fixed part, once. */
export const NOTICE_SLOT = "\u0000notice\u0000";
