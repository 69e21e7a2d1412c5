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

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
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

export const OVERVIEW = `query Overview($p: ID!, $expand: [String!], $collapse: [String!], $max: Int, $maxSym: Int!) {
  overview(projectId: $p, expand: $expand, collapse: $collapse, maxNodes: $max, maxFileSymbols: $maxSym) {
    truncated
    nodes { id label name repo path parent files symbols expandable expanded truncated kind lang line }
    edges { type from to count exact heuristic unresolved }
  }
}`;

export const NEIGHBOURHOOD = `query Hood($id: ID!, $depth: Int!, $limit: Int!, $offset: Int!) {
  neighbourhood(nodeId: $id, depth: $depth, limit: $limit, offset: $offset) {
    root hasMore offset limit
    nodes { id label name kind repo path lang line depth }
    edges { type from to line resolution candidates confidence }
  }
}`;

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

export const MUTATIONS = `{ __schema { mutationType { fields { name } } subscriptionType { fields { name } } } }`;
