// DOM helpers. Everything that comes from indexed code is untrusted: it goes in as text only.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

/** A definition list of the rows whose value is not empty. */
export function dl(rows: [string, string | null | undefined][]): HTMLElement {
  const out = el("dl");
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === "") continue;
    out.append(el("dt", {}, k), el("dd", {}, v));
  }
  return out;
}
