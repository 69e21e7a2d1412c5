// Compiler-grade reference for bench/accuracy_ts.py: which declaration each call resolves to.
//
// Usage: node bench/ts_reference.cjs <root> <out.json>   (NODE_PATH must reach `typescript`)
//
// Builds one TypeScript program over every .ts/.tsx/.mts/.cts file under <root> (no .d.ts,
// no node_modules) and, for every call and `new` expression whose callee is a name or a
// property access (`f()`, `a.b.f()`, `new A()`, `new ns.A()`), asks the type checker for the
// symbol of the callee's name (`getSymbolAtLocation`, aliases followed with
// `getAliasedSymbol`) and reports its first value declaration: the file and the line of its
// name when it lies under <root> ("in"), "external" when it lies elsewhere (lib.d.ts,
// node_modules), "none" when the checker has no declaration. For `super(...)` it reports the
// base class's constructor (its `constructor` line), or the base class when it declares none.
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const root = path.resolve(process.argv[2]);
const outFile = process.argv[3];

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !/\.d\.(ts|mts|cts)$/.test(entry.name)) out.push(p);
  }
  return out;
}

const files = walk(root, []);
const inRepo = new Set(files.map((f) => path.resolve(f)));
const program = ts.createProgram(files, {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  noEmit: true, skipLibCheck: true, strict: false, jsx: ts.JsxEmit.ReactJSX, types: [],
  experimentalDecorators: true, allowImportingTsExtensions: true,
});
const checker = program.getTypeChecker();
const rel = (f) => path.relative(root, f).split(path.sep).join("/");

function declarationOf(nameNode) {
  let sym = checker.getSymbolAtLocation(nameNode);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  if (!sym) return null;
  return sym.valueDeclaration || (sym.declarations && sym.declarations[0]) || null;
}

function nameLine(decl, keepConstructor) {
  let node = decl;
  if (ts.isConstructorDeclaration(node) && !keepConstructor) node = node.parent;
  const name = ts.getNameOfDeclaration(node) || node;
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(name.getStart(sf)).line + 1;
}

const rows = [];
for (const sf of program.getSourceFiles()) {
  if (!inRepo.has(path.resolve(sf.fileName))) continue;
  const visit = (node) => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = node.expression;
      let nameNode = null;
      if (ts.isIdentifier(callee)) nameNode = callee;
      else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) nameNode = callee.name;
      if (callee.kind === ts.SyntaxKind.SuperKeyword) {
        // super(...): the base class's constructor, or the base class when it declares none.
        const pos = sf.getLineAndCharacterOfPosition(callee.getStart(sf));
        const row = { file: rel(sf.fileName), line: pos.line + 1, col: pos.character, kind: "none" };
        const sig = checker.getResolvedSignature(node);
        let decl = sig && sig.declaration && ts.isConstructorDeclaration(sig.declaration) ? sig.declaration : null;
        if (!decl) {
          const type = checker.getTypeAtLocation(callee);
          decl = type && type.symbol ? type.symbol.valueDeclaration || null : null;
        }
        if (decl) {
          const target = path.resolve(decl.getSourceFile().fileName);
          if (inRepo.has(target)) Object.assign(row, { kind: "in", tfile: rel(target), tline: nameLine(decl, true) });
          else row.kind = "external";
        }
        rows.push(row);
      } else if (nameNode) {
        const pos = sf.getLineAndCharacterOfPosition(nameNode.getStart(sf));
        const row = { file: rel(sf.fileName), line: pos.line + 1, col: pos.character, kind: "none" };
        const decl = declarationOf(nameNode);
        if (decl) {
          const target = path.resolve(decl.getSourceFile().fileName);
          if (inRepo.has(target)) Object.assign(row, { kind: "in", tfile: rel(target), tline: nameLine(decl) });
          else row.kind = "external";
        }
        rows.push(row);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
fs.writeFileSync(outFile, JSON.stringify({ typescript: ts.version, files: files.length, rows }));
