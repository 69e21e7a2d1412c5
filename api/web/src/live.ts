// Live updates over the graphql-transport-ws protocol: connection_init, subscribe to `events`,
// ping/pong; a lost socket reconnects with backoff and the view resynchronises, since events
// sent while it was away were missed.

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
