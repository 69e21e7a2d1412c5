// Live updates over the graphql-transport-ws protocol: connection_init, subscribe to `events`,
// ping/pong; a lost socket reconnects with backoff and the view resynchronises, since events
// sent while it was away were missed. A change is applied to the drawn graph in place
// (`patchGraph`): what stayed keeps its place, what is new or changed flashes.

import type Graph from "graphology";

export interface LiveEvent {
  subject: string;
  payload: unknown; // JSON
}

export interface LiveOptions {
  subject: string;
  auth: () => string; // the API key, sent in connection_init (browsers cannot set WebSocket headers)
  onEvent: (e: LiveEvent) => void;
  onResync: () => void;
  onStatus: (status: "connecting" | "live" | "offline" | "unavailable") => void;
}

const SUBSCRIPTION = `subscription Live($subject: String) { events(subject: $subject) { subject payload } }`;

export class LiveClient {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private wasLive = false;

  constructor(private readonly options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close(1000, "stopped");
  }

  /** Reconnects now (a new API key); the view resynchronises once the subscription is back. */
  restart(): void {
    const old = this.socket;
    this.stopped = false;
    this.attempt = 0;
    if (old) {
      old.onclose = null;
      old.close(1000, "restart");
    }
    this.connect();
  }

  private url(): string {
    const u = new URL("graphql", window.location.href);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    return u.toString();
  }

  private connect(): void {
    this.options.onStatus("connecting");
    const socket = new WebSocket(this.url(), "graphql-transport-ws");
    this.socket = socket;
    const key = this.options.auth();
    socket.onopen = () => socket.send(JSON.stringify({
      type: "connection_init", payload: key ? { Authorization: `Bearer ${key}` } : {},
    }));
    socket.onmessage = (m) => this.receive(socket, String(m.data));
    socket.onclose = () => this.closed();
  }

  private receive(socket: WebSocket, text: string): void {
    const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
    if (message.type === "connection_ack") {
      socket.send(JSON.stringify({
        id: "events", type: "subscribe",
        payload: { query: SUBSCRIPTION, variables: { subject: this.options.subject } },
      }));
      const reconnected = this.wasLive;
      this.attempt = 0;
      this.wasLive = true;
      this.options.onStatus("live");
      if (reconnected) this.options.onResync();
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next") {
      const payload = message.payload as { data?: { events?: LiveEvent } };
      if (payload.data?.events) this.options.onEvent(payload.data.events);
    } else if (message.type === "error") {
      // The server has no such subscription (yet): stay offline instead of retrying forever.
      this.stopped = true;
      this.options.onStatus("unavailable");
      socket.close(1000, "no subscription");
    }
  }

  private closed(): void {
    this.socket = null;
    if (this.stopped) return;
    this.options.onStatus("offline");
    const delay = Math.min(30000, 500 * 2 ** this.attempt);
    this.attempt += 1;
    window.setTimeout(() => this.connect(), delay);
  }
}

/** What a node of a drawn graph needs for a patch: a place, the cue, and the group it sits in. */
export interface Placed {
  x: number;
  y: number;
  fresh: boolean;
  group: string;
}

// Set on a drawn node by others (the overlay) or by the patch itself: not a change of the answer.
const KEPT = new Set(["x", "y", "fresh", "overlay"]);

function differs(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return Object.keys(x).some((k) => !KEPT.has(k) && x[k] !== y[k]);
}

/**
 * Brings `graph` to a new answer in place and returns the ids of the nodes added or changed (flash
 * them). Among the nodes `owned` says the answer covers, those it lacks are dropped (with their
 * edges, and the nodes hung from them by `group`); a new node is placed beside its group, else beside
 * a drawn node an edge of the answer joins it to, else in the middle; a changed one keeps its place.
 * Among the edges `ownsEdge` says the answer covers (by default those between owned nodes), those it
 * lacks are dropped; the answer's are added or updated.
 */
export function patchGraph<N extends Placed, E extends object>(
  graph: Graph<N, E>, nodes: [string, N][], edges: [string, string, string, E][],
  owned: (a: N) => boolean, ownsEdge: (s: N, t: N, a: E) => boolean = (s, t) => owned(s) && owned(t),
): string[] {
  const wanted = new Map(nodes);
  const dropped = new Set(graph.filterNodes((id, a) => owned(a) && !wanted.has(id)));
  for (const id of graph.filterNodes((id, a) => dropped.has(id) || (!owned(a) && dropped.has(a.group)))) {
    graph.dropNode(id);
  }
  const fresh: string[] = [];
  const [cx, cy, size] = box(graph);
  const spread = size / 50;
  const near = neighbours(graph, edges);
  nodes.forEach(([id, a], i) => {
    if (!graph.hasNode(id)) {
      const anchor = graph.hasNode(a.group) ? a.group : near.get(id);
      const at = anchor !== undefined && graph.hasNode(anchor) ? graph.getNodeAttributes(anchor) : { x: cx, y: cy };
      const angle = (i * 2.4) % (2 * Math.PI);
      graph.addNode(id, { ...a, x: at.x + spread * Math.cos(angle), y: at.y + spread * Math.sin(angle), fresh: true });
      fresh.push(id);
    } else if (differs(a, graph.getNodeAttributes(id))) {
      const old = graph.getNodeAttributes(id);
      graph.replaceNodeAttributes(id, { ...a, x: old.x, y: old.y, fresh: true });
      fresh.push(id);
    }
  });
  const keys = new Set(edges.map(([key]) => key));
  const gone = graph.filterEdges((key, a, _s, _t, sa, ta) => ownsEdge(sa, ta, a) && !keys.has(key));
  for (const key of gone) graph.dropEdge(key);
  for (const [key, s, t, a] of edges) {
    if (!graph.hasNode(s) || !graph.hasNode(t)) continue;
    if (!graph.hasEdge(key)) graph.addEdgeWithKey(key, s, t, a);
    else if (differs(a, graph.getEdgeAttributes(key))) graph.replaceEdgeAttributes(key, a);
  }
  return fresh;
}

/** For each end of the answer's edges that is not drawn yet, a drawn node at the other end (where to place it). */
function neighbours<N extends Placed, E extends object>(
  graph: Graph<N, E>, edges: [string, string, string, E][],
): Map<string, string> {
  const near = new Map<string, string>();
  for (const [, s, t] of edges) {
    if (!near.has(s) && !graph.hasNode(s) && graph.hasNode(t)) near.set(s, t);
    if (!near.has(t) && !graph.hasNode(t) && graph.hasNode(s)) near.set(t, s);
  }
  return near;
}

/** The middle of the box the drawn nodes span and its larger side (the origin and 1 when there are none). */
function box<N extends Placed, E extends object>(graph: Graph<N, E>): [number, number, number] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  graph.forEachNode((_id, a) => {
    x0 = Math.min(x0, a.x);
    x1 = Math.max(x1, a.x);
    y0 = Math.min(y0, a.y);
    y1 = Math.max(y1, a.y);
  });
  return graph.order ? [(x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0, 1)] : [0, 0, 1];
}
