import type { StatusReport } from "./commands/status";

/** Left-aligned columns, widths from the content: readable in any terminal, and in CodeBuild logs. */
export function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}

const short = (sha: string) => (sha.length > 12 ? `${sha.slice(0, 12)}…` : sha);

export function renderStatus(report: StatusReport): string {
  const lines: string[] = [];
  lines.push(`Skill ${report.skillId}, function ${report.functionName}`);
  lines.push(`$LATEST: code ${short(report.latest.codeSha256)}, update ${report.latest.lastUpdateStatus}, modified ${report.latest.lastModified}`);
  lines.push("");
  lines.push(
    table([
      ["ALIAS", "ROLE", "VERSION", "DATE", "COMMIT", "CODE SHA-256", "DESCRIPTION"],
      ...report.aliases.map((a) => [
        a.alias,
        a.legacy ? "legacy" : a.colour === report.liveColour ? "live" : a.colour === report.candidateColour ? "candidate" : "-",
        a.version,
        a.lastModified.slice(0, 10),
        a.commit?.slice(0, 7) ?? "-",
        short(a.codeSha256),
        a.publishedOutsideRelease ? `${a.description ? `"${a.description}", ` : ""}not published by a release (date and commit unknown)` : a.description || "-",
      ]),
    ]),
  );
  lines.push("");
  lines.push(
    table([
      ["STAGE", "ENDPOINT", "POINTS AT"],
      // Each endpoint shows its own target, so a stage whose regions disagree is plain to see.
      ...report.stages.flatMap((s) =>
        s.endpoints.length === 0 ? [[s.stage, "-", s.target]] : s.endpoints.map((e, i) => [i === 0 ? s.stage : "", e.path.replace("apis.custom.", ""), e.target]),
      ),
    ]),
  );
  lines.push("");
  const cert = report.certification;
  lines.push(`Certification: ${cert ? `${cert.id} ${cert.status}${cert.submittedAt ? `, submitted ${cert.submittedAt}` : ""}` : "none"}`);
  lines.push(`Live colour: ${report.liveColour ?? "none"}; candidate: ${report.candidateColour ?? "none (the live stage is not on one colour)"}`);
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);
  const canary = report.canary;
  if (canary) {
    const percent = `${Math.round(canary.weight * 10_000) / 100}%`;
    lines.push(
      `Canary: alias ${canary.alias} sends ${percent} of its traffic to version ${canary.version}, the rest to version ${canary.stableVersion}; ` +
        `started ${canary.startedAt}, bake ${canary.bakeMinutes} min, verdict from ${canary.verdictAt} (needs ${canary.minInvocations} invocations, rolls back at ${canary.maxErrors} errors).`,
    );
    const c = canary.counts;
    lines.push(
      c
        ? `  so far: version ${canary.version} ${c.canary.invocations} invocations, ${c.canary.errors} errors; version ${canary.stableVersion} ${c.stable.invocations} invocations, ${c.stable.errors} errors (CloudWatch, a minute or more behind)`
        : "  so far: unknown (CloudWatch could not be read)",
    );
    if (!canary.routingMatches) lines.push("  warning: the alias's routing no longer matches its canary record: somebody changed it.");
  }
  lines.push(`Next: ${report.next}`);
  return lines.join("\n");
}
