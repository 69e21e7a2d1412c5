// The insights dashboard: each ecosystem figure (GlobalMetric series from the `insights` query)
// as its latest value and an inline SVG sparkline of its trend. No chart library: a polyline.

import type { Metric } from "./api";
import { el } from "./dom";

const SVG = "http://www.w3.org/2000/svg";

/** Titles in dashboard order; a metric the server adds later is shown after these, by its name. */
const TITLES: [string, string][] = [
  ["projects", "Projects"],
  ["files", "Files"],
  ["symbols", "Symbols"],
  ["tested_public_share", "Public symbols with a test"],
  ["compliance_pass_ratio", "Compliance checks passing"],
  ["open_findings_critical", "Open critical findings"],
  ["open_findings_high", "Open high findings"],
  ["open_findings_medium", "Open medium findings"],
  ["open_findings_low", "Open low findings"],
  ["commits_behind_head", "Commits behind HEAD"],
  ["files_behind_head", "Files behind HEAD"],
];
const SHARES = new Set(["tested_public_share", "compliance_pass_ratio"]);

function format(name: string, v: number): string {
  if (SHARES.has(name)) return `${(v * 100).toFixed(v === 0 || v === 1 ? 0 : 1)} %`;
  return Number.isInteger(v) ? v.toLocaleString("en") : v.toFixed(2);
}

/** An inline SVG line of the points (oldest left); a single point is a dot. */
export function sparkline(points: { at: string; value: number }[], width = 160, height = 36): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  const values = points.map((p) => p.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 3;
  const x = (i: number): number => (points.length < 2 ? width / 2 : pad + (i * (width - 2 * pad)) / (points.length - 1));
  const y = (v: number): number => (hi === lo ? height / 2 : height - pad - ((v - lo) * (height - 2 * pad)) / (hi - lo));
  if (points.length > 1) {
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#0b57d0");
    line.setAttribute("stroke-width", "1.5");
    svg.append(line);
  }
  if (points.length) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", x(points.length - 1).toFixed(1));
    dot.setAttribute("cy", y(points[points.length - 1].value).toFixed(1));
    dot.setAttribute("r", "2.5");
    dot.setAttribute("fill", "#0b57d0");
    svg.append(dot);
  }
  return svg;
}

export function insightsPanel(box: HTMLElement, metrics: Metric[] | null, scope: string, error = ""): void {
  const head = el("h2", {}, "Insights");
  if (metrics === null) {
    box.replaceChildren(head, el("p", { "data-insights": "unavailable" },
      error ? `Insights are unavailable: ${error}` : "Insights are unavailable on this server."));
    return;
  }
  const order = new Map(TITLES.map(([n], i) => [n, i]));
  const sorted = [...metrics].sort((a, b) => (order.get(a.name) ?? 99) - (order.get(b.name) ?? 99)
    || a.name.localeCompare(b.name));
  const grid = el("div", { class: "metrics" });
  for (const m of sorted) {
    const points = [...m.points].sort((a, b) => a.at.localeCompare(b.at));
    const last = points[points.length - 1];
    const first = points[0];
    const title = TITLES.find(([n]) => n === m.name)?.[1] ?? m.name;
    const trend = last && first && points.length > 1
      ? `${last.value >= first.value ? "+" : "−"}${format(m.name, Math.abs(last.value - first.value))} since ${first.at.slice(0, 10)}`
      : "one sample";
    const figure = el("figure", { class: "metric", "data-metric": m.name, "data-points": String(points.length) },
      el("figcaption", {}, title),
      el("strong", {}, last ? format(m.name, last.value) : "—"),
      sparkline(points),
      el("small", {}, last ? trend : "no samples yet"));
    figure.setAttribute("aria-label", `${title}: ${last ? format(m.name, last.value) : "no samples"}, ${trend}`);
    grid.append(figure);
  }
  box.replaceChildren(head, el("p", { class: "hint" }, `${scope}; newest value and its trend.`),
    metrics.length ? grid : el("p", { "data-insights": "empty" }, "No figures yet: they are computed after an ingest or a check."));
}
