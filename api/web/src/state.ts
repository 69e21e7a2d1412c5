// The view state, kept in the URL so that a view can be shared and the back button works.

export interface Filters {
  path: string;
  lang: string;
  kinds: string[]; // hidden kinds
  types: string[]; // hidden edge types
  res: string[]; // hidden resolutions
  changed: string; // only what changed: "" everything, "@ingest" the last ingest, else since this git ref
}

export interface ViewState {
  project: string;
  view: "overview" | "neighbourhood" | "ecosystem";
  focus: string; // the root of a neighbourhood view
  depth: number;
  expand: string[];
  collapse: string[];
  selected: string;
  layout: string;
  max: number; // overview budget; 0: the server's default
  overlay: boolean; // colour by the worst open finding or failing check
  filters: Filters;
}

const VIEWS = ["overview", "neighbourhood", "ecosystem"] as const;
const LIST = (v: string | null): string[] => (v ? v.split(",").filter(Boolean) : []);

export function readState(search: string): ViewState {
  const q = new URLSearchParams(search);
  return {
    project: q.get("project") ?? "",
    view: VIEWS.find((v) => v === q.get("view")) ?? "overview",
    focus: q.get("focus") ?? "",
    depth: Math.min(5, Math.max(1, Number(q.get("depth") ?? "1") || 1)),
    expand: LIST(q.get("expand")),
    collapse: LIST(q.get("collapse")),
    selected: q.get("sel") ?? "",
    layout: q.get("layout") ?? "force",
    max: Math.min(5000, Math.max(0, Number(q.get("max") ?? "0") || 0)),
    overlay: q.get("overlay") === "security",
    filters: {
      path: q.get("path") ?? "",
      lang: q.get("lang") ?? "",
      kinds: LIST(q.get("hideKinds")),
      types: LIST(q.get("hideTypes")),
      res: LIST(q.get("hideRes")),
      changed: q.get("changed") ?? "",
    },
  };
}

export function writeState(s: ViewState): string {
  const q = new URLSearchParams();
  const put = (k: string, v: string): void => {
    if (v) q.set(k, v);
  };
  put("project", s.project);
  if (s.view !== "overview") put("view", s.view);
  put("focus", s.focus);
  if (s.view === "neighbourhood") put("depth", String(s.depth));
  put("expand", s.expand.join(","));
  put("collapse", s.collapse.join(","));
  put("sel", s.selected);
  if (s.layout !== "force") put("layout", s.layout);
  if (s.max) put("max", String(s.max));
  if (s.overlay) put("overlay", "security");
  put("path", s.filters.path);
  put("lang", s.filters.lang);
  put("hideKinds", s.filters.kinds.join(","));
  put("hideTypes", s.filters.types.join(","));
  put("hideRes", s.filters.res.join(","));
  put("changed", s.filters.changed);
  return `?${q.toString()}`;
}
