// The GraphQL client: POST /graphql, errors raised with their one-line message and code.

export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

interface Answer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const KEY = "graphsvc.apiKey";

/** The API key the user gave for this tab (session storage: it leaves with the tab), or "". */
export function apiKey(): string {
  try {
    return window.sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

export function setApiKey(key: string): void {
  try {
    if (key) window.sessionStorage.setItem(KEY, key);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the key lasts until the page reloads.
  }
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch("graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const answer = (await response.json()) as Answer<T>;
  if (answer.errors && answer.errors.length > 0) {
    const first = answer.errors[0];
    throw new ApiError(first.message, first.extensions?.code ?? "ERROR");
  }
  if (!answer.data) throw new ApiError(`empty answer (HTTP ${response.status})`, "ERROR");
  return answer.data;
}

export interface OverviewNode {
  id: string;
  label: string;
  name: string;
  repo: string;
  path: string;
  parent: string | null;
  files: number;
  symbols: number;
  expandable: boolean;
  expanded: boolean;
  truncated: boolean;
  kind: string | null;
  lang: string | null;
  line: number | null;
}

export interface OverviewEdge {
  type: string;
  from: string;
  to: string;
  count: number;
  exact: number;
  heuristic: number;
  unresolved: number;
}

export interface Overview {
  nodes: OverviewNode[];
  edges: OverviewEdge[];
  truncated: boolean;
}

export interface GraphNode {
  id: string;
  label: string;
  name: string;
  kind: string | null;
  repo: string | null;
  path: string | null;
  lang: string | null;
  line: number | null;
  depth: number | null;
}

export interface GraphEdge {
  type: string;
  from: string;
  to: string;
  line: number | null;
  resolution: string | null;
  candidates: number | null;
  confidence: number | null;
}

export interface Neighbourhood {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  hasMore: boolean;
  offset: number;
  limit: number;
}

// The views come packed (`overviewColumns`, `neighbourhoodColumns`): one list per field, which the
// server produces several times faster than a GraphQL list of objects; `unpack` makes the rows.
export const OVERVIEW = `query Overview($p: ID!, $expand: [String!], $collapse: [String!], $max: Int, $maxSym: Int!) {
  overviewColumns(projectId: $p, expand: $expand, collapse: $collapse, maxNodes: $max, maxFileSymbols: $maxSym)
}`;

export const NEIGHBOURHOOD = `query Hood($id: ID!, $depth: Int!, $limit: Int!, $offset: Int!) {
  neighbourhoodColumns(nodeId: $id, depth: $depth, limit: $limit, offset: $offset)
}`;

type Columns<T> = { [K in keyof T]: T[K][] };

/** A packed answer: its `nodes` and `edges` as one list per field. */
export type Packed<T extends { nodes: unknown[]; edges: unknown[] }> = Omit<T, "nodes" | "edges"> & {
  nodes: Columns<T["nodes"][number]>;
  edges: Columns<T["edges"][number]>;
};

function rows<T>(columns: Columns<T>): T[] {
  const keys = Object.keys(columns) as (keyof T)[];
  const n = keys.length ? columns[keys[0]].length : 0;
  const out: T[] = new Array<T>(n);
  for (let i = 0; i < n; i += 1) {
    const row = {} as T;
    for (const k of keys) row[k] = columns[k][i];
    out[i] = row;
  }
  return out;
}

export function unpack<T extends { nodes: unknown[]; edges: unknown[] }>(packed: Packed<T>): T {
  return { ...packed, nodes: rows(packed.nodes), edges: rows(packed.edges) } as unknown as T;
}

export const PROJECTS = `{ projects(limit: 500) { items { id name } } }`;

export const SEARCH = `query Search($q: String!) {
  search(query: $q, limit: 12) {
    score match
    node { id label name ... on Symbol { qualifiedName kind path line } ... on File { filePath: path } }
  }
}`;

const REF = `items { from { id name label ... on Symbol { path line } ... on File { filePath: path } } to { id name label }
  line resolution candidates confidence file { path } } hasMore`;

export const SYMBOL = `query Sym($id: ID!) {
  symbol(id: $id) {
    id name qualifiedName kind signature doc path line repo exported
    callers(limit: 50) { ${REF} }
    callees(limit: 50) { ${REF} }
    references(limit: 50) { ${REF} }
  }
  impact(symbolId: $id, depth: 3, maxNodes: 200) {
    truncated groups { file { repo path } entries { node { id name } depth resolution } }
  }
  source(nodeId: $id, maxLines: 40) { start lines truncated }
}`;

export const FILE = `query File($id: ID!) {
  node(id: $id) { id name ... on File { repo path lang loc parseErrors } }
  references(symbolId: $id, limit: 50) { ${REF} }
  source(nodeId: $id, maxLines: 30) { start lines truncated }
}`;

/** What this server offers: mutations, subscriptions, query fields and the Service fields (health may be absent). */
export const SCHEMA = `{
  __schema { mutationType { fields { name } } subscriptionType { fields { name } } queryType { fields { name } } }
  service: __type(name: "Service") { fields { name } }
}`;

export interface SchemaInfo {
  __schema: {
    mutationType: { fields: { name: string }[] } | null;
    subscriptionType: { fields: { name: string }[] } | null;
    queryType: { fields: { name: string }[] };
  };
  service: { fields: { name: string }[] } | null;
}

export interface Service {
  id: string;
  name: string;
  project: string;
  repo: string;
  path: string;
  image: string;
  type: string;
  ports: string[];
  endpoint: string;
  healthUrl: string;
  healthStatus?: string | null;
  healthLatencyMs?: number | null;
  healthCheckedAt?: string | null;
}

export interface EcosystemGraph {
  projects: { id: string; name: string }[];
  services: Service[];
  links: { from: string; to: string; type: string; package: string }[];
  integrations: { from: string; to: string; protocol: string; via: string }[];
}

export const HEALTH_FIELDS = ["healthStatus", "healthLatencyMs", "healthCheckedAt"];

/** The ecosystem query; the health fields only when the server's Service type has them. */
export function ecosystemQuery(health: string[]): string {
  return `{ ecosystemGraph {
  projects { id name }
  services { id name project repo path image type ports endpoint healthUrl ${health.join(" ")} }
  links { from to type package }
  integrations { from to protocol via } } }`;
}

export interface CrossRef {
  type: string;
  from: { id: string; name: string; label: string; kind?: string };
  to: { id: string; name: string; label: string; kind?: string };
  line: number | null;
  resolution: string | null;
  file: { path: string } | null;
}

export interface CrossProject {
  project: string;
  dependsOn: { from: string; to: string; type: string; package: string }[];
  dependents: { from: string; to: string; type: string; package: string }[];
  outgoing: { items: CrossRef[]; hasMore: boolean };
  incoming: { items: CrossRef[]; hasMore: boolean };
}

const CROSS_END = "id name label ... on Symbol { kind }";
const CROSS_REF = `items { type from { ${CROSS_END} } to { ${CROSS_END} } line resolution file { path } } hasMore`;

export const CROSS = `query Cross($p: ID!) { crossProjectDependencies(projectId: $p, limit: 200) {
  project dependsOn { from to type package } dependents { from to type package }
  outgoing { ${CROSS_REF} } incoming { ${CROSS_REF} } } }`;

export interface Finding {
  id: string;
  ruleId: string;
  severity: string;
  message: string;
  path: string;
  line: number;
  status: string;
  tool: string;
  target: string;
  createdAt: string;
}

export interface Check {
  id: string;
  status: string;
  rule: string;
  project: string;
  checkedAt: string;
  violations: { id: string; message: string }[];
}

/** Every open finding and every project's latest checks (the panel lists all projects). */
export const SECURITY = `{
  findings(status: "open") { id ruleId severity message path line status tool target createdAt }
  complianceChecks { id status rule project checkedAt violations { id message } }
}`;

export interface Attachment {
  audits: { id: string; kind: string; status: string; tool: string; target: string; createdAt: string }[];
  tasks: { id: string; title: string; status: string; kind: string; targets: string[] }[];
}

/** Audits and tasks, drawn beside the nodes they are about. */
export const ATTACHED = `query Attached($p: String!) {
  audits { id kind status tool target createdAt }
  tasks(project: $p) { id title status kind targets }
}`;

export interface AttachedSpec {
  type: string; // IMPLEMENTED_BY (the item to `target`) or DECLARES (the Markdown file `target` to the item)
  id: string;
  source: string;
  ref: string;
  title: string;
  priority: string;
  status: string;
  target: string;
  resolution: string;
}

/** The spec items linked to the drawn files and symbols, or declared by the opened Markdown files: one request for all. */
export const ATTACHED_SPECS = `query Specs($ids: [ID!]!, $files: [ID!], $limit: Int!) {
  attachedSpecs(nodeIds: $ids, declaredIn: $files, limit: $limit) {
    links { type id source ref title priority status target resolution } hasMore } }`;

export const SPEC_ITEM = `query Spec($id: ID!) {
  specItem(id: $id) {
    id source ref title description priority status headingPath
    implementedBy { id label name line resolution confidence candidates }
  }
}`;

export interface Metric {
  name: string;
  projectId: string | null;
  points: { at: string; value: number }[];
}

export const INSIGHTS = `query Insights($p: ID) { insights(projectId: $p) { name projectId points { at value } } }`;
