// The graphsvc client: a project drawn at a readable level of detail (the server aggregates),
// expanded on click, searched from the keyboard, explained in the detail panel, kept in the URL.

import { NodeBorderProgram } from "@sigma/node-border";
import { NodeSquareProgram } from "@sigma/node-square";
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram } from "sigma/rendering";

import {
  apiKey, ApiError, ATTACHED, ATTACHED_SPECS, ecosystemQuery, gql, HEALTH_FIELDS, INSIGHTS, NEIGHBOURHOOD, OVERVIEW,
  PROJECTS, SCHEMA, SEARCH, SECURITY, setApiKey, unpack,
  type Attachment, type AttachedSpec, type Check, type CrossProject, type EcosystemGraph, type Finding, type Metric,
  type Neighbourhood, type Overview, type Packed, type SchemaInfo,
} from "./api";
import { byId, el } from "./dom";
import { crossLinks, healthOf, HEALTH_COLOURS, showProject, showService, type EcosystemHooks } from "./ecosystem";
import { insightsPanel } from "./insights";
import { circle, force, layered, radial, stopForce } from "./layouts";
import { LiveClient, patchGraph, type LiveEvent } from "./live";
import {
  CLEAN_COLOUR, containers, levelColour, mark, overlayLegend, projectOf, securityPanel, type Marks,
} from "./overlay";
import { NodeDiamondProgram } from "./shapes";
import { showFile, showGroup, showSpecItem, showSymbol, type PanelHooks } from "./panel";
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
  status: string; // a service's health, an audit's or task's status
  repo: string; // the repo that holds it ("" for projects, services, externals)
  overlay: string; // the worst open finding or failing check on or inside it (overlay on)
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
// The server's bound on a neighbourhood's offset + limit, and on attachedSpecs' ids (MAX_GRAPH_NODES).
const HOOD_MAX_NODES = 5000;
type PackedOverview = { overviewColumns: Packed<Overview> };
const graph = new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: "directed" });
let state: ViewState = readState(window.location.search);
let truncated = false;
let pathNodes = new Set<string>();
let pathEdges = new Set<string>();
let hoodPages = 1;
let hoodHasMore = false;
let hoodLimit = 300;
let actions: string[] = [];
let queries: string[] = [];
let healthFields: string[] = [];
let ready = false;
let liveStatus = "offline";
let eco: EcosystemGraph | null = null;
let findings: Finding[] = [];
let checks: Check[] = [];
let marks: Marks = { level: new Map(), reasons: new Map() };
let loading = 0; // the number of the newest load: an older one that ends later is dropped
let previous = new Set<string>(); // the nodes before the last redraw: what is new flashes
const MAX_ATTACHED = 200;
const SPEC_PAGE = 50; // spec items drawn per page beside the view's files and symbols
const SPEC_MAX = 500; // the server's bound on one answer (attachedSpecs limit)
let specPages = 1;
let specsMore = false;
const container = byId<HTMLDivElement>("graph");
const panel = byId<HTMLElement>("panel");

// Ask before building the WebGL renderer (slow to start in a software GL): the answers arrive meanwhile.
const booting = Promise.all([
  gql<{ projects: { items: { id: string; name: string }[] } }>(PROJECTS),
  gql<SchemaInfo>(SCHEMA),
]);
let prefetched: Promise<PackedOverview> | null = state.project && state.view === "overview"
  ? gql<PackedOverview>(OVERVIEW, overviewVariables()) : null;
prefetched?.catch(() => undefined); // a refusal is reported by the start, which asks for a key

const renderer = new Sigma(graph, container, {
  nodeProgramClasses: { square: NodeSquareProgram, border: NodeBorderProgram, diamond: NodeDiamondProgram },
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
  // An audit, task or spec item goes with the node it is about.
  if ((a.entity === "Audit" || a.entity === "Task" || a.entity === "SpecItem") && graph.hasNode(a.group)) {
    return nodeHidden(graph.getNodeAttributes(a.group));
  }
  if (f.lang && a.lang && a.lang !== f.lang) return true;
  if (f.path && a.entity !== "Repo" && a.entity !== "External" && !a.path.startsWith(f.path)
    && !f.path.startsWith(`${a.path}/`)) return true;
  if (changed && (a.entity === "File" || a.entity === "Symbol" || a.entity === "Directory")) {
    const paths = changed.get(a.repo);
    if (!paths) return true;
    if (a.entity === "Directory") return ![...paths].some((p) => p.startsWith(`${a.path}/`));
    return !paths.has(a.path);
  }
  return false;
}

/** The changed paths per repo when the "only what changed" filter is on; null when it is off. */
let changed: Map<string, Set<string>> | null = null;

async function loadChanged(): Promise<void> {
  const since = state.filters.changed;
  if (!since || !queries.includes("changedFiles")) {
    changed = null;
    return;
  }
  const repos = [...new Set(graph.mapNodes((_id, a) => a.repo).filter(Boolean))];
  try {
    const answers = await Promise.all(repos.map((r) => gql<{ changedFiles: string[] }>(
      "query($r: ID!, $s: String) { changedFiles(repoId: $r, since: $s) }",
      { r, s: since === "@ingest" ? null : since })));
    changed = new Map(repos.map((r, i) => [r, new Set(answers[i].changedFiles)]));
  } catch (e) {
    changed = null;
    banner(`Only what changed: ${(e as Error).message}`, null);
  }
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
  if (state.overlay) out.color = a.overlay ? levelColour(a.overlay) : CLEAN_COLOUR;
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
    status: "", overlay: "", repo: containers(id).find((x) => x.startsWith("repo:")) ?? "",
  };
}

function replaceGraph(nodes: [string, NodeAttrs][], edges: [string, string, string, EdgeAttrs][], markNew: boolean): void {
  // A node is fresh (flashed) when it is new, or when its status changed (a service's health).
  const before = new Map(graph.mapNodes((id, a) => [id, a.status] as [string, string]));
  previous = new Set(before.keys());
  graph.clear();
  for (const [id, a] of nodes) {
    if (graph.hasNode(id)) continue;
    const fresh = markNew && before.size > 0 && (!before.has(id) || before.get(id) !== a.status);
    graph.addNode(id, { ...a, fresh });
  }
  for (const [key, s, t, a] of edges) {
    if (graph.hasNode(s) && graph.hasNode(t) && !graph.hasEdge(key)) graph.addEdgeWithKey(key, s, t, a);
  }
  if (markNew) window.setTimeout(() => {
    graph.forEachNode((n) => graph.setNodeAttribute(n, "fresh", false));
  }, 1500);
}

type NodeList = [string, NodeAttrs][];
type EdgeList = [string, string, string, EdgeAttrs][];

function structural(type: string): EdgeAttrs {
  const look = edgeLook(type, null);
  return { type: look.type, color: look.color, size: 1, relation: type, resolution: "structural", count: 1, heuristic: 0,
    candidates: null, weight: 1 };
}

/** Audits and tasks: their own queries, drawn beside the nodes they are about. */
function isTaskOrAudit(a: NodeAttrs): boolean {
  return a.entity === "Audit" || a.entity === "Task";
}

function isSpecItem(a: NodeAttrs): boolean {
  return a.entity === "SpecItem";
}

/** A node of the view's own answer: not an audit, task or spec item hung from one. */
function inAnswer(a: NodeAttrs): boolean {
  return !isTaskOrAudit(a) && !isSpecItem(a);
}

/**
 * Brings the audits and tasks beside the drawn nodes they are about (AUDITS, IMPLEMENTED_BY), at
 * most MAX_ATTACHED, to `extra` in place: those it no longer has (deleted, or unlinked from every
 * drawn node) go with their edges, a link it no longer has goes, new ones are placed next to their
 * target. Asked once the view is drawn, so their query does not hold it up. The ids added or changed.
 */
function syncAttached(extra: Attachment): string[] {
  const nodes: NodeList = [];
  const edges: EdgeList = [];
  attach(nodes, edges, extra);
  return patchGraph(graph, nodes, edges, isTaskOrAudit, (s) => isTaskOrAudit(s));
}

function attach(nodes: NodeList, edges: EdgeList, extra: Attachment): void {
  const drawn = new Set(graph.filterNodes((_id, a) => inAnswer(a))); // hung from the view's own nodes only
  // A task may be about a spec item: the drawn spec items hold tasks too (drawn before, `syncSides`).
  const anchors = new Set(graph.filterNodes((_id, a) => !isTaskOrAudit(a)));
  let room = MAX_ATTACHED;
  for (const a of extra.audits) {
    if (room <= 0 || !drawn.has(a.target)) continue;
    room -= 1;
    const n = baseNode(a.id, "Audit", `${a.kind} ${a.status}`, a.kind, 7);
    nodes.push([a.id, { ...n, status: a.status, group: a.target }]);
    edges.push([`AUDITS|${a.id}|${a.target}`, a.id, a.target, structural("AUDITS")]);
  }
  for (const t of extra.tasks) {
    const targets = t.targets.filter((x) => anchors.has(x));
    if (room <= 0 || !targets.length) continue;
    room -= 1;
    const n = baseNode(t.id, "Task", t.title.length > 40 ? `${t.title.slice(0, 39)}…` : t.title, t.kind, 6);
    nodes.push([t.id, { ...n, status: t.status, group: targets[0] }]);
    for (const x of targets) edges.push([`IMPLEMENTED_BY|${t.id}|${x}`, t.id, x, structural("IMPLEMENTED_BY")]);
  }
}

/**
 * Brings the spec items beside the drawn files and symbols they are linked to (IMPLEMENTED_BY) and
 * the opened Markdown files that declare them (DECLARES) to `links` in place, like `syncAttached`:
 * an item no longer linked to anything drawn goes, a link removed goes, a new item is placed next
 * to its first target. The ids added or changed.
 */
function syncSpecs(links: AttachedSpec[]): string[] {
  const nodes = new Map<string, NodeAttrs>();
  const edges: EdgeList = [];
  for (const l of links) {
    if (!graph.hasNode(l.target)) continue;
    if (!nodes.has(l.id)) {
      const n = baseNode(l.id, "SpecItem", l.title.length > 40 ? `${l.title.slice(0, 39)}…` : l.title, l.source, 6);
      nodes.set(l.id, { ...n, status: l.status, path: l.ref.replace(/:\d+$/, ""), group: l.target,
        repo: graph.getNodeAttribute(l.target, "repo") });
    }
    const [s, t] = l.type === "DECLARES" ? [l.target, l.id] : [l.id, l.target];
    edges.push([`${l.type}|${s}|${t}`, s, t, { ...structural(l.type), resolution: l.resolution }]);
  }
  return patchGraph(graph, [...nodes], edges, isSpecItem,
    (s, t, a) => isSpecItem(s) || (a.relation === "DECLARES" && isSpecItem(t)));
}

/**
 * Draws the audits, tasks and spec items of the drawn view (a failed query leaves its own as they
 * are), then the lists that name them. Of those added or changed, the ones `flash` accepts flash.
 */
function syncSides(extra: Attachment | null, specs: AttachedSpec[] | null, flash: (id: string) => boolean): void {
  const before = graph.order + graph.size;
  // Spec items first: tasks about them hang from them.
  const fresh = [...(specs ? syncSpecs(specs) : []), ...(extra ? syncAttached(extra) : [])];
  for (const id of fresh) if (!flash(id)) graph.setNodeAttribute(id, "fresh", false);
  flashFor(fresh.filter(flash));
  if (fresh.length || graph.order + graph.size !== before) {
    refreshFilterChoices();
    refreshNodeList();
    renderer.refresh();
  }
}

/** Clears the flash of `ids` after 1.5 s. */
function flashFor(ids: string[]): void {
  if (ids.length) window.setTimeout(() => {
    for (const id of ids) if (graph.hasNode(id)) graph.setNodeAttribute(id, "fresh", false);
  }, 1500);
}

/** The nodes and edges of the ecosystem and of the cross-project links shown, as drawn. */
function ecosystemElements(g: EcosystemGraph, crosses: CrossProject[]): [NodeList, EdgeList] {
  const nodes: NodeList = [];
  const edges: EdgeList = [];
  for (const p of g.projects) {
    nodes.push([p.id, { ...baseNode(p.id, "Project", p.name, null, 16), group: "ecosystem" }]);
  }
  for (const s of g.services) {
    const health = healthOf(s);
    const n = baseNode(s.id, "Service", s.name, s.type, 9);
    nodes.push([s.id, { ...n, color: HEALTH_COLOURS[health], status: health, group: s.project, path: s.path }]);
    edges.push([`CONTAINS|${s.project}|${s.id}`, s.project, s.id, structural("CONTAINS")]);
  }
  for (const l of g.links) {
    const look = edgeLook("PROJECT_LINK", "exact");
    edges.push([`PROJECT_LINK|${l.from}|${l.to}|${l.package}`, l.from, l.to, { ...structural("PROJECT_LINK"),
      type: look.type, color: look.color, size: 3, resolution: "exact" }]);
  }
  for (const i of g.integrations) {
    const look = edgeLook("INTEGRATES", "exact");
    edges.push([`INTEGRATES|${i.from}|${i.to}`, i.from, i.to, { ...structural("INTEGRATES"), type: look.type,
      color: look.color, size: 2, resolution: "exact" }]);
  }
  // Cross-project links on demand: each crossing edge's two ends, hung from their projects.
  for (const c of crosses) {
    for (const r of [...c.outgoing.items, ...c.incoming.items]) {
      for (const end of [r.from, r.to]) {
        const project = projectOf(end.id);
        if (nodes.some(([id]) => id === end.id)) continue;
        nodes.push([end.id, { ...baseNode(end.id, end.label, end.name, end.kind ?? null, 5), group: project }]);
        if (project) edges.push([`CONTAINS|${project}|${end.id}`, project, end.id, structural("CONTAINS")]);
      }
      const look = edgeLook(r.type, r.resolution);
      edges.push([`${r.type}|${r.from.id}|${r.to.id}|${r.line ?? ""}`, r.from.id, r.to.id, {
        ...structural(r.type), type: look.type, color: look.color, resolution: r.resolution ?? "exact" }]);
    }
  }
  return [nodes, edges];
}

/** The nodes and edges of an overview answer, as drawn (a node already drawn keeps its place). */
function overviewElements(o: Overview): [NodeList, EdgeList] {
  const nodes: NodeList = o.nodes.map((n) => {
    const size = n.label === "Symbol" ? 5 : Math.min(20, 6 + Math.sqrt(n.symbols) / 2);
    // A Markdown file opens onto the spec items it declares (drawn by syncSpecs).
    const expandable = n.expandable || (n.label === "File" && n.lang === "markdown");
    const a = baseNode(n.id, n.label, n.expanded || n.label === "Symbol" ? n.name : `${n.name}${expandable ? " +" : ""}`,
      n.kind, size);
    return [n.id, { ...a, path: n.path, lang: n.lang, line: n.line, group: n.parent ?? "", expandable,
      expanded: n.expanded, truncated: n.truncated }];
  });
  const edges: EdgeList = o.edges.map((e) => {
    const resolution = e.type === "CONTAINS" || e.type === "DEFINES" ? "structural"
      : resolutionOf(e.heuristic, e.unresolved);
    const look = edgeLook(e.type, resolution);
    return [`${e.type}|${e.from}|${e.to}`, e.from, e.to, {
      type: look.type, color: look.color, size: Math.min(6, 0.5 + Math.log2(1 + e.count)), relation: e.type,
      resolution, count: e.count, heuristic: e.heuristic, candidates: null, weight: e.count,
    }];
  });
  return [nodes, edges];
}

/** The nodes and edges of a neighbourhood answer, as drawn; each node's group is its depth. */
function hoodElements(p: Neighbourhood): [NodeList, EdgeList] {
  const nodes: NodeList = p.nodes.map((n) => {
    const a = baseNode(n.id, n.label, n.name, n.kind, n.id === p.root ? 10 : 5);
    return [n.id, { ...a, path: n.path ?? "", lang: n.lang, line: n.line, group: String(n.depth ?? 0) }];
  });
  const edges: EdgeList = p.edges.map((e) => {
    const look = edgeLook(e.type, e.resolution);
    return [`${e.type}|${e.from}|${e.to}|${e.line ?? ""}`, e.from, e.to, {
      type: look.type, color: look.color, size: 1, relation: e.type, resolution: e.resolution ?? "exact", count: 1,
      heuristic: e.resolution === "heuristic" ? 1 : 0, candidates: e.candidates, weight: 1,
    }];
  });
  return [nodes, edges];
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

async function loadOverview(): Promise<Overview> {
  const early = prefetched;
  prefetched = null;
  return unpack((await (early ?? gql<PackedOverview>(OVERVIEW, overviewVariables()))).overviewColumns);
}

/**
 * The pages shown so far, asked as one: the server walks the neighbourhood again for every request,
 * so n pages one by one cost n walks. At most the server's bound on `offset + limit`.
 */
async function loadNeighbourhood(): Promise<Neighbourhood> {
  const a = await gql<{ neighbourhoodColumns: Packed<Neighbourhood> }>(NEIGHBOURHOOD, {
    id: state.focus, depth: state.depth, limit: Math.min(HOOD_MAX_NODES, hoodPages * hoodLimit), offset: 0,
  });
  return unpack(a.neighbourhoodColumns);
}

async function loadEcosystem(): Promise<[EcosystemGraph, CrossProject[]]> {
  const [g, crosses] = await Promise.all([
    gql<{ ecosystemGraph: EcosystemGraph }>(ecosystemQuery(healthFields)),
    crossLinks(state.expand.filter((x) => x.startsWith("proj:"))),
  ]);
  return [g.ecosystemGraph, crosses];
}

/** A view's answer: its nodes and edges as drawn, and what else it says (`settle` keeps that once drawn). */
interface ViewAnswer {
  elements: () => [NodeList, EdgeList];
  settle: () => void;
}

/** Asks the server for the view the state names. */
async function askView(): Promise<ViewAnswer> {
  if (state.view === "ecosystem") {
    const [g, crosses] = await loadEcosystem();
    return { elements: () => ecosystemElements(g, crosses), settle: () => {
      eco = g;
      truncated = crosses.some((c) => c.outgoing.hasMore || c.incoming.hasMore);
    } };
  }
  if (state.view === "neighbourhood" && state.focus) {
    const hood = await loadNeighbourhood();
    return { elements: () => hoodElements(hood), settle: () => {
      hoodHasMore = hood.hasMore;
      truncated = hoodHasMore;
    } };
  }
  const o = await loadOverview();
  return { elements: () => overviewElements(o), settle: () => {
    truncated = o.truncated;
  } };
}

/** Audits and tasks of the project; a server without them (or refusing them) draws none. */
async function loadAttached(): Promise<Attachment | null> {
  if (state.view === "ecosystem") return null;
  try {
    return await gql<Attachment>(ATTACHED, { p: state.project });
  } catch {
    return null;
  }
}

/**
 * The spec items of the drawn files and symbols and of the opened Markdown files, asked once for all
 * of them, SPEC_PAGE items a page; a server without attachedSpecs (or refusing it) draws none.
 */
async function loadSpecs(): Promise<AttachedSpec[] | null> {
  specsMore = false;
  if (state.view === "ecosystem" || !queries.includes("attachedSpecs")) return [];
  const ids = graph.filterNodes((_id, a) => a.entity === "File" || a.entity === "Symbol");
  const files = graph.filterNodes((_id, a) => a.entity === "File" && a.lang === "markdown" && a.expanded);
  if (!ids.length) return [];
  ids.splice(HOOD_MAX_NODES - files.length); // the server's bound on the ids of one request
  try {
    const a = await gql<{ attachedSpecs: { links: AttachedSpec[]; hasMore: boolean } }>(ATTACHED_SPECS,
      { ids, files, limit: Math.min(SPEC_MAX, specPages * SPEC_PAGE) });
    specsMore = a.attachedSpecs.hasMore;
    return a.attachedSpecs.links;
  } catch {
    return null;
  }
}

/** Open findings and the latest checks, when the overlay is on; tolerated when absent. */
async function loadSecurity(): Promise<[Finding[], Check[]] | null> {
  if (!state.overlay && activeTab !== "security") return null;
  try {
    const a = await gql<{ findings: Finding[]; complianceChecks: Check[] }>(SECURITY);
    return [a.findings, a.complianceChecks];
  } catch (e) {
    banner(`The security overlay is unavailable: ${(e as Error).message}`, null);
    return [[], []];
  }
}

async function load(markNew = false): Promise<void> {
  if (!state.project && state.view !== "ecosystem") return;
  const mine = ++loading;
  setStatus("loading");
  ready = false;
  stopForce(); // the view being replaced needs no more layout: leave the cores to the server and the build
  let answer: ViewAnswer;
  let security: [Finding[], Check[]] | null;
  const sec = loadSecurity();
  try {
    answer = await askView();
    security = await sec;
  } catch (e) {
    if (mine !== loading) return;
    banner((e as Error).message, null);
    setStatus("error");
    return;
  }
  if (mine !== loading) return; // a newer load superseded this one
  const [nodes, edges] = answer.elements();
  replaceGraph(nodes, edges, markNew);
  answer.settle();
  if (state.view === "ecosystem" && state.selected && !graph.hasNode(state.selected)) {
    const p = projectOf(state.selected);
    state = { ...state, selected: graph.hasNode(p) ? p : "" };
    window.history.replaceState(null, "", writeState(state));
  }
  syncViewControls();
  if (state.filters.changed || changed) {
    await loadChanged();
    if (mine !== loading) return;
  }
  if (security) [findings, checks] = security;
  applyOverlay();
  pathNodes = new Set();
  pathEdges = new Set();
  // Past a few thousand elements, redrawing every edge and label on each frame of a pan or zoom
  // is what makes it stutter; they come back when the camera stops.
  const large = graph.order + graph.size > LARGE_VIEW;
  renderer.setSetting("hideEdgesOnMove", large);
  renderer.setSetting("hideLabelsOnMove", large);
  byId<HTMLButtonElement>("back-overview").hidden = state.view !== "neighbourhood";
  renderTruncation();
  refreshLegend();
  // Audits, tasks and spec items are asked once the view is on screen: asked beside it, they would
  // share the server and the two cores with the view's request and its drawing, and hold it up.
  const attached = afterFrame().then(async () => {
    if (mine !== loading) return;
    const [a, specs] = await Promise.all([loadAttached(), loadSpecs()]);
    if (mine !== loading) return;
    syncSides(a, specs, (id) => markNew && previous.size > 0 && !previous.has(id));
    if (specsMore) renderTruncation();
  });
  // The side lists wait for the drawn frame: a list of thousands of nodes costs as much again in
  // DOM work and page layout, which would hold the view back.
  const listed = afterFrame().then(() => {
    if (mine !== loading) return;
    refreshFilterChoices();
    refreshNodeList();
  });
  // The layout places the nodes and renders them: the view is drawn once, in its place.
  applyLayout(() => {
    void Promise.all([attached, listed]).then(() => {
      if (mine !== loading) return;
      ready = true;
      setStatus("ready");
    });
  });
  performance.mark("graphsvc:view-drawn", { detail: { nodes: graph.order, edges: graph.size } });
  drawnAt = performance.now();
  if (activeTab === "security") renderSecurity();
  if (activeTab === "insights" && !markNew) void renderInsights();
  if (state.selected) void showDetails(state.selected);
}

/** Resolves once the next frame is on screen. */
function afterFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => window.setTimeout(resolve, 0)));
}

/** Colours the drawn nodes by the worst finding or failing check on or inside them. */
function applyOverlay(): void {
  marks = state.overlay ? mark(findings, checks, (id) => graph.hasNode(id)) : { level: new Map(), reasons: new Map() };
  graph.forEachNode((id) => graph.setNodeAttribute(id, "overlay", marks.level.get(id) ?? ""));
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
  } else if (state.view === "ecosystem" && truncated) {
    banner("Showing the first 200 cross-project edges each way of each project.", null);
  } else if (truncated && state.max < 5000) {
    banner("Some groups hold more than is shown.", ["Show anyway", () => navigate({ max: 5000 }, true)]);
  } else if (specsMore && specPages * SPEC_PAGE < SPEC_MAX) {
    banner(`Showing the first ${specPages * SPEC_PAGE} spec items of this view.`, ["More spec items", () => {
      specPages += 1;
      void load();
    }]);
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
    || next.depth !== state.depth || next.max !== state.max || next.overlay !== state.overlay
    || next.filters.changed !== state.filters.changed;
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
  if (!graph.hasNode(id) && state.view === "ecosystem") {
    // A symbol or file the ecosystem does not draw: its project's view shows it.
    if (projectOf(id)) await switchView("project", id);
    return;
  }
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

/**
 * Toggles between the project and ecosystem views, keeping the selection where the other view can
 * draw it: a project or service stays selected in the ecosystem; a symbol or file there opens its
 * project's cross-project links (where it is drawn if it crosses), else its project is selected.
 * Back in a project view, a symbol or file is focused again, a project opens, a service opens its project.
 */
async function switchView(to: "project" | "ecosystem", sel = state.selected): Promise<void> {
  if (to === "ecosystem") {
    const crossing = sel.startsWith("sym:") || sel.startsWith("file:") ? projectOf(sel) : "";
    navigate({ view: "ecosystem", focus: "", expand: crossing ? [crossing] : [], collapse: [], selected: sel }, true);
    return;
  }
  const service = eco?.services.find((s) => s.id === sel);
  const project = service ? service.project : projectOf(sel) || (sel.startsWith("proj:") ? sel : state.project);
  const keep = sel.startsWith("sym:") || sel.startsWith("file:") || sel.startsWith("dir:") ? sel : "";
  hoodPages = 1;
  state = { ...state, view: "overview", project, focus: "", expand: [], collapse: [], selected: "" };
  window.history.pushState(null, "", writeState(state));
  syncControls();
  await load();
  if (keep) await focusNode(keep);
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

const ecoHooks: EcosystemHooks = {
  focus: (id) => void focusNode(id),
  openProject: (id) => void switchView("project", id),
  toggleCross: (id) => {
    const shown = state.expand.includes(id);
    navigate({ expand: shown ? state.expand.filter((x) => x !== id) : [...state.expand, id] }, true);
  },
  crossShown: (id) => state.expand.includes(id),
};

async function showDetails(id: string): Promise<void> {
  const a = graph.hasNode(id) ? graph.getNodeAttributes(id) : null;
  try {
    const service = eco?.services.find((s) => s.id === id);
    if (id.startsWith("sym:")) await showSymbol(panel, id, hooks);
    else if (id.startsWith("spec:")) await showSpecItem(panel, id, hooks);
    else if (id.startsWith("file:")) await showFile(panel, id, hooks);
    else if (id.startsWith("proj:") && eco && state.view === "ecosystem") await showProject(panel, eco, id, ecoHooks);
    else if (service && eco) showService(panel, eco, service, ecoHooks, healthFields.includes("healthStatus"));
    else if (a) {
      showGroup(panel, [["Entity", a.entity], ["Kind", a.kind], ["Status", a.status || null], ["Path", a.path || null],
        ["About", a.entity === "Audit" || a.entity === "Task" ? a.group : null], ["Id", id]], a.label, id);
    }
    const why = marks.reasons.get(id);
    if (state.overlay && why?.length) {
      panel.append(el("section", { "data-overlay-reasons": "" }, el("h3", {}, "Open findings and failing checks"),
        el("ul", {}, ...why.map((w) => el("li", {}, w)))));
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

/** Runs an action through its mutation; the answer in words. The view reloads to show what it made. */
async function runAction(mutation: string, target: string, text: string): Promise<string> {
  const [name, kind] = mutation.split(":");
  const project = (projectOf(target) || state.project).replace(/^proj:/, "");
  const label = graph.hasNode(target) ? graph.getNodeAttribute(target, "label") : target;
  let said: string;
  try {
    if (name === "triggerAudit") {
      const a = await gql<{ triggerAudit: string }>(
        "mutation($t: String!, $k: String!) { triggerAudit(target: $t, kind: $k) }", { t: target, k: kind });
      said = `Requested ${kind} audit ${a.triggerAudit} (pending).`;
    } else if (name === "createTask") {
      const a = await gql<{ createTask: { id: string; status: string } }>(
        "mutation($p: String!, $title: String!, $l: [String!]) { createTask(project: $p, title: $title, links: $l) "
        + "{ id status } }", { p: project, title: text || `Look at ${label}`, l: [target] });
      said = `Created task ${a.createTask.id} (${a.createTask.status}).`;
    } else if (name === "ingest") {
      const repo = containers(target).find((x) => x.startsWith("repo:")) ?? "";
      const a = await gql<{ ingest: { repoId: string; started: boolean } }>(
        "mutation($r: ID!) { ingest(repoId: $r, incremental: true) { repoId correlationId started } }", { r: repo });
      said = `${a.ingest.started ? "Re-indexing" : "Already re-indexing"} ${a.ingest.repoId}; the graph updates when it ends.`;
    } else {
      const a = await gql<{ runComplianceCheck: { id: string; status: string }[] }>(
        "mutation($p: String!) { runComplianceCheck(project: $p) { id status } }", { p: project });
      const count = (s: string): number => a.runComplianceCheck.filter((c) => c.status === s).length;
      said = `${a.runComplianceCheck.length} checks: ${count("pass")} pass, ${count("warn")} warn, ${count("fail")} fail.`;
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === "UNAUTHENTICATED") {
      openKeyForm();
      throw new Error(`${e.message}: enter one under “API key” and try again.`, { cause: e });
    }
    throw e;
  }
  void load(true);
  return said;
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
  const since = state.filters.changed;
  byId<HTMLSelectElement>("f-changed").value = since === "" || since === "@ingest" ? since : "@ref";
  byId<HTMLInputElement>("f-ref").hidden = since === "" || since === "@ingest";
  byId<HTMLInputElement>("f-ref").value = since.startsWith("@") ? "" : since;
  syncViewControls();
  refreshFilterChoices();
}

function syncViewControls(): void {
  byId<HTMLSelectElement>("view").value = state.view === "ecosystem" ? "ecosystem" : "project";
  byId<HTMLInputElement>("overlay").checked = state.overlay;
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
  specPages = 1;
  navigate({ project: (ev.target as HTMLSelectElement).value, view: "overview", focus: "", expand: [], collapse: [],
    selected: "" }, true);
});
byId<HTMLInputElement>("f-path").addEventListener("change", (ev) => {
  navigate({ filters: { ...state.filters, path: (ev.target as HTMLInputElement).value.trim() } }, false);
  refreshNodeList();
});
function setChanged(value: string): void {
  navigate({ filters: { ...state.filters, changed: value } }, false);
  void loadChanged().then(() => {
    renderer.refresh();
    refreshNodeList();
  });
}
byId<HTMLSelectElement>("f-changed").addEventListener("change", (ev) => {
  const mode = (ev.target as HTMLSelectElement).value;
  const ref = byId<HTMLInputElement>("f-ref");
  ref.hidden = mode !== "@ref";
  if (mode === "@ref") ref.focus();
  else setChanged(mode);
});
byId<HTMLInputElement>("f-ref").addEventListener("change", (ev) => {
  setChanged((ev.target as HTMLInputElement).value.trim());
});
byId<HTMLSelectElement>("f-lang").addEventListener("change", (ev) => {
  navigate({ filters: { ...state.filters, lang: (ev.target as HTMLSelectElement).value } }, false);
});
byId<HTMLSelectElement>("view").addEventListener("change", (ev) => {
  void switchView((ev.target as HTMLSelectElement).value === "ecosystem" ? "ecosystem" : "project");
});
byId<HTMLInputElement>("overlay").addEventListener("change", (ev) => {
  navigate({ overlay: (ev.target as HTMLInputElement).checked }, true);
});

// The side panel's tabs: details, security, insights (arrow keys move between tabs).
type Tab = "details" | "security" | "insights";
let activeTab: Tab = "details";
const TABS: Tab[] = ["details", "security", "insights"];

function showTab(tab: Tab, focus = false): void {
  activeTab = tab;
  for (const t of TABS) {
    const button = byId<HTMLButtonElement>(`tab-${t}`);
    button.setAttribute("aria-selected", String(t === tab));
    button.tabIndex = t === tab ? 0 : -1;
    byId<HTMLElement>(t === "details" ? "panel" : t).hidden = t !== tab;
    if (t === tab && focus) button.focus();
  }
  if (tab === "security") void refreshSecurity();
  if (tab === "insights") void renderInsights();
}

for (const t of TABS) {
  const button = byId<HTMLButtonElement>(`tab-${t}`);
  button.addEventListener("click", () => showTab(t));
  button.addEventListener("keydown", (ev) => {
    const i = TABS.indexOf(t);
    if (ev.key === "ArrowRight") showTab(TABS[(i + 1) % TABS.length], true);
    else if (ev.key === "ArrowLeft") showTab(TABS[(i + TABS.length - 1) % TABS.length], true);
    else return;
    ev.preventDefault();
  });
}

async function refreshSecurity(): Promise<void> {
  const box = byId<HTMLElement>("security");
  if (!state.overlay) {
    try {
      const a = await gql<{ findings: Finding[]; complianceChecks: Check[] }>(SECURITY);
      [findings, checks] = [a.findings, a.complianceChecks];
    } catch (e) {
      box.replaceChildren(el("h2", {}, "Security and compliance"), el("p", { role: "alert" }, (e as Error).message));
      return;
    }
  }
  renderSecurity();
}

function renderSecurity(): void {
  securityPanel(byId<HTMLElement>("security"), findings, checks, (id) => void focusNode(id));
}

async function renderInsights(): Promise<void> {
  const box = byId<HTMLElement>("insights");
  const scope = state.view === "ecosystem" || !state.project ? "All projects" : `Project ${state.project.slice(5)}`;
  if (!queries.includes("insights")) {
    insightsPanel(box, null, scope);
    return;
  }
  try {
    const p = state.view === "ecosystem" ? null : state.project || null;
    const a = await gql<{ insights: Metric[] }>(INSIGHTS, { p });
    insightsPanel(box, a.insights, scope);
  } catch (e) {
    insightsPanel(box, null, scope, (e as Error).message);
  }
}

// The API key: mutations need one when the server has keys; kept for this tab only.
const keyForm = byId<HTMLDetailsElement>("key");
function openKeyForm(): void {
  keyForm.open = true;
  byId<HTMLInputElement>("api-key").focus();
}
byId<HTMLFormElement>("key-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  setApiKey(byId<HTMLInputElement>("api-key").value.trim());
  byId<HTMLInputElement>("api-key").value = "";
  keyForm.open = false;
  refreshKeyLabel();
  // A server whose reads need a key refused the start: start again, with the key.
  if (bootFailed) window.location.reload();
  else live?.restart();
});
function refreshKeyLabel(): void {
  byId<HTMLElement>("key-label").textContent = apiKey() ? "API key (set)" : "API key";
}

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
  if (node.startsWith("proj:") && state.view === "ecosystem") void switchView("project", node);
  else if (node.startsWith("sym:")) openNeighbourhood(node);
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
  refreshLegend();
}

function refreshLegend(): void {
  const box = byId<HTMLDivElement>("legend");
  const shapes = state.view === "ecosystem"
    ? "Squares: projects; dark arrows: project links (a dependency). Discs: services, coloured by health; "
      + "blue arrows: integrations. Cross-project links: symbols and files hung from their projects."
    : "Squares: repos, directories, files. Diamonds: spec items. Discs: symbols, tasks. Rings: externals, audits. "
      + "Arrows: exact edges; orange lines: heuristic; grey lines: unresolved. A Markdown file opens onto the "
      + "spec items it declares.";
  const parts: HTMLElement[] = [el("h2", {}, "Legend"), el("p", {}, shapes)];
  if (state.view !== "ecosystem") parts.push(el("h3", {}, "Entities"), entityLegend());
  if (state.view === "ecosystem") {
    const health = el("ul", { class: "levels", "aria-label": "Service health" });
    for (const [h, c] of Object.entries(HEALTH_COLOURS)) {
      health.append(el("li", {}, el("span", { class: "sw", style: `background:${c}` }), h));
    }
    parts.push(el("h3", {}, "Service health"), health);
  }
  if (state.overlay) parts.push(overlayLegend());
  box.replaceChildren(...parts);
}

/** A swatch per entity and kind a project view draws, in its colour and shape (services: the ecosystem view). */
function entityLegend(): HTMLElement {
  const list = el("ul", { class: "levels", "aria-label": "Entities" });
  for (const [key, text] of LEGEND_ENTITIES) {
    const entity = LEGEND_SYMBOL_KINDS.has(key) ? "Symbol" : key;
    list.append(el("li", { "data-entity": key }, el("span", { class: `sw ${nodeType(entity)}`,
      style: `background:${nodeColour(entity, key)}` }), text));
  }
  return list;
}

const LEGEND_SYMBOL_KINDS = new Set(["Class", "Function", "Method"]);
const LEGEND_ENTITIES: [string, string][] = [
  ["File", "file"], ["Class", "class"], ["Function", "function"], ["Method", "method"], ["External", "external"],
  ["SpecItem", "spec item"], ["Task", "task"], ["Finding", "finding"], ["Audit", "audit"],
];

/**
 * Whether an event can change what is drawn: a run's start and progress and the watcher's own
 * news cannot (reloading then would only read a store being written), nor an ingest that found
 * nothing changed; health changes matter to the ecosystem view only.
 */
function changesTheView(e: LiveEvent): boolean {
  const s = e.subject;
  if (s === "graph.ingest.started" || s === "graph.ingest.progress" || s.startsWith("graph.watch.")) return false;
  const payload = (typeof e.payload === "object" && e.payload !== null ? e.payload : {}) as Record<string, unknown>;
  if (s === "graph.ingest.finished" && payload.nothingChanged === true) return false;
  if (s.startsWith("service.health.")) return state.view === "ecosystem";
  return true;
}

let bootFailed = false;
let lastEventAt = 0; // performance.now() of the last event that changes the view
let drawnAt = 0; // and of the last drawn view
let askedAt = 0; // a live update's request for the view: sent
let answeredAt = 0; // and answered
let live: LiveClient | null = null;
let liveReloads = 0; // views loaded again whole (a resynchronisation, a view still loading)
let livePatches = 0; // drawn views brought up to date in place

/**
 * Brings a drawn view (a project's, a neighbourhood, the ecosystem) up to date after a write: asks
 * the view again (for a project view the server patches its cached aggregate from the files the
 * write changed) and patches the drawn graph in place, so nothing moves but what is new, which
 * flashes with what changed, and what the answer lacks goes. Its audits, tasks and spec items are
 * then asked again and brought up to date the same way. A view still loading is loaded again whole.
 */
async function liveUpdate(): Promise<void> {
  if (!ready || !graph.order) {
    liveReloads += 1;
    await load(true);
    return;
  }
  const mine = ++loading;
  let answer: ViewAnswer;
  try {
    askedAt = performance.now();
    answer = await askView();
    answeredAt = performance.now();
  } catch {
    if (mine === loading) void load(true);
    return;
  }
  if (mine !== loading) return;
  previous = new Set(graph.nodes());
  const [nodes, edges] = answer.elements();
  const fresh = patchGraph(graph, nodes, edges, inAnswer);
  answer.settle();
  livePatches += 1;
  applyOverlay();
  renderer.refresh();
  drawnAt = performance.now();
  flashFor(fresh);
  renderTruncation();
  refreshFilterChoices();
  refreshNodeList();
  if (state.filters.changed || changed) void loadChanged().then(() => renderer.refresh());
  void Promise.all([loadAttached(), loadSpecs()]).then(([a, specs]) => {
    if (mine === loading) syncSides(a, specs, () => true);
  });
  if (state.selected && graph.hasNode(state.selected)) void showDetails(state.selected);
}

function startLive(): void {
  let timer: number | undefined;
  const status = byId<HTMLSpanElement>("live");
  // A burst of events (an ingest's, a linker's) is answered once.
  const later = (work: () => Promise<void>, ms: number): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void work(), ms);
  };
  live = new LiveClient({
    subject: "",
    auth: apiKey,
    // Health changes redraw the ecosystem only; everything else may change either view.
    onEvent: (e) => {
      if (!changesTheView(e)) return;
      lastEventAt = performance.now();
      later(liveUpdate, 30);
    },
    onResync: () => later(async () => {
      liveReloads += 1;
      await load(true);
    }, 150),
    onStatus: (s) => {
      liveStatus = s;
      status.textContent = s;
      status.classList.toggle("on", s === "live");
    },
  });
  live.start();
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
  overlay: boolean;
  live: string;
  liveReloads: number;
  livePatches: number;
  timing: { event: number; asked: number; answered: number; drawn: number };
  nodes: { id: string; entity: string; kind: string | null; label: string; hidden: boolean; x: number; y: number;
    expanded: boolean; status: string; overlay: string; fresh: boolean; color: string }[];
  edges: { type: string; from: string; to: string; resolution: string; count: number; hidden: boolean }[];
}

function model(): Model {
  return {
    ready, project: state.project, view: state.view, layout: state.layout, selected: state.selected, truncated,
    panel: panel.dataset.shown ?? "", path: [...pathNodes].sort(), overlay: state.overlay, live: liveStatus,
    liveReloads, livePatches, timing: { event: lastEventAt, asked: askedAt, answered: answeredAt, drawn: drawnAt },
    nodes: graph.mapNodes((id, a) => ({ id, entity: a.entity, kind: a.kind, label: a.label, hidden: nodeHidden(a),
      x: a.x, y: a.y, expanded: a.expanded, status: a.status, overlay: a.overlay, fresh: a.fresh,
      color: reduceNode(id, a).color ?? a.color })),
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
  refreshKeyLabel();
  let p: { projects: { items: { id: string; name: string }[] } };
  let m: SchemaInfo;
  try {
    [p, m] = await booting;
  } catch (e) {
    bootFailed = true;
    banner((e as Error).message, null);
    if (e instanceof ApiError && e.code === "UNAUTHENTICATED") openKeyForm();
    setStatus("error");
    return;
  }
  actions = m.__schema.mutationType?.fields.map((f) => f.name) ?? [];
  queries = m.__schema.queryType.fields.map((f) => f.name);
  const serviceFields = new Set(m.service?.fields.map((f) => f.name) ?? []);
  healthFields = HEALTH_FIELDS.filter((f) => serviceFields.has(f));
  byId<HTMLDivElement>("f-changed-box").hidden = !queries.includes("changedFiles");
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
