// The ecosystem view: every project with its PROJECT_LINKs, the docker-compose services with
// their INTEGRATES edges and health, and (on demand, per project) the symbol-level edges that
// cross into other projects. The health fields are optional: a server without them shows
// every service as "unknown".

import { CROSS, gql, type CrossProject, type EcosystemGraph, type Service } from "./api";
import { dl, el } from "./dom";

export const HEALTH_COLOURS: Record<string, string> = {
  up: "#2e7d32",
  degraded: "#b26a00",
  down: "#c62828",
  unknown: "#757575",
};

export function healthOf(s: Service): string {
  const h = (s.healthStatus ?? "").toLowerCase();
  return h in HEALTH_COLOURS ? h : "unknown";
}

export async function crossLinks(projects: string[]): Promise<CrossProject[]> {
  return Promise.all(projects.map(async (p) =>
    (await gql<{ crossProjectDependencies: CrossProject }>(CROSS, { p })).crossProjectDependencies));
}

export interface EcosystemHooks {
  focus: (id: string) => void;
  openProject: (id: string) => void;
  toggleCross: (id: string) => void;
  crossShown: (id: string) => boolean;
}

function link(id: string, text: string, hooks: EcosystemHooks): HTMLElement {
  const b = el("button", { class: "link", type: "button", "data-id": id }, text);
  b.addEventListener("click", () => hooks.focus(id));
  return b;
}

const nameOf = (id: string): string => id.replace(/^proj:/, "");

export async function showProject(panel: HTMLElement, g: EcosystemGraph, id: string, hooks: EcosystemHooks):
  Promise<void> {
  const project = g.projects.find((p) => p.id === id);
  const cross = (await crossLinks([id]))[0];
  const services = g.services.filter((s) => s.project === id);
  const links = el("ul", { "data-list": "links" });
  for (const l of cross.dependsOn) {
    links.append(el("li", {}, "depends on ", link(l.to, nameOf(l.to), hooks), ` (${l.type}, ${l.package})`));
  }
  for (const l of cross.dependents) {
    links.append(el("li", {}, link(l.from, nameOf(l.from), hooks), ` depends on it (${l.type}, ${l.package})`));
  }
  const svcList = el("ul", { "data-list": "services" });
  for (const s of services) svcList.append(el("li", {}, link(s.id, s.name, hooks), ` ${s.type}, ${healthOf(s)}`));
  const count = (p: { items: unknown[]; hasMore: boolean }): string => `${p.items.length}${p.hasMore ? "+" : ""}`;
  const shown = hooks.crossShown(id);
  const toggle = el("button", { type: "button", "data-cross": id, "aria-pressed": String(shown) },
    shown ? "Hide cross-project links" : "Show cross-project links");
  toggle.addEventListener("click", () => hooks.toggleCross(id));
  const open = el("button", { type: "button", "data-open-project": id }, "Open project view");
  open.addEventListener("click", () => hooks.openProject(id));
  panel.replaceChildren(
    el("h2", {}, project?.name ?? nameOf(id)),
    dl([["Entity", "Project"], ["Id", id],
      ["Edges out", `${count(cross.outgoing)} into other projects`],
      ["Edges in", `${count(cross.incoming)} from other projects`]]),
    el("h3", {}, `Project links (${cross.dependsOn.length + cross.dependents.length})`), links,
    el("h3", {}, `Services (${services.length})`), svcList,
    el("div", { class: "actions" }, toggle, open),
  );
  panel.dataset.shown = id;
}

export function showService(panel: HTMLElement, g: EcosystemGraph, s: Service, hooks: EcosystemHooks,
  healthKnown: boolean): void {
  const names = new Map(g.services.map((x) => [x.id, x.name]));
  const uses = el("ul", { "data-list": "integrations" });
  for (const i of g.integrations) {
    if (i.from === s.id) uses.append(el("li", {}, "talks to ", link(i.to, names.get(i.to) ?? i.to, hooks),
      ` (${i.protocol || "?"} via ${i.via})`));
    if (i.to === s.id) uses.append(el("li", {}, link(i.from, names.get(i.from) ?? i.from, hooks),
      ` talks to it (${i.protocol || "?"} via ${i.via})`));
  }
  const health = healthOf(s);
  panel.replaceChildren(
    el("h2", {}, s.name),
    dl([["Entity", "Service"], ["Type", s.type], ["Project", nameOf(s.project)], ["Image", s.image],
      ["Endpoint", s.endpoint], ["Ports", s.ports.join(", ")], ["Declared in", `${s.path} (${s.repo})`],
      ["Health URL", s.healthUrl],
      ["Health", healthKnown ? health : "not reported by this server"],
      ["Latency", s.healthLatencyMs === null || s.healthLatencyMs === undefined ? null : `${s.healthLatencyMs} ms`],
      ["Checked", s.healthCheckedAt ?? null]]),
    el("h3", {}, "Integrations"), uses,
  );
  panel.dataset.shown = s.id;
}
