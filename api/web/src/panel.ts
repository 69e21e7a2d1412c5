// The detail panel: what a node is, where it is (path:line and the source lines), who calls it,
// what it calls, its references, its impact, and the actions the server offers.

import { gql } from "./api";
import { FILE, SPEC_ITEM, SYMBOL } from "./api";
import { dl, el } from "./dom";
import { projectOf } from "./overlay";

const ABOUT = `query About($id: String!, $node: ID!, $p: String!) {
  attachedSpecs(nodeIds: [$node], declaredIn: [$node], limit: 50) { links { type id title ref } hasMore }
  findings(target: $id) { id ruleId severity message status line tool createdAt }
  tasks(project: $p, symbol: $id) { id title status kind origin }
  complianceChecks(project: $p) { id status rule violations { id message } }
}`;

interface AboutAnswer {
  attachedSpecs: { links: { type: string; id: string; title: string; ref: string }[]; hasMore: boolean };
  findings: { id: string; ruleId: string; severity: string; message: string; status: string; line: number; tool: string;
    createdAt: string }[];
  tasks: { id: string; title: string; status: string; kind: string; origin: string }[];
  complianceChecks: { id: string; status: string; rule: string; violations: { id: string; message: string }[] }[];
}

/**
 * The spec items it implements (or, a Markdown file, declares), findings on it (newest first), the
 * checks it violates and its tasks; null when the server has none.
 */
async function aboutSection(id: string, hooks: PanelHooks): Promise<HTMLElement | null> {
  const project = projectOf(id);
  if (!project) return null;
  let a: AboutAnswer;
  try {
    a = await gql<AboutAnswer>(ABOUT, { id, node: id, p: project });
  } catch {
    return null;
  }
  const specs = el("ul", { "data-list": "specs" });
  for (const x of a.attachedSpecs.links) {
    const button = el("button", { class: "link", type: "button", "data-id": x.id }, x.title);
    button.addEventListener("click", () => hooks.focus(x.id));
    specs.append(el("li", { "data-type": x.type }, button, ` ${x.ref}${x.type === "DECLARES" ? " (declared here)" : ""}`));
  }
  const findings = el("ul", { "data-list": "findings" });
  for (const f of [...a.findings].sort((x, y) => y.createdAt.localeCompare(x.createdAt))) {
    findings.append(el("li", { "data-status": f.status },
      `${f.severity} ${f.ruleId} line ${f.line}: ${f.message} (${f.tool}, ${f.status})`));
  }
  const checks = el("ul", { "data-list": "checks" });
  for (const c of a.complianceChecks) {
    for (const v of c.violations) {
      if (v.id === id) checks.append(el("li", { "data-status": c.status }, `${c.status} ${c.rule.replace(/^rule:/, "")}: ${v.message}`));
    }
  }
  const tasks = el("ul", { "data-list": "tasks" });
  for (const t of a.tasks) tasks.append(el("li", {}, `${t.kind} ${t.title} (${t.status}, ${t.origin})`));
  const more = a.attachedSpecs.hasMore ? "+" : "";
  return el("section", { "data-about": "" },
    el("h3", {}, `Spec items (${specs.children.length}${more})`), specs,
    el("h3", {}, `Findings (${findings.children.length})`), findings,
    el("h3", {}, `Failing checks (${checks.children.length})`), checks,
    el("h3", {}, `Tasks (${tasks.children.length})`), tasks);
}

interface Ref {
  from: { id: string; name: string; label: string; path?: string; filePath?: string; line?: number };
  to: { id: string; name: string; label: string };
  line: number | null;
  resolution: string | null;
  candidates: number | null;
  confidence: number | null;
  file: { path: string } | null;
}

interface RefPage {
  items: Ref[];
  hasMore: boolean;
}

interface SymbolAnswer {
  symbol: {
    id: string; name: string; qualifiedName: string; kind: string; signature: string | null; doc: string | null;
    path: string | null; line: number; repo: string | null; exported: boolean | null;
    callers: RefPage; callees: RefPage; references: RefPage;
  };
  impact: {
    truncated: boolean;
    groups: { file: { repo: string; path: string }; entries: { node: { id: string; name: string }; depth: number; resolution: string }[] }[];
  };
  source: { start: number; lines: string[]; truncated: boolean } | null;
}

interface FileAnswer {
  node: { id: string; name: string; repo?: string; path?: string; lang?: string; loc?: number; parseErrors?: number };
  references: RefPage;
  source: { start: number; lines: string[]; truncated: boolean } | null;
}

export interface PanelHooks {
  focus: (id: string) => void;
  actions: string[]; // mutation names the server offers
  act: (mutation: string, target: string, text: string) => Promise<string>;
}

function resolutionText(r: Pick<Ref, "resolution" | "candidates" | "confidence">): string {
  if (r.resolution === "heuristic") {
    const conf = r.confidence === null ? "" : `, confidence ${r.confidence.toFixed(2)}`;
    return ` (heuristic: ${r.candidates ?? "?"} candidates${conf})`;
  }
  return r.resolution && r.resolution !== "exact" ? ` (${r.resolution})` : "";
}

function refList(title: string, page: RefPage, end: "from" | "to", hooks: PanelHooks): HTMLElement {
  const list = el("ul", { "data-list": title.toLowerCase() });
  for (const r of page.items) {
    const other = r[end];
    const where = r.file ? `${r.file.path}:${r.line ?? "?"}` : `line ${r.line ?? "?"}`;
    const button = el("button", { class: "link", type: "button", "data-id": other.id }, other.name);
    button.addEventListener("click", () => hooks.focus(other.id));
    list.append(el("li", { "data-resolution": r.resolution ?? "" }, button, ` ${where}${resolutionText(r)}`));
  }
  const count = `${page.items.length}${page.hasMore ? "+" : ""}`;
  return el("section", {}, el("h3", {}, `${title} (${count})`), list);
}

function sourceBlock(src: { start: number; lines: string[]; truncated: boolean } | null): HTMLElement | null {
  if (!src) return null;
  const width = String(src.start + src.lines.length).length;
  const text = src.lines.map((l, i) => `${String(src.start + i).padStart(width)}  ${l}`).join("\n");
  return el("pre", { "aria-label": "Source" }, el("code", {}, text + (src.truncated ? "\n…" : "")));
}

// The last action's outcome per target: the view (and this panel) redraws when the action's result
// arrives, and the message must survive that.
let outcome: { target: string; text: string; result: string } | null = null;
// A task title being typed survives the same redraws (a live event may redraw the panel mid-word).
let draft: { target: string; text: string } = { target: "", text: "" };

function actionBar(target: string, hooks: PanelHooks): HTMLElement | null {
  const offered: [string, string][] = [
    ["triggerAudit:codeReview", "Code review"],
    ["triggerAudit:security", "Security audit"],
    ["createTask", "Create task"],
    ["ingest", "Re-index"],
    ["runComplianceCheck", "Compliance check"],
  ];
  const available = offered.filter(([m]) => hooks.actions.includes(m.split(":")[0]));
  if (!available.length) return null;
  const status = el("p", { role: "status", "data-action-status": "" });
  if (outcome?.target === target) {
    status.textContent = outcome.text;
    status.dataset.outcome = outcome.result;
  }
  const say = (text: string, result: string): void => {
    outcome = { target, text, result };
    status.textContent = text;
    status.dataset.outcome = result;
    const live = document.querySelector<HTMLElement>("[data-action-status]");
    if (live && live !== status) {
      live.textContent = text;
      live.dataset.outcome = result;
    }
  };
  const bar = el("div", { class: "actions" });
  const title = el("input", { type: "text", id: "task-title", "data-task-title": "", placeholder: "Task title" });
  if (draft.target === target) title.value = draft.text;
  title.addEventListener("input", () => (draft = { target, text: title.value }));
  for (const [m, text] of available) {
    const b = el("button", { type: "button", "data-action": m }, text);
    b.addEventListener("click", () => {
      say(`${text}…`, "running");
      b.disabled = true;
      hooks.act(m, target, title.value.trim()).then((r) => {
        if (m === "createTask") draft = { target: "", text: "" };
        say(r, "ok");
      }, (e: Error) => say(e.message, "error")).finally(() => (b.disabled = false));
    });
    if (m === "createTask") bar.append(el("label", { for: "task-title", class: "sr-only" }, "Task title"), title);
    bar.append(b);
  }
  return el("section", {}, el("h3", {}, "Actions"), bar, status);
}

export async function showSymbol(panel: HTMLElement, id: string, hooks: PanelHooks): Promise<void> {
  const [a, about] = await Promise.all([gql<SymbolAnswer>(SYMBOL, { id }), aboutSection(id, hooks)]);
  const s = a.symbol;
  const impact = el("ul", { "data-list": "impact" });
  for (const g of a.impact.groups) {
    const names = g.entries.map((e) => `${e.node.name}${e.resolution !== "exact" ? ` (${e.resolution})` : ""}`);
    impact.append(el("li", {}, `${g.file.path}: ${names.join(", ")}`));
  }
  const dependents = a.impact.groups.reduce((n, g) => n + g.entries.length, 0);
  fill(panel,
    el("h2", {}, s.name),
    dl([
      ["Entity", "Symbol"], ["Kind", s.kind], ["Qualified name", s.qualifiedName], ["Signature", s.signature],
      ["Location", s.path ? `${s.path}:${s.line}` : null], ["Repo", s.repo],
      ["Exported", s.exported === null ? null : String(s.exported)],
    ]),
    s.doc ? el("p", { class: "doc" }, s.doc) : null,
    sourceBlock(a.source),
    refList("Callers", s.callers, "from", hooks),
    refList("Callees", s.callees, "to", hooks),
    refList("References", s.references, "from", hooks),
    el("section", {}, el("h3", {}, `Impact (${dependents}${a.impact.truncated ? "+" : ""} dependents, `
      + `${a.impact.groups.length} files)`), impact),
    about,
    actionBar(s.id, hooks),
  );
  panel.dataset.shown = s.id;
}

export async function showFile(panel: HTMLElement, id: string, hooks: PanelHooks): Promise<void> {
  const [a, about] = await Promise.all([gql<FileAnswer>(FILE, { id }), aboutSection(id, hooks)]);
  const f = a.node;
  fill(panel,
    el("h2", {}, f.name),
    dl([["Entity", "File"], ["Path", f.path], ["Repo", f.repo], ["Language", f.lang],
      ["Lines", f.loc === undefined ? null : String(f.loc)],
      ["Parse errors", f.parseErrors === undefined ? null : String(f.parseErrors)]]),
    sourceBlock(a.source),
    refList("Imported by", a.references, "from", hooks),
    about,
    actionBar(f.id, hooks),
  );
  panel.dataset.shown = f.id;
}

interface SpecAnswer {
  specItem: {
    id: string; source: string; ref: string; title: string; description: string; priority: string; status: string;
    headingPath: string;
    implementedBy: { id: string; label: string; name: string; line: number | null; resolution: string | null;
      confidence: number | null; candidates: number | null }[];
  };
}

/** A spec item: where it is written (path:line), its status and priority, and what it is linked to. */
export async function showSpecItem(panel: HTMLElement, id: string, hooks: PanelHooks): Promise<void> {
  const [a, about] = await Promise.all([gql<SpecAnswer>(SPEC_ITEM, { id }), aboutSection(id, hooks)]);
  const x = a.specItem;
  const linked = el("ul", { "data-list": "implemented-by" });
  for (const i of x.implementedBy) {
    const button = el("button", { class: "link", type: "button", "data-id": i.id }, i.name);
    button.addEventListener("click", () => hooks.focus(i.id));
    linked.append(el("li", { "data-resolution": i.resolution ?? "" }, button, ` ${i.label}${resolutionText(i)}`));
  }
  fill(panel,
    el("h2", {}, x.title),
    dl([["Entity", "Spec item"], ["Source", x.source], ["Ref", x.ref], ["Status", x.status], ["Priority", x.priority],
      ["Section", x.headingPath]]),
    x.description ? el("p", { class: "doc" }, x.description) : null,
    el("section", {}, el("h3", {}, `Linked symbols and files (${x.implementedBy.length})`), linked),
    about,
  );
  panel.dataset.shown = x.id;
}

function fill(panel: HTMLElement, ...children: (Node | null)[]): void {
  panel.replaceChildren(...children.filter((c): c is Node => c !== null));
}

export function showGroup(panel: HTMLElement, rows: [string, string | null][], title: string, id: string): void {
  panel.replaceChildren(el("h2", {}, title), dl(rows));
  panel.dataset.shown = id;
}
