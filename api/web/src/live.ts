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
 * edges, and the nodes hung from them by `group`); a new node is placed beside its group; a changed
 * one keeps its place. Edges between owned nodes are dropped, added or updated likewise.
 */
export function patchGraph<N extends Placed, E extends object>(
  graph: Graph<N, E>, nodes: [string, N][], edges: [string, string, string, E][],
  owned: (a: N) => boolean,
): string[] {
  const wanted = new Map(nodes);
  for (const id of graph.filterNodes((id, a) => owned(a) && !wanted.has(id))) graph.dropNode(id);
  for (const id of graph.filterNodes((_id, a) => !owned(a) && a.group !== "" && !graph.hasNode(a.group))) {
    graph.dropNode(id);
  }
  const fresh: string[] = [];
  const spread = extent(graph) / 50;
  nodes.forEach(([id, a], i) => {
    if (!graph.hasNode(id)) {
      const at = graph.hasNode(a.group) ? graph.getNodeAttributes(a.group) : a;
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
  const gone = graph.filterEdges((key, _a, _s, _t, sa, ta) => owned(sa) && owned(ta) && !keys.has(key));
  for (const key of gone) graph.dropEdge(key);
  for (const [key, s, t, a] of edges) {
    if (!graph.hasNode(s) || !graph.hasNode(t)) continue;
    if (!graph.hasEdge(key)) graph.addEdgeWithKey(key, s, t, a);
    else if (differs(a, graph.getEdgeAttributes(key))) graph.replaceEdgeAttributes(key, a);
  }
  return fresh;
}

/** The larger side of the box the drawn nodes span (1 when there are none). */
function extent<N extends Placed, E extends object>(graph: Graph<N, E>): number {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  graph.forEachNode((_id, a) => {
    x0 = Math.min(x0, a.x);
    x1 = Math.max(x1, a.x);
    y0 = Math.min(y0, a.y);
    y1 = Math.max(y1, a.y);
  });
  return graph.order ? Math.max(x1 - x0, y1 - y0, 1) : 1;
}
