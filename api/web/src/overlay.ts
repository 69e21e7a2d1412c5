// The compliance and security overlay: every drawn node takes the colour of the worst open
// finding or failing compliance check on it or inside it (a file holds its symbols' findings, a
// directory its files', a project its repos'); the legend names the levels; the security panel
// lists open findings by project and severity, newest first, and the checks that do not pass.

import type { Check, Finding } from "./api";
import { el } from "./dom";

/** Levels, worst first: open findings by severity, interleaved with check outcomes. */
export const LEVELS: [string, string, string][] = [
  ["critical", "#4a148c", "critical finding"],
  ["high", "#c62828", "high finding"],
  ["fail", "#ad1457", "failing check"],
  ["medium", "#e65100", "medium finding"],
  ["warn", "#8d6e00", "check with warnings"],
  ["low", "#0277bd", "low finding"],
];
export const CLEAN_COLOUR = "#cfd8dc";
const RANK = new Map(LEVELS.map(([level], i) => [level, LEVELS.length - i]));
const SEVERITIES = ["critical", "high", "medium", "low"];

export function levelColour(level: string): string {
  return LEVELS.find(([l]) => l === level)?.[1] ?? CLEAN_COLOUR;
}

/** A finding's level: its severity; an unknown severity (note, info) counts as low. */
function findingLevel(severity: string): string {
  const s = severity.toLowerCase();
  return SEVERITIES.includes(s) ? s : s === "error" ? "high" : s === "warning" ? "medium" : "low";
}

/**
 * The ids that hold an entity, itself first: for `sym:<repo>:<path>#A.b` the symbol, `…#A`,
 * its file, its directories (innermost first), its repo and its project. Ids follow the graph's
 * scheme (`repo:<project>/<name>`), the overview's directories are `dir:<repo>:<path>`.
 */
export function containers(id: string): string[] {
  const out = [id];
  let repo = "";
  let dirs: string[] = [];
  const sym = /^sym:(repo:[^:]+):([^#]*)#(.*)$/.exec(id);
  const file = /^file:(repo:[^:]+):(.*)$/.exec(id);
  const dir = /^dir:(repo:[^:]+):(.*)$/.exec(id);
  const spec = /^spec:(repo:[^:]+):([^#]*)#/.exec(id); // held by the Markdown file that declares it
  if (sym) {
    repo = sym[1];
    const names = sym[3].split(".");
    for (let i = names.length - 1; i > 0; i -= 1) out.push(`sym:${repo}:${sym[2]}#${names.slice(0, i).join(".")}`);
    out.push(`file:${repo}:${sym[2]}`);
    dirs = sym[2].split("/").slice(0, -1);
  } else if (file) {
    repo = file[1];
    dirs = file[2].split("/").slice(0, -1);
  } else if (spec) {
    repo = spec[1];
    out.push(`file:${repo}:${spec[2]}`);
    dirs = spec[2].split("/").slice(0, -1);
  } else if (dir) {
    repo = dir[1];
    dirs = dir[2].split("/").slice(0, -1);
  } else if (/^repo:[^:]+$/.test(id)) {
    repo = id;
  }
  for (let i = dirs.length; i > 0; i -= 1) out.push(`dir:${repo}:${dirs.slice(0, i).join("/")}`);
  if (repo) out.push(repo, `proj:${repo.slice(5).split("/")[0]}`);
  return out;
}

export function projectOf(id: string): string {
  const chain = containers(id);
  const last = chain[chain.length - 1];
  return last.startsWith("proj:") ? last : "";
}

export interface Marks {
  level: Map<string, string>; // node id -> worst level on or inside it
  reasons: Map<string, string[]>; // entity id -> what is wrong with it
}

/** The worst level on or inside each id that `drawn` accepts. */
export function mark(findings: Finding[], checks: Check[], drawn: (id: string) => boolean): Marks {
  const level = new Map<string, string>();
  const reasons = new Map<string, string[]>();
  const put = (id: string, l: string, why: string): void => {
    reasons.set(id, [...(reasons.get(id) ?? []), why]);
    for (const c of containers(id)) {
      if (!drawn(c)) continue;
      const old = level.get(c);
      if (!old || (RANK.get(l) ?? 0) > (RANK.get(old) ?? 0)) level.set(c, l);
    }
  };
  for (const f of findings) {
    if (f.status === "open") put(f.target, findingLevel(f.severity), `${f.severity} ${f.ruleId}: ${f.message}`);
  }
  for (const c of checks) {
    if (c.status !== "fail" && c.status !== "warn") continue;
    for (const v of c.violations) put(v.id, c.status, `${c.status} ${c.rule.replace(/^rule:/, "")}: ${v.message}`);
  }
  return { level, reasons };
}

export function overlayLegend(): HTMLElement {
  const list = el("ul", { class: "levels", "aria-label": "Overlay colours" });
  for (const [level, colour, text] of [...LEVELS, ["clean", CLEAN_COLOUR, "nothing open"] as [string, string, string]]) {
    list.append(el("li", { "data-level": level }, el("span", { class: "sw", style: `background:${colour}` }), text));
  }
  return el("section", { "data-legend": "overlay" },
    el("h3", {}, "Security overlay"),
    el("p", {}, "A node takes the colour of the worst open finding or failing check on it or inside it."),
    list);
}

const newestFirst = (a: Finding, b: Finding): number => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);

/** Findings by project and severity (newest first), then the checks that do not pass. */
export function securityPanel(box: HTMLElement, findings: Finding[], checks: Check[], focus: (id: string) => void):
  void {
  const projects = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.status !== "open") continue;
    const p = projectOf(f.target) || "(unknown project)";
    projects.set(p, [...(projects.get(p) ?? []), f]);
  }
  const link = (id: string, text: string): HTMLElement => {
    const b = el("button", { class: "link", type: "button", "data-id": id }, text);
    b.addEventListener("click", () => focus(id));
    return b;
  };
  const out: HTMLElement[] = [el("h2", {}, "Security and compliance")];
  if (!projects.size) out.push(el("p", { "data-empty": "findings" }, "No open findings."));
  for (const [project, list] of [...projects].sort(([a], [b]) => a.localeCompare(b))) {
    const section = el("section", { "data-project": project }, el("h3", {}, project.replace(/^proj:/, "")));
    const bySeverity = new Map<string, Finding[]>();
    for (const f of list) {
      const s = findingLevel(f.severity);
      bySeverity.set(s, [...(bySeverity.get(s) ?? []), f]);
    }
    for (const s of SEVERITIES) {
      const items = (bySeverity.get(s) ?? []).sort(newestFirst);
      if (!items.length) continue;
      const ul = el("ul", { "data-severity": s });
      for (const f of items) {
        ul.append(el("li", { "data-finding": f.id },
          el("span", { class: "sw", style: `background:${levelColour(s)}` }),
          link(f.target, `${f.ruleId}`), ` ${f.path}:${f.line} — ${f.message} `,
          el("small", {}, `${f.tool}, ${f.createdAt.slice(0, 16).replace("T", " ")}`)));
      }
      section.append(el("h4", {}, `${s[0].toUpperCase()}${s.slice(1)} (${items.length})`), ul);
    }
    out.push(section);
  }
  const failing = checks.filter((c) => c.status === "fail" || c.status === "warn")
    .sort((a, b) => (RANK.get(b.status) ?? 0) - (RANK.get(a.status) ?? 0) || a.id.localeCompare(b.id));
  const checksList = el("ul", { "data-list": "checks" });
  for (const c of failing) {
    const li = el("li", { "data-check": c.id, "data-status": c.status },
      el("span", { class: "sw", style: `background:${levelColour(c.status)}` }),
      `${c.status}: ${c.rule.replace(/^rule:/, "")} (${c.project.replace(/^proj:/, "")})`);
    const violations = el("ul");
    for (const v of c.violations) violations.append(el("li", {}, link(v.id, v.id.split(/[#:]/).pop() || v.id), ` ${v.message}`));
    li.append(violations);
    checksList.append(li);
  }
  out.push(el("h3", {}, `Checks that do not pass (${failing.length} of ${checks.length})`), checksList);
  box.replaceChildren(...out);
}
