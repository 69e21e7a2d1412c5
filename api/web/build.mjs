// Builds the client into ../static: one minified bundle plus the page and its style sheet.
// The output is committed; CI rebuilds it and fails when it differs (see .ci/run).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = new URL("../static/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: `${out}app.js`,
  legalComments: "linked",
  logLevel: "warning",
});
for (const name of ["index.html", "style.css"]) copyFileSync(name, `${out}${name}`);
