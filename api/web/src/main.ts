// The graphsvc client: a project drawn at a readable level of detail (the server aggregates),
// expanded on click, searched from the keyboard, explained in the detail panel, kept in the URL.

import { NodeBorderProgram } from "@sigma/node-border";
import { NodeSquareProgram } from "@sigma/node-square";
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram } from "sigma/rendering";

import {
  gql, MUTATIONS, NEIGHBOURHOOD, OVERVIEW, PROJECTS, SEARCH,
  type Neighbourhood, type Overview,
} from "./api";
import { byId, el } from "./dom";
import { circle, force, layered, radial, stopForce } from "./layouts";
import { LiveClient } from "./live";
import { showFile, showGroup, showSymbol, type PanelHooks } from "./panel";
import { readState, writeState, type ViewState } from "./state";
import { EDGE_COLOURS, edgeLook, NODE_COLOURS, nodeColour, nodeKey, nodeType, resolutionOf } from "./style";

interface NodeAttrs {
  label: string;
  x: number;
  y: number;
  size: number;
  color: string;
  type: string;
  entity: string; // Repo, Directory, File, Symbol, External
  kind: string | null;
  key: string; // colour key: entity or symbol kind
  path: string;
  lang: string | null;
  line: number | null;
  group: string;
  expandable: boolean;
  expanded: boolean;
  truncated: boolean;
  fresh: boolean;
}

interface EdgeAttrs {
  type: string;
  color: string;
  size: number;
  relation: string;
  resolution: string;
  count: number;
  heuristic: number;
  candidates: number | null;
  weight: number;
}

const LARGE_VIEW = 4000;
const graph = new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: "directed" });
let state: ViewState = readState(window.location.search);
let truncated = false;
let pathNodes = new Set<string>();
let pathEdges = new Set<string>();
let hoodPages = 1;
let hoodHasMore = false;
let hoodLimit = 300;
let actions: string[] = [];
let ready = false;
const container = byId<HTMLDivElement>("graph");
const panel = byId<HTMLElement>("panel");

// Ask before building the WebGL renderer (slow to start in a software GL): the answers arrive meanwhile.
const booting = Promise.all([
  gql<{ projects: { items: { id: string; name: string }[] } }>(PROJECTS),
  gql<{ __schema: { mutationType: { fields: { name: string }[] } | null;
    subscriptionType: { fields: { name: string }[] } | null } }>(MUTATIONS),
]);
let prefetched: Promise<{ overview: Overview }> | null = state.project && state.view === "overview"
  ? gql<{ overview: Overview }>(OVERVIEW, overviewVariables()) : null;

const renderer = new Sigma(graph, container, {
  nodeProgramClasses: { square: NodeSquareProgram, border: NodeBorderProgram },
  edgeProgramClasses: { arrow: EdgeArrowProgram, line: EdgeLineProgram },
  renderEdgeLabels: false,
  labelRenderedSizeThreshold: 5,
  defaultEdgeType: "arrow",
  nodeReducer: (id, a) => reduceNode(id, a as NodeAttrs),
  edgeReducer: (id, a) => reduceEdge(id, a as EdgeAttrs),
});

// ---------------------------------------------------------------------------
// Filters and highlighting

function nodeHidden(a: NodeAttrs): boolean {
  const f = state.filters;
  if (f.kinds.includes(a.key)) return true;
  if (f.lang && a.lang && a.lang !== f.lang) return true;
  if (f.path && a.entity !== "Repo" && a.entity !== "External" && !a.path.startsWith(f.path)
    && !f.path.startsWith(`${a.path}/`)) return true;
  return false;
}

function edgeHidden(id: string, a: EdgeAttrs): boolean {
  const f = state.filters;
  if (f.types.includes(a.relation) || f.res.includes(a.resolution)) return true;
  const [s, t] = graph.extremities(id);
  return nodeHidden(graph.getNodeAttributes(s)) || nodeHidden(graph.getNodeAttributes(t));
}

function reduceNode(id: string, a: NodeAttrs): Partial<NodeAttrs> & { hidden?: boolean; highlighted?: boolean; zIndex?: number } {
  const out: Partial<NodeAttrs> & { hidden?: boolean; highlighted?: boolean; zIndex?: number } = { ...a };
  if (nodeHidden(a)) out.hidden = true;
  if (id === state.selected || pathNodes.has(id)) {
    out.highlighted = true;
    out.zIndex = 2;
  }
  if (a.fresh) out.color = "#ffb300";
  if (pathNodes.size && !pathNodes.has(id)) out.color = "#d8d8d8";
  return out;
}

function reduceEdge(id: string, a: EdgeAttrs): Partial<EdgeAttrs> & { hidden?: boolean; zIndex?: number } {
  const out: Partial<EdgeAttrs> & { hidden?: boolean; zIndex?: number } = { ...a };
  if (edgeHidden(id, a)) out.hidden = true;
  if (pathEdges.has(id)) {
    out.color = "#d50000";
    out.size = 3;
    out.zIndex = 2;
  } else if (pathNodes.size) {
    out.color = "#eeeeee";
  }
  return out;
}

// ---------------------------------------------------------------------------
// Building the graph from the server's answers

function baseNode(id: string, entity: string, name: string, kind: string | null, size: number): NodeAttrs {
  const old = graph.hasNode(id) ? graph.getNodeAttributes(id) : null;
  return {
    label: name, x: old?.x ?? Math.random() * 100, y: old?.y ?? Math.random() * 100, size,
    color: nodeColour(entity, kind), type: nodeType(entity), entity, kind, key: nodeKey(entity, kind),
    path: "", lang: null, line: null, group: "", expandable: false, expanded: false, truncated: false, fresh: false,
  };
}

function replaceGraph(nodes: [string, NodeAttrs][], edges: [string, string, string, EdgeAttrs][], markNew: boolean): void {
  const before = new Set(graph.nodes());
  graph.clear();
  for (const [id, a] of nodes) graph.addNode(id, { ...a, fresh: markNew && before.size > 0 && !before.has(id) });
  for (const [key, s, t, a] of edges) {
    if (graph.hasNode(s) && graph.hasNode(t) && !graph.hasEdge(key)) graph.addEdgeWithKey(key, s, t, a);
  }
  if (markNew) window.setTimeout(() => {
    graph.forEachNode((n) => graph.setNodeAttribute(n, "fresh", false));
  }, 1500);
}

function fromOverview(o: Overview, markNew: boolean): void {
  const nodes: [string, NodeAttrs][] = o.nodes.map((n) => {
    const size = n.label === "Symbol" ? 5 : Math.min(20, 6 + Math.sqrt(n.symbols) / 2);
    const a = baseNode(n.id, n.label, n.expanded || n.label === "Symbol" ? n.name : `${n.name}${n.expandable ? " +" : ""}`,
      n.kind, size);
    return [n.id, { ...a, path: n.path, lang: n.lang, line: n.line, group: n.parent ?? "", expandable: n.expandable,
      expanded: n.expanded, truncated: n.truncated }];
  });
  const edges: [string, string, string, EdgeAttrs][] = o.edges.map((e) => {
    const resolution = e.type === "CONTAINS" || e.type === "DEFINES" ? "structural"
      : resolutionOf(e.heuristic, e.unresolved);
    const look = edgeLook(e.type, resolution);
    return [`${e.type}|${e.from}|${e.to}`, e.from, e.to, {
      type: look.type, color: look.color, size: Math.min(6, 0.5 + Math.log2(1 + e.count)), relation: e.type,
      resolution, count: e.count, heuristic: e.heuristic, candidates: null, weight: e.count,
    }];
  });
  replaceGraph(nodes, edges, markNew);
  truncated = o.truncated;
}

function fromNeighbourhood(pages: Neighbourhood[], markNew: boolean): void {
  const nodes: [string, NodeAttrs][] = [];
  const edges: [string, string, string, EdgeAttrs][] = [];
  for (const p of pages) {
    for (const n of p.nodes) {
      const a = baseNode(n.id, n.label, n.name, n.kind, n.id === p.root ? 10 : 5);
      nodes.push([n.id, { ...a, path: n.path ?? "", lang: n.lang, line: n.line, group: String(n.depth ?? 0) }]);
    }
    for (const e of p.edges) {
      const look = edgeLook(e.type, e.resolution);
      edges.push([`${e.type}|${e.from}|${e.to}|${e.line ?? ""}`, e.from, e.to, {
        type: look.type, color: look.color, size: 1, relation: e.type, resolution: e.resolution ?? "exact", count: 1,
        heuristic: e.resolution === "heuristic" ? 1 : 0, candidates: e.candidates, weight: 1,
      }]);
    }
  }
  replaceGraph(nodes, edges, markNew);
  hoodHasMore = pages.length > 0 && pages[pages.length - 1].hasMore;
  truncated = hoodHasMore;
}

// ---------------------------------------------------------------------------
// Loading

function setStatus(s: string): void {
  container.dataset.state = s;
}

function overviewVariables(): Record<string, unknown> {
  return {
    p: state.project, expand: state.expand, collapse: state.collapse,
    max: state.max || null, maxSym: state.max >= 5000 ? 2000 : 500,
  };
}

async function loadOverview(markNew: boolean): Promise<void> {
  const early = prefetched;
  prefetched = null;
  const answer = await (early ?? gql<{ overview: Overview }>(OVERVIEW, overviewVariables()));
  fromOverview(answer.overview, markNew);
}

async function loadNeighbourhood(markNew: boolean): Promise<void> {
  const pages: Neighbourhood[] = [];
  const limit = hoodLimit;
  for (let i = 0; i < hoodPages; i += 1) {
    const a = await gql<{ neighbourhood: Neighbourhood }>(NEIGHBOURHOOD, {
      id: state.focus, depth: state.depth, limit, offset: i * limit,
    });
    pages.push(a.neighbourhood);
    if (!a.neighbourhood.hasMore) break;
  }
  fromNeighbourhood(pages, markNew);
}

async function load(markNew = false): Promise<void> {
  if (!state.project) return;
  setStatus("loading");
  ready = false;
  try {
    if (state.view === "neighbourhood" && state.focus) await loadNeighbourhood(markNew);
    else await loadOverview(markNew);
  } catch (e) {
    banner((e as Error).message, null);
    setStatus("error");
    return;
  }
  pathNodes = new Set();
  pathEdges = new Set();
  // Past a few thousand elements, redrawing every edge and label on each frame of a pan or zoom
  // is what makes it stutter; they come back when the camera stops.
  const large = graph.order + graph.size > LARGE_VIEW;
  renderer.setSetting("hideEdgesOnMove", large);
  renderer.setSetting("hideLabelsOnMove", large);
  renderer.refresh();
  performance.mark("graphsvc:view-drawn", { detail: { nodes: graph.order, edges: graph.size } });
  byId<HTMLButtonElement>("back-overview").hidden = state.view !== "neighbourhood";
  renderTruncation();
  refreshFilterChoices();
  refreshNodeList();
  applyLayout(() => {
    ready = true;
    setStatus("ready");
  });
  if (state.selected) void showDetails(state.selected);
}

function banner(text: string, action: [string, () => void] | null): void {
  const b = byId<HTMLDivElement>("banner");
  b.replaceChildren(text);
  if (action) {
    const button = el("button", { type: "button", "data-banner-action": "" }, action[0]);
    button.addEventListener("click", action[1]);
    b.append(" ", button);
  }
  b.hidden = !text;
}

function renderTruncation(): void {
  if (state.view === "neighbourhood" && hoodHasMore) {
    banner(`Showing the first ${graph.order} nodes of the neighbourhood.`, ["Load more", () => {
      hoodPages += 1;
      void load();
    }]);
  } else if (truncated && state.max < 5000) {
    banner("Some groups hold more than is shown.", ["Show anyway", () => navigate({ max: 5000 }, true)]);
  } else {
    banner("", null);
  }
}

function applyLayout(done: () => void): void {
  stopForce();
  container.dataset.layout = state.layout;
  const finish = (): void => {
    renderer.refresh();
    done();
  };
  if (state.layout === "circular") circle(graph);
  else if (state.layout === "radial" && radial(graph, state.selected || firstNode())) { /* placed */ }
  else if (state.layout === "layered" && layered(graph)) { /* placed */ }
  else {
    if (state.layout !== "force") banner(`The ${state.layout} layout needs ${state.layout === "radial"
      ? "a selected node" : "a smaller graph"}; drawn force-directed instead.`, null);
    force(graph, finish);
    renderer.refresh();
    return;
  }
  finish();
}

function firstNode(): string {
  return graph.order ? graph.nodes()[0] : "";
}

// ---------------------------------------------------------------------------
// Navigation and URL

function navigate(change: Partial<ViewState>, reload: boolean): void {
  state = { ...state, ...change };
  const url = writeState(state);
  if (url !== window.location.search) window.history.pushState(null, "", url);
  if (reload) void load();
  else renderer.refresh();
}

window.addEventListener("popstate", () => {
  const next = readState(window.location.search);
  const reload = next.project !== state.project || next.view !== state.view || next.focus !== state.focus
    || next.expand.join() !== state.expand.join() || next.collapse.join() !== state.collapse.join()
    || next.depth !== state.depth || next.max !== state.max;
  const relayout = next.layout !== state.layout;
  state = next;
  syncControls();
  if (reload) void load();
  else if (relayout) applyLayout(() => setStatus("ready"));
  else renderer.refresh();
  if (state.selected) void showDetails(state.selected);
});

function fileOf(symbolId: string): string {
  return `file:${symbolId.slice(4).split("#")[0]}`;
}

async function focusNode(id: string): Promise<void> {
  if (!graph.hasNode(id) && state.view === "overview") {
    const group = id.startsWith("sym:") ? fileOf(id) : id;
    if (!state.expand.includes(group)) {
      state = { ...state, expand: [...state.expand, group] };
      await load();
    }
  }
  if (!graph.hasNode(id) && id.startsWith("sym:")) {
    state = { ...state, view: "neighbourhood", focus: id };
    hoodPages = 1;
    await load();
  }
  select(id);
  const pos = graph.hasNode(id) ? renderer.getNodeDisplayData(id) : undefined;
  if (pos) void renderer.getCamera().animate({ x: pos.x, y: pos.y, ratio: 0.4 }, { duration: 300 });
}

function select(id: string): void {
  navigate({ selected: id }, false);
  void showDetails(id);
}

function toggle(id: string): void {
  const a = graph.getNodeAttributes(id);
  if (!a.expandable) return;
  if (a.expanded) {
    navigate({ expand: state.expand.filter((x) => x !== id),
      collapse: a.entity === "File" ? state.collapse : [...new Set([...state.collapse, id])] }, true);
  } else {
    navigate({ expand: [...new Set([...state.expand, id])], collapse: state.collapse.filter((x) => x !== id) }, true);
  }
}

function openNeighbourhood(id: string): void {
  hoodPages = 1;
  hoodLimit = 300;
  navigate({ view: "neighbourhood", focus: id, selected: id }, true);
}

// ---------------------------------------------------------------------------
// Detail panel

const hooks: PanelHooks = {
  focus: (id) => void focusNode(id),
  get actions() {
    return actions;
  },
  act: runAction,
};

async function showDetails(id: string): Promise<void> {
  const a = graph.hasNode(id) ? graph.getNodeAttributes(id) : null;
  try {
    if (id.startsWith("sym:")) await showSymbol(panel, id, hooks);
    else if (id.startsWith("file:")) await showFile(panel, id, hooks);
    else if (a) {
      showGroup(panel, [["Entity", a.entity], ["Path", a.path || null], ["Id", id]], a.label, id);
    }
  } catch (e) {
    panel.replaceChildren(el("p", { role: "alert" }, (e as Error).message));
    return;
  }
  if (a && (a.expandable || id.startsWith("sym:"))) panel.append(groupButtons(id, a));
}

function groupButtons(id: string, a: NodeAttrs): HTMLElement {
  const bar = el("div", { class: "actions" });
  if (a.expandable) {
    const b = el("button", { type: "button", "data-toggle": id }, a.expanded ? "Collapse" : "Expand");
    b.addEventListener("click", () => toggle(id));
    bar.append(b);
  }
  if (id.startsWith("sym:")) {
    const b = el("button", { type: "button", "data-neighbourhood": id }, "Show neighbourhood");
    b.addEventListener("click", () => openNeighbourhood(id));
    bar.append(b);
  }
  return bar;
}

async function runAction(mutation: string, target: string): Promise<string> {
  const [name, kind] = mutation.split(":");
  const queries: Record<string, [string, Record<string, unknown>]> = {
    triggerAudit: ["mutation($t: ID!, $k: String!) { triggerAudit(targetId: $t, kind: $k) { id status } }",
      { t: target, k: kind }],
    createTask: ["mutation($t: ID!, $title: String!) { createTask(title: $title, targetId: $t) { id status } }",
      { t: target, title: `Look at ${graph.hasNode(target) ? graph.getNodeAttribute(target, "label") : target}` }],
    ingest: ["mutation($t: ID!) { ingest(targetId: $t) { id } }", { t: target }],
    runComplianceCheck: ["mutation($p: ID!) { runComplianceCheck(projectId: $p) { id status } }", { p: state.project }],
  };
  const [query, variables] = queries[name];
  const answer = await gql<Record<string, { id: string; status?: string }>>(query, variables);
  const result = answer[name];
  void load(true);
  return `${name}: ${result.id}${result.status ? ` (${result.status})` : ""}`;
}

// ---------------------------------------------------------------------------
// Path highlighting: the shortest dependency path, following edges forwards, else either way.

function shortestPath(from: string, to: string, directed: boolean): string[] | null {
  if (!graph.hasNode(from) || !graph.hasNode(to)) return null;
  const prev = new Map<string, string>([[from, ""]]);
  let frontier = [from];
  while (frontier.length && !prev.has(to)) {
    const next: string[] = [];
    for (const n of frontier) {
      const visit = (e: string, _a: EdgeAttrs, s: string, t: string): void => {
        const m = s === n ? t : s;
        if (!prev.has(m) && !edgeHidden(e, graph.getEdgeAttributes(e))) {
          prev.set(m, e);
          next.push(m);
        }
      };
      if (directed) graph.forEachOutEdge(n, visit);
      else graph.forEachEdge(n, visit);
    }
    frontier = next;
  }
  if (!prev.has(to)) return null;
  const edges: string[] = [];
  for (let n = to; n !== from;) {
    const e = prev.get(n) ?? "";
    edges.push(e);
    const [s, t] = graph.extremities(e);
    n = s === n ? t : s;
  }
  return edges;
}

function highlightPath(from: string, to: string): void {
  const edges = shortestPath(from, to, true) ?? shortestPath(from, to, false);
  pathEdges = new Set(edges ?? []);
  pathNodes = new Set(edges ? [from, to, ...edges.flatMap((e) => graph.extremities(e))] : []);
  banner(edges ? `Path: ${edges.length} hops.` : "No path between these nodes in this view.", null);
  renderer.refresh();
}

// ---------------------------------------------------------------------------
// Search (keyboard-first)

const searchBox = byId<HTMLInputElement>("search");
const results = byId<HTMLUListElement>("search-results");
let searchTimer: number | undefined;
let active = -1;

interface Hit {
  score: number;
  match: string;
  node: { id: string; label: string; name: string; qualifiedName?: string; kind?: string; path?: string; filePath?: string;
    line?: number };
}

async function runSearch(text: string): Promise<void> {
  if (!text.trim()) {
    results.hidden = true;
    return;
  }
  const a = await gql<{ search: Hit[] }>(SEARCH, { q: text });
  results.replaceChildren(...a.search.map((h, i) => {
    const path = h.node.path ?? h.node.filePath;
    const where = path ? `${path}${h.node.line ? `:${h.node.line}` : ""}` : "";
    const li = el("li", { role: "option", id: `hit-${i}`, "data-id": h.node.id, "aria-selected": "false" },
      h.node.qualifiedName ?? h.node.name, el("small", {}, `${h.node.kind ?? h.node.label} ${where}`));
    li.addEventListener("mousedown", (ev) => {
      ev.preventDefault();
      choose(h.node.id);
    });
    return li;
  }));
  active = a.search.length ? 0 : -1;
  markActive();
  results.hidden = a.search.length === 0;
  searchBox.setAttribute("aria-expanded", String(!results.hidden));
}

function markActive(): void {
  [...results.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
  if (active >= 0) searchBox.setAttribute("aria-activedescendant", `hit-${active}`);
}

function choose(id: string): void {
  results.hidden = true;
  searchBox.setAttribute("aria-expanded", "false");
  void focusNode(id);
}

searchBox.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void runSearch(searchBox.value), 120);
});
searchBox.addEventListener("keydown", (ev) => {
  const n = results.children.length;
  if (ev.key === "ArrowDown" && n) active = (active + 1) % n;
  else if (ev.key === "ArrowUp" && n) active = (active - 1 + n) % n;
  else if (ev.key === "Enter" && active >= 0 && !results.hidden) {
    choose((results.children[active] as HTMLElement).dataset.id ?? "");
  } else if (ev.key === "Escape") results.hidden = true;
  else return;
  ev.preventDefault();
  markActive();
});
document.addEventListener("keydown", (ev) => {
  if (ev.key === "/" && document.activeElement !== searchBox && !(document.activeElement instanceof HTMLInputElement)) {
    ev.preventDefault();
    searchBox.focus();
  }
});

// ---------------------------------------------------------------------------
// Controls: projects, layouts, filters, node list

function syncControls(): void {
  byId<HTMLSelectElement>("project").value = state.project;
  byId<HTMLSelectElement>("layout").value = state.layout;
  byId<HTMLInputElement>("f-path").value = state.filters.path;
  byId<HTMLSelectElement>("f-lang").value = state.filters.lang;
  refreshFilterChoices();
}

function checkboxes(id: string, values: string[], hidden: string[], colours: Record<string, string>,
  update: (hidden: string[]) => void): void {
  const box = byId<HTMLFieldSetElement>(id);
  const legend = box.querySelector("legend");
  box.replaceChildren(...(legend ? [legend] : []));
  for (const v of values) {
    const input = el("input", { type: "checkbox", value: v, id: `${id}-${v}` });
    input.checked = !hidden.includes(v);
    input.addEventListener("change", () => {
      const now = [...box.querySelectorAll<HTMLInputElement>("input")].filter((i) => !i.checked).map((i) => i.value);
      update(now);
    });
    const swatch = el("span", { class: "sw", style: `background:${colours[v] ?? "#555"}` });
    box.append(el("label", { for: `${id}-${v}` }, input, swatch, v));
  }
}

function refreshFilterChoices(): void {
  const kinds = new Set<string>(state.filters.kinds);
  const types = new Set<string>(state.filters.types);
  const langs = new Set<string>();
  graph.forEachNode((_n, a) => {
    kinds.add(a.key);
    if (a.lang) langs.add(a.lang);
  });
  graph.forEachEdge((_e, a) => types.add(a.relation));
  const f = (change: Partial<ViewState["filters"]>): void =>
    navigate({ filters: { ...state.filters, ...change } }, false);
  checkboxes("f-kinds", [...kinds].sort(), state.filters.kinds, NODE_COLOURS, (kinds) => f({ kinds }));
  checkboxes("f-types", [...types].sort(), state.filters.types, EDGE_COLOURS, (types) => f({ types }));
  checkboxes("f-res", ["exact", "heuristic", "unresolved"], state.filters.res,
    { exact: "#2e7d32", heuristic: "#ef6c00", unresolved: "#9e9e9e" }, (res) => f({ res }));
  const lang = byId<HTMLSelectElement>("f-lang");
  lang.replaceChildren(el("option", { value: "" }, "any"), ...[...langs].sort().map((l) => el("option", { value: l }, l)));
  lang.value = state.filters.lang;
}

function refreshNodeList(): void {
  const list = byId<HTMLSelectElement>("node-list");
  const items = graph.nodes().filter((n) => !nodeHidden(graph.getNodeAttributes(n)))
    .sort((a, b) => graph.getNodeAttribute(a, "label").localeCompare(graph.getNodeAttribute(b, "label")));
  list.replaceChildren(...items.map((n) => {
    const a = graph.getNodeAttributes(n);
    return el("option", { value: n }, `${a.label} — ${a.kind ?? a.entity}`);
  }));
  if (state.selected) list.value = state.selected;
}

byId<HTMLSelectElement>("node-list").addEventListener("keydown", (ev) => {
  const list = ev.currentTarget as HTMLSelectElement;
  if (ev.key === "Enter" && list.value) {
    ev.preventDefault();
    if (graph.getNodeAttribute(list.value, "expandable")) toggle(list.value);
    else void focusNode(list.value);
  } else if (ev.key === " " && list.value) {
    ev.preventDefault();
    void focusNode(list.value);
  }
});

byId<HTMLSelectElement>("layout").addEventListener("change", (ev) => {
  navigate({ layout: (ev.target as HTMLSelectElement).value }, false);
  ready = false;
  setStatus("layout");
  applyLayout(() => {
    ready = true;
    setStatus("ready");
  });
});
byId<HTMLSelectElement>("project").addEventListener("change", (ev) => {
  navigate({ project: (ev.target as HTMLSelectElement).value, view: "overview", focus: "", expand: [], collapse: [],
    selected: "" }, true);
});
byId<HTMLInputElement>("f-path").addEventListener("change", (ev) => {
  navigate({ filters: { ...state.filters, path: (ev.target as HTMLInputElement).value.trim() } }, false);
  refreshNodeList();
});
byId<HTMLSelectElement>("f-lang").addEventListener("change", (ev) => {
  navigate({ filters: { ...state.filters, lang: (ev.target as HTMLSelectElement).value } }, false);
});
byId<HTMLButtonElement>("back-overview").addEventListener("click", () => {
  navigate({ view: "overview", focus: "" }, true);
});

renderer.on("clickNode", ({ node, event }) => {
  if (event.original.shiftKey && state.selected && state.selected !== node) {
    highlightPath(state.selected, node);
    return;
  }
  pathNodes = new Set();
  pathEdges = new Set();
  select(node);
  const a = graph.getNodeAttributes(node);
  if (a.expandable && !a.expanded) toggle(node);
});
renderer.on("doubleClickNode", ({ node, event }) => {
  event.preventSigmaDefault();
  if (node.startsWith("sym:")) openNeighbourhood(node);
  else if (graph.getNodeAttribute(node, "expandable")) toggle(node);
});
renderer.on("clickEdge", ({ edge }) => {
  const a = graph.getEdgeAttributes(edge);
  const [s, t] = graph.extremities(edge);
  showGroup(panel, [["Entity", "Edge"], ["Type", a.relation], ["From", s], ["To", t], ["Edges", String(a.count)],
    ["Resolution", a.resolution], ["Heuristic", a.heuristic ? String(a.heuristic) : null],
    ["Candidates", a.candidates === null ? null : String(a.candidates)]], a.relation, edge);
});

// ---------------------------------------------------------------------------
// Legend, live updates, test hook, start

function legend(): void {
  const box = byId<HTMLDivElement>("legend");
  const shapes = "Squares: repos, directories, files. Discs: symbols. Rings: externals. "
    + "Arrows: exact edges; orange lines: heuristic; grey lines: unresolved.";
  box.replaceChildren(el("h2", {}, "Legend"), el("p", {}, shapes));
}

function startLive(): void {
  let timer: number | undefined;
  const status = byId<HTMLSpanElement>("live");
  const resync = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(true), 150);
  };
  new LiveClient({
    subject: "",
    onEvent: resync,
    onResync: resync,
    onStatus: (s) => {
      status.textContent = s;
      status.classList.toggle("on", s === "live");
    },
  }).start();
}

interface Model {
  ready: boolean;
  project: string;
  view: string;
  layout: string;
  selected: string;
  truncated: boolean;
  panel: string;
  path: string[];
  nodes: { id: string; entity: string; kind: string | null; label: string; hidden: boolean; x: number; y: number;
    expanded: boolean }[];
  edges: { type: string; from: string; to: string; resolution: string; count: number; hidden: boolean }[];
}

function model(): Model {
  return {
    ready, project: state.project, view: state.view, layout: state.layout, selected: state.selected, truncated,
    panel: panel.dataset.shown ?? "", path: [...pathNodes].sort(),
    nodes: graph.mapNodes((id, a) => ({ id, entity: a.entity, kind: a.kind, label: a.label, hidden: nodeHidden(a),
      x: a.x, y: a.y, expanded: a.expanded })),
    edges: graph.mapEdges((id, a, s, t) => ({ type: a.relation, from: s, to: t, resolution: a.resolution,
      count: a.count, hidden: edgeHidden(id, a) })),
  };
}

/** Opens a group, as a click does; resolves once the new view is drawn (layout may still run). */
async function expandGroup(id: string): Promise<void> {
  state = { ...state, expand: [...new Set([...state.expand, id])] };
  window.history.pushState(null, "", writeState(state));
  await load();
}

/** Shows a node's neighbourhood with pages of `limit` nodes; resolves once it is drawn. */
async function showNeighbourhood(id: string, depth: number, limit: number): Promise<void> {
  hoodPages = 1;
  hoodLimit = limit;
  state = { ...state, view: "neighbourhood", focus: id, depth, selected: id };
  window.history.pushState(null, "", writeState(state));
  await load();
}

declare global {
  interface Window {
    graphsvc: {
      model: () => Model;
      focus: (id: string) => Promise<void>;
      path: (a: string, b: string) => void;
      expand: (id: string) => Promise<void>;
      neighbourhood: (id: string, depth: number, limit: number) => Promise<void>;
      camera: () => { x: number; y: number; ratio: number; set: (x: number, y: number, ratio: number) => void };
    };
  }
}
window.graphsvc = {
  model, focus: focusNode, path: highlightPath, expand: expandGroup, neighbourhood: showNeighbourhood,
  camera: () => {
    const c = renderer.getCamera();
    return { ...c.getState(), set: (x, y, ratio) => c.setState({ x, y, ratio }) };
  },
};

async function start(): Promise<void> {
  legend();
  const [p, m] = await booting;
  actions = m.__schema.mutationType?.fields.map((f) => f.name) ?? [];
  const select = byId<HTMLSelectElement>("project");
  select.replaceChildren(...p.projects.items.map((x) => el("option", { value: x.id }, x.name)));
  if (!state.project && p.projects.items.length) {
    state = { ...state, project: p.projects.items[0].id };
    window.history.replaceState(null, "", writeState(state));
  }
  syncControls();
  await load();
  if (m.__schema.subscriptionType?.fields.some((f) => f.name === "events")) startLive();
  else byId<HTMLSpanElement>("live").textContent = "live updates unavailable";
}

void start();
