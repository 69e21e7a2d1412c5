// Layouts. Force-directed runs ForceAtlas2 in a web worker so the page never freezes; the
// layered layout (dagre) runs on small subgraphs only; circular and radial are instant.

import dagre from "@dagrejs/dagre";
import type Graph from "graphology";
import { circlepack, circular } from "graphology-layout";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";

export const LAYERED_MAX_NODES = 1500;
const FORCE_MS = 2500;

let running: FA2Layout | null = null;
let timer: number | undefined;

export function stopForce(): void {
  if (timer !== undefined) window.clearTimeout(timer);
  timer = undefined;
  if (running) {
    running.kill();
    running = null;
  }
}

/** Seeds positions by the container tree (directories as circles of their entries), then runs ForceAtlas2 off the main thread. */
export function force(graph: Graph, onDone: () => void): void {
  stopForce();
  if (graph.order === 0) return onDone();
  circlepack.assign(graph, { hierarchyAttributes: ["group"], scale: 100 });
  const settings = forceAtlas2.inferSettings(graph);
  running = new FA2Layout(graph, {
    settings: { ...settings, barnesHutOptimize: graph.order > 500, slowDown: 5 },
    getEdgeWeight: "weight",
  });
  running.start();
  timer = window.setTimeout(() => {
    stopForce();
    onDone();
  }, graph.order > 3000 ? FORCE_MS * 2 : FORCE_MS);
}

export function layered(graph: Graph): boolean {
  if (graph.order > LAYERED_MAX_NODES) return false;
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 60 });
  g.setDefaultEdgeLabel(() => ({}));
  graph.forEachNode((n) => g.setNode(n, { width: 40, height: 16 }));
  graph.forEachEdge((_e, _a, s, t) => {
    if (s !== t) g.setEdge(s, t);
  });
  dagre.layout(g);
  graph.forEachNode((n) => {
    const p = g.node(n);
    graph.mergeNodeAttributes(n, { x: p.x, y: -p.y });
  });
  return true;
}

export function circle(graph: Graph): void {
  circular.assign(graph, { scale: 100 });
}

/** Rings by breadth-first distance (any direction) from the centre node. */
export function radial(graph: Graph, centre: string): boolean {
  if (!graph.hasNode(centre)) return false;
  const depth = new Map<string, number>([[centre, 0]]);
  let frontier = [centre];
  while (frontier.length) {
    const next: string[] = [];
    for (const n of frontier) {
      graph.forEachNeighbor(n, (m) => {
        if (!depth.has(m)) {
          depth.set(m, (depth.get(n) ?? 0) + 1);
          next.push(m);
        }
      });
    }
    frontier = next;
  }
  const maxDepth = Math.max(0, ...depth.values()) + 1;
  const rings = new Map<number, string[]>();
  graph.forEachNode((n) => {
    const d = depth.get(n) ?? maxDepth;
    rings.set(d, [...(rings.get(d) ?? []), n]);
  });
  for (const [d, nodes] of rings) {
    nodes.sort();
    nodes.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / nodes.length;
      graph.mergeNodeAttributes(n, { x: d * 30 * Math.cos(angle), y: d * 30 * Math.sin(angle) });
    });
  }
  return true;
}
