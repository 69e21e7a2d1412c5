// How entities and edges look: node colour and shape by entity and kind, edge colour and
// program by type and resolution (a guess must never look like a proven edge).

export const NODE_COLOURS: Record<string, string> = {
  Repo: "#3d3d3d",
  Directory: "#6b5b95",
  File: "#1f6fb2",
  Class: "#b5462a",
  Interface: "#c06c84",
  Struct: "#b5462a",
  Trait: "#c06c84",
  Enum: "#8a6d00",
  Function: "#207a3c",
  Method: "#3a9b5b",
  Constructor: "#3a9b5b",
  Property: "#6a8f2a",
  Field: "#7a7a2a",
  Variable: "#7f7f7f",
  Constant: "#6d6d6d",
  Module: "#1f6fb2",
  Test: "#a0527a",
  External: "#9a9a9a",
  SpecItem: "#00838f",
  Task: "#5d4037",
  Finding: "#c62828",
  Service: "#283593",
  Project: "#37474f",
  Audit: "#00695c",
  Other: "#555555",
};

export const EDGE_COLOURS: Record<string, string> = {
  CALLS: "#2e7d32",
  USES: "#6a1b9a",
  EXTENDS: "#b71c1c",
  IMPLEMENTS: "#ad1457",
  IMPORTS: "#1565c0",
  CONTAINS: "#d0d0d0",
  DEFINES: "#d0d0d0",
  PROJECT_LINK: "#37474f",
  INTEGRATES: "#283593",
  AUDITS: "#00897b",
  IMPLEMENTED_BY: "#8d6e63",
  DECLARES: "#4db6ac",
};

/** Edges that join a thing to what holds it or what it is about: lines in their own colour. */
const STRUCTURAL = new Set(["CONTAINS", "DEFINES", "AUDITS", "IMPLEMENTED_BY", "DECLARES"]);

export const HEURISTIC_COLOUR = "#ef6c00";
export const UNRESOLVED_COLOUR = "#9e9e9e";

export function nodeKey(label: string, kind: string | null): string {
  if (label === "Symbol") return kind && kind in NODE_COLOURS ? kind : "Other";
  return label in NODE_COLOURS ? label : "Other";
}

export function nodeColour(label: string, kind: string | null): string {
  return NODE_COLOURS[nodeKey(label, kind)];
}

/**
 * Squares for containers (projects, repos, directories, files), diamonds for spec items, rings for
 * externals and audits, discs for the rest.
 */
export function nodeType(label: string): string {
  if (label === "Audit") return "border";
  if (label === "SpecItem") return "diamond";
  if (label === "Project" || label === "Repo" || label === "Directory" || label === "File") return "square";
  if (label === "External") return "border";
  return "circle";
}

/** The dominant resolution of an aggregated edge: exact only when every edge is exact. */
export function resolutionOf(heuristic: number, unresolved: number): string {
  if (heuristic === 0 && unresolved === 0) return "exact";
  return heuristic >= unresolved ? "heuristic" : "unresolved";
}

export function edgeLook(type: string, resolution: string | null): { color: string; type: string } {
  if (STRUCTURAL.has(type)) return { color: EDGE_COLOURS[type], type: "line" };
  if (resolution === "heuristic") return { color: HEURISTIC_COLOUR, type: "line" };
  if (resolution === "unresolved") return { color: UNRESOLVED_COLOUR, type: "line" };
  return { color: EDGE_COLOURS[type] ?? "#555555", type: "arrow" };
}
