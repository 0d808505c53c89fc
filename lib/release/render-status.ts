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
  lines.push(`Next: ${report.next}`);
  return lines.join("\n");
}
