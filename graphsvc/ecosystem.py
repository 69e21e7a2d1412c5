"""The ecosystem layer: what repos declare (manifests, docker-compose) and the links derived from it.

Each ingest reads the repo's manifests at its root (``pyproject.toml``, ``setup.cfg``,
``requirements*.txt``, ``package.json``, ``go.mod``) and compose files (``docker-compose*.yml``,
``compose*.yaml``) into ``Repo.manifest``. The rest is *derived* from the stored repos, so it is a
function of the stored graph and an incremental run converges to what a fresh one builds:

- ``PROJECT_LINK {type: "dependency", package}`` from a project whose repo requires a package to the
  project whose repo provides it (Python names compared after PEP 503 normalisation);
- cross-project edges: an edge of the consumer to an ``External`` under a module root of the
  provider (``ext:python:toolkit.text.slugify``), a package it provides
  (``ext:typescript:@acme/uikit.Button``, ``ext:typescript:@acme/uikit/format``) or a package of a
  module it provides (``ext:go:example.com/geo/distance.Between``) gets a twin to the provider's
  ``File`` or ``Symbol``, with the same position, ``resolution: exact`` and ``crossProject: true``;
  the External edge stays, so each repo's own facts do not depend on which other repos are indexed;
- ``Service`` nodes per docker-compose service, ``INTEGRATES`` from ``depends_on`` and from URLs in a
  service's environment whose host names another service of the project.

``link`` recomputes it after every write of a repo: project links and services in full (a handful
of rows), cross-project edges for the repo itself and for every repo that requires a package it
provides, before or after the write (docs/decisions/0007).
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from graphsvc.ingest.resolve import go, typescript
from graphsvc.model import EDGE_PROPS, NODE_SCHEMA, file_id, service_id, symbol_id
from graphsvc.store import cypher
from graphsvc.store.base import Store

__all__ = ["LinkReport", "Manifest", "link", "normalize", "read_manifest"]

_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_REQUIREMENTS = re.compile(r"^requirements([.-][\w.-]+)?\.txt$")
_DIST = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)")
_HTTP_URL = re.compile(r"https?://[^\s'\"]+")
_NPM_ENTRIES = ("exports", "main", "module", "types", "typings")
_TS_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs")  # as the TS resolver probes
_HEALTH_PROPS = frozenset({"healthStatus", "healthLatencyMs", "healthCheckedAt"})
_HEALTH_LABELS = ("graphsvc.health-url", "health-url", "healthUrl")
_TYPES = (("db", ("postgres", "mysql", "mariadb", "mongo", "cockroach", "clickhouse", "cassandra", "neo4j")),
          ("queue", ("rabbitmq", "kafka", "nats", "activemq", "redpanda")),
          ("cache", ("redis", "memcached", "valkey")))


def normalize(name: str) -> str:
    """A package name as registries compare it (PEP 503 for Python; npm and Go names are case-sensitive
    but never differ only by case in practice)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------
# Reading what a repo declares


@dataclass
class Manifest:
    """What a repo's manifests and compose files declare; ``problems`` names files that could not be read."""

    provides: set[tuple[str, str]] = field(default_factory=set)  # (ecosystem, normalised name)
    requires: set[tuple[str, str]] = field(default_factory=set)
    services: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    # The entry points of the npm package the repo provides (package.json ``exports``, ``main``,
    # ``module``, ``types``, ``typings``), which its importers' specifiers resolve through.
    npm: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The stored form, sorted so that an unchanged manifest is byte-identical."""
        return _manifest_json(self.provides, self.requires, self.services, self.npm)


def _manifest_json(provides: Iterable[tuple[str, str]], requires: Iterable[tuple[str, str]],
                   services: Iterable[dict[str, Any]], npm: dict[str, Any]) -> str:
    data: dict[str, Any] = {
        "provides": sorted(list(p) for p in provides),
        "requires": sorted(list(r) for r in requires),
        "services": sorted(services, key=lambda s: (s["name"], s["path"])),
    }
    if npm:
        data["npm"] = npm
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def read_manifest(root: Path) -> Manifest:
    """Read the manifests and compose files at the root of a repo; unreadable ones go to ``problems``."""
    found = Manifest()
    try:
        names = sorted(p.name for p in root.iterdir() if p.is_file())
    except OSError:
        return found
    for name in names:
        path = root / name
        try:
            if name == "pyproject.toml":
                _pyproject(found, tomllib.loads(path.read_text(encoding="utf-8")))
            elif name == "setup.cfg":
                _setup_cfg(found, path.read_text(encoding="utf-8"))
            elif _REQUIREMENTS.match(name):
                lines = _requirement_lines(path.read_text(encoding="utf-8"))
                found.requires |= {("python", normalize(d)) for d in lines}
            elif name == "package.json":
                _package_json(found, json.loads(path.read_text(encoding="utf-8")))
            elif name == "go.mod":
                _go_mod(found, path.read_text(encoding="utf-8"))
            elif _COMPOSE.match(name):
                import yaml  # only repos with a compose file pay for it

                found.services += _compose(name, yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, configparser.Error, AttributeError, TypeError,
                _yaml_error()) as exc:
            found.problems[name] = f"manifest not read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    found.requires -= found.provides
    return found


def _yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError  # type: ignore[no-any-return]


def _dists(specs: Iterable[Any]) -> set[str]:
    out = set()
    for spec in specs:
        m = _DIST.match(str(spec))
        if m:
            out.add(normalize(m.group(1)))
    return out


def _requirement_lines(text: str) -> set[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return _dists(line for line in lines if line and not line.startswith("-"))


def _pyproject(found: Manifest, data: dict[str, Any]) -> None:
    project = data.get("project") or {}
    if project.get("name"):
        found.provides.add(("python", normalize(str(project["name"]))))
    specs = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += list(extra)
    poetry = (data.get("tool") or {}).get("poetry") or {}
    if poetry.get("name"):
        found.provides.add(("python", normalize(str(poetry["name"]))))
    specs += [k for k in (poetry.get("dependencies") or {}) if k.lower() != "python"]
    found.requires |= {("python", d) for d in _dists(specs)}


def _setup_cfg(found: Manifest, text: str) -> None:
    cfg = configparser.ConfigParser()
    cfg.read_string(text)
    if cfg.has_option("metadata", "name"):
        found.provides.add(("python", normalize(cfg.get("metadata", "name"))))
    if cfg.has_option("options", "install_requires"):
        found.requires |= {("python", d) for d in _requirement_lines(cfg.get("options", "install_requires"))}


def _package_json(found: Manifest, data: dict[str, Any]) -> None:
    if data.get("name"):
        found.provides.add(("npm", str(data["name"])))
        found.npm = {k: data[k] for k in _NPM_ENTRIES if data.get(k) is not None}
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        found.requires |= {("npm", str(name)) for name in (data.get(key) or {})}


def _go_mod(found: Manifest, text: str) -> None:
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("module "):
            found.provides.add(("go", line.split()[1]))
        elif line.startswith("require ("):
            block = True
        elif block and line == ")":
            block = False
        elif block and line:
            found.requires.add(("go", line.split()[0]))
        elif line.startswith("require "):
            found.requires.add(("go", line.split()[1]))


def _compose(path: str, data: Any) -> list[dict[str, Any]]:
    services = (data or {}).get("services") or {}
    out = []
    for name, spec in services.items():
        spec = spec or {}
        env = spec.get("environment") or {}
        values = [str(v) for v in env.values() if v is not None] if isinstance(env, dict) else [str(v) for v in env]
        depends = spec.get("depends_on") or []
        labels = spec.get("labels") or {}
        if isinstance(labels, list):
            labels = dict(str(x).split("=", 1) for x in labels if "=" in str(x))
        out.append({
            "name": str(name), "path": path, "image": str(spec.get("image") or ""),
            "ports": [str(p) for p in spec.get("ports") or []],
            "expose": [str(p) for p in spec.get("expose") or []],
            "dependsOn": sorted(str(d) for d in depends),
            "urls": sorted({(m.group(1), m.group(2)) for v in values for m in _URL.finditer(v)}),
            "healthUrl": _health_url(labels, spec.get("healthcheck") or {}),
        })
    return out


def _health_url(labels: dict[str, Any], healthcheck: dict[str, Any]) -> str:
    for key in _HEALTH_LABELS:
        if labels.get(key):
            return str(labels[key])
    test = healthcheck.get("test") or ""
    text = " ".join(map(str, test)) if isinstance(test, list) else str(test)
    m = _HTTP_URL.search(text)
    return m.group(0) if m else ""


# ---------------------------------------------------------------------------
# Deriving the links


@dataclass
class LinkReport:
    """What a link pass wrote."""

    project_links: int = 0
    cross_edges: int = 0
    services: int = 0
    integrations: int = 0


@dataclass(frozen=True)
class _Repo:
    id: str
    project: str
    provides: frozenset[tuple[str, str]]
    requires: frozenset[tuple[str, str]]
    services: tuple[dict[str, Any], ...]
    npm: dict[str, Any] = field(default_factory=dict, hash=False)


def _repos(store: Store) -> dict[str, _Repo]:
    out = {}
    for row in store.read("eco_repos"):
        data = json.loads(row["manifest"] or "{}")
        out[row["id"]] = _Repo(row["id"], row["project"] or "", frozenset(tuple(p) for p in data.get("provides", [])),
                               frozenset(tuple(r) for r in data.get("requires", [])),
                               tuple(data.get("services", [])), data.get("npm") or {})
    return out


def link(store: Store, repo_id: str, manifest: Manifest, wrote: bool) -> LinkReport | None:
    """Store ``manifest`` on the repo and recompute the derived layer; None when nothing could change."""
    repos = _repos(store)
    old = repos.get(repo_id)
    if old is None:
        return None
    new_json = manifest.to_json()
    old_json = _manifest_json(old.provides, old.requires, old.services, old.npm)
    if not wrote and new_json == old_json and _stored_manifest_is(store, repo_id, new_json):
        return None
    repos[repo_id] = _Repo(repo_id, old.project, frozenset(manifest.provides), frozenset(manifest.requires),
                           tuple(manifest.services), manifest.npm)
    statements: list[tuple[str, dict[str, Any]]] = [
        ("MATCH (r:Repo {id: $id}) SET r.manifest = $manifest", {"id": repo_id, "manifest": new_json})]
    report = LinkReport()
    statements += _project_link_statements(repos, report)
    statements += _service_statements(repos, report)
    touched = old.provides | manifest.provides
    consumers = sorted({repo_id} | {r.id for r in repos.values() if r.requires & touched})
    before = _providers({**repos, repo_id: old})
    for consumer in consumers:
        # A consumer none of whose requirements had a provider has no cross edges to delete.
        had = consumer != repo_id or any(p.id != repo_id for req in old.requires for p in before.get(req, []))
        statements += _cross_edge_statements(store, repos, repos[consumer], report, had)
    store.execute_writes([(st, params) for st, params in statements if params.get("rows", True)])
    return report


def _stored_manifest_is(store: Store, repo_id: str, text: str) -> bool:
    return (store.repo(repo_id) or {}).get("manifest") == text


def _providers(repos: dict[str, _Repo]) -> dict[tuple[str, str], list[_Repo]]:
    out: dict[tuple[str, str], list[_Repo]] = {}
    for r in repos.values():
        for p in r.provides:
            out.setdefault(p, []).append(r)
    return out


def _project_link_statements(repos: dict[str, _Repo], report: LinkReport) -> list[tuple[str, dict[str, Any]]]:
    providers = _providers(repos)
    rows = set()
    for r in repos.values():
        for req in r.requires:
            for p in providers.get(req, []):
                if p.project != r.project:
                    rows.add((r.project, p.project, req[1]))
    report.project_links = len(rows)
    return [
        ("MATCH (a:Project)-[e:PROJECT_LINK]->(b:Project) DELETE e", {}),
        ("UNWIND $rows AS r MATCH (a:Project {id: r.src}) MATCH (b:Project {id: r.dst}) "
         "CREATE (a)-[:PROJECT_LINK {type: 'dependency', package: r.package}]->(b)",
         {"rows": [{"src": a, "dst": b, "package": pkg} for a, b, pkg in sorted(rows)]}),
    ]


def _service_type(image: str, exposed: bool) -> str:
    base = image.rsplit("/", 1)[-1].split(":", 1)[0].lower()
    for kind, words in _TYPES:
        if any(w in base for w in words):
            return kind
    return "api" if exposed else "job"


def _service_statements(repos: dict[str, _Repo], report: LinkReport) -> list[tuple[str, dict[str, Any]]]:
    nodes: dict[str, dict[str, Any]] = {}
    declared: dict[str, dict[str, Any]] = {}
    for r in sorted(repos.values(), key=lambda r: r.id):
        project = r.project.removeprefix("proj:")
        for s in sorted(r.services, key=lambda s: (s["path"], s["name"])):
            sid = service_id(project, s["name"])
            if sid in nodes:
                continue  # an override file of the same project names the same service
            container = (s["ports"] or s["expose"] or [""])[0].rsplit(":", 1)[-1].split("/", 1)[0]
            nodes[sid] = {
                "id": sid, "name": s["name"], "project": r.project, "repo": r.id, "path": s["path"],
                "image": s["image"], "type": _service_type(s["image"], bool(s["ports"] or s["expose"])),
                "ports": json.dumps(s["ports"]), "endpoint": f"{s['name']}:{container}" if container else "",
                "healthUrl": s["healthUrl"],
            }
            declared[sid] = {**s, "_project": project}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for sid, s in declared.items():
        for target in s["dependsOn"]:
            dst = service_id(s["_project"], target)
            if dst in nodes and dst != sid:
                edges.setdefault((sid, dst), {"via": set(), "protocol": ""})["via"].add("depends_on")
        for scheme, host in s["urls"]:
            dst = service_id(s["_project"], host)
            if dst in nodes and dst != sid:
                e = edges.setdefault((sid, dst), {"via": set(), "protocol": ""})
                e["via"].add("environment")
                e["protocol"] = e["protocol"] or scheme
    report.services, report.integrations = len(nodes), len(edges)
    # Services still declared are updated in place, so what the health probes recorded on them
    # (graphsvc/health.py) survives a re-link; the others go, with their samples.
    sets = ", ".join(f"n.`{p}` = r.`{p}`" for p in NODE_SCHEMA["Service"] if p != "id" and p not in _HEALTH_PROPS)
    keep = sorted(nodes)
    gone: list[tuple[str, dict[str, Any]]] = [
        ("MATCH (n:Service) WHERE NOT n.id IN $keep DETACH DELETE n", {"keep": keep}),
        ("MATCH (h:HealthSample) WHERE NOT h.service IN $keep DELETE h", {"keep": keep}),
    ] if keep else [("MATCH (n:Service) DETACH DELETE n", {}), ("MATCH (h:HealthSample) DELETE h", {})]
    return [
        *gone,
        ("MATCH (:Service)-[e:INTEGRATES]->(:Service) DELETE e", {}),
        (f"UNWIND $rows AS r MERGE (n:Service {{id: r.id}}) SET {sets}", {"rows": [nodes[k] for k in keep]}),
        ("UNWIND $rows AS r MATCH (a:Service {id: r.src}) MATCH (b:Service {id: r.dst}) "
         "CREATE (a)-[:INTEGRATES {protocol: r.protocol, via: r.via}]->(b)",
         {"rows": [{"src": a, "dst": b, "protocol": e["protocol"], "via": ",".join(sorted(e["via"]))}
                   for (a, b), e in sorted(edges.items())]}),
    ]


def _python_roots(store: Store, provider: _Repo) -> dict[str, str]:
    """module name -> file id of every Python file of the provider."""
    return {r["module"]: r["id"] for r in store.read("eco_modules", prefix=f"file:{provider.id}:") if r["module"]}


def _cross_edge_statements(store: Store, repos: dict[str, _Repo], consumer: _Repo,
                           report: LinkReport, had_providers: bool = True) -> list[tuple[str, dict[str, Any]]]:
    files_prefix, syms_prefix = f"file:{consumer.id}:", f"sym:{consumer.id}:"
    providers = _providers(repos)
    has_providers = any(p.id != consumer.id for req in consumer.requires for p in providers.get(req, []))
    if not had_providers and not has_providers:
        return []  # (each delete below scans every edge of its type)
    statements: list[tuple[str, dict[str, Any]]] = [
        ("MATCH (a:File)-[e:IMPORTS]->() WHERE a.id STARTS WITH $p AND e.crossProject = true DELETE e",
         {"p": files_prefix}),
        *(((f"MATCH (a:Symbol)-[e:{t}]->() WHERE a.id STARTS WITH $p AND e.crossProject = true DELETE e"),
           {"p": syms_prefix}) for t in ("CALLS", "USES", "EXTENDS")),
    ]
    required: dict[str, dict[str, list[_Repo]]] = {}  # ecosystem -> package -> its providers, by id
    for eco, name in sorted(consumer.requires):
        for p in sorted(providers.get((eco, name), []), key=lambda p: p.id):
            if p.id != consumer.id:
                required.setdefault(eco, {}).setdefault(name, []).append(p)
    targets: dict[str, tuple[str, str]] = {}
    rows: list[dict[str, Any]] = []
    for eco, resolve in (("python", _python_targets), ("npm", _npm_targets), ("go", _go_targets)):
        if eco in required:
            found = resolve(store, consumer, required[eco])
            rows += found[0]
            targets.update(found[1])
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        target = targets.get(r["dst"])
        if target is None:
            continue
        dst, label = target
        if r["type"] != "IMPORTS" and label != "Symbol":
            continue  # a call or base reaches a symbol, never a module
        src_label = "File" if r["type"] == "IMPORTS" else "Symbol"
        row: dict[str, Any] = {p: None for p in EDGE_PROPS}
        row.update(src=r["src"], dst=dst, line=r["line"], column=r["column"], alias=r["alias"],
                   resolution="exact", crossProject=True)
        grouped.setdefault((r["type"], src_label, label), []).append(row)
    for (etype, src, dst), edge_rows in sorted(grouped.items()):
        report.cross_edges += len(edge_rows)
        statements.append((cypher.create_edges(etype, src, dst, typed=store.dialect == "ladybug"), {"rows": edge_rows}))
    return statements


_Found = tuple[list[dict[str, Any]], dict[str, tuple[str, str]]]  # External edges, External id -> (node id, label)


def _external_rows(store: Store, consumer: _Repo, roots: Iterable[str]) -> list[dict[str, Any]]:
    """The consumer's own edges to Externals whose id is a root or lies under one (``.`` or ``/`` next)."""
    wanted = sorted(set(roots))
    if not wanted:
        return []
    rows = store.read("eco_file_externals", prefix=f"file:{consumer.id}:", roots=wanted)
    return rows + store.read("eco_symbol_externals", prefix=f"sym:{consumer.id}:", roots=wanted)


def _python_targets(store: Store, consumer: _Repo, packages: dict[str, list[_Repo]]) -> _Found:
    modules: dict[str, str] = {}
    for name in sorted(packages):
        for p in packages[name]:
            modules.update(_python_roots(store, p))
    rows = _external_rows(store, consumer, (f"ext:python:{m.split('.')[0]}" for m in modules))
    return rows, _resolve_targets(store, modules, {r["dst"] for r in rows}) if rows else {}


def _npm_package(spec: str) -> str:
    """The package a bare specifier names: ``@scope/name`` or ``name``, before any subpath."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _npm_targets(store: Store, consumer: _Repo, packages: dict[str, list[_Repo]]) -> _Found:
    """Externals of TypeScript/JavaScript imports of a provided package, resolved as the provider's own
    resolver resolves a specifier of its package (``exports``, ``types``/``module``/``main``, subpaths) and
    an exported name (through its re-exports); guesses (``heuristic``) make no crossing edge. A package
    two indexed repos provide is taken from the first by id."""
    rows = _external_rows(store, consumer, (f"ext:{lang}:{name}" for name in packages
                                            for lang in ("typescript", "javascript")))
    wanted: dict[str, list[tuple[str, str, str]]] = {}  # package -> (external, specifier, name)
    for r in rows:
        spec, name = (r["module"], r["name"]) if r["module"] else (r["name"], "")
        if _npm_package(spec) in packages:
            wanted.setdefault(_npm_package(spec), []).append((r["dst"], spec, name))
    targets: dict[str, tuple[str, str]] = {}
    for package, externals in sorted(wanted.items()):
        provider = packages[package][0]
        summaries = {path: f.summary for path, f in store.stored_files(provider.id).items()
                     if path.endswith(_TS_EXTS) and "defs" in f.summary}
        resolver = typescript.Resolver(provider.id, summaries, {}, None)
        resolver.packages[package] = ("", provider.npm)  # its package.json is at its root (read_manifest)
        for ext, spec, name in externals:
            parts = name.split(".") if name else []
            out = resolver.import_target("", spec, parts[0]) if parts else resolver.resolve_spec("", spec)
            for part in parts[1:]:
                if out is None or out.target is None:
                    break
                out = resolver.attr(out, part)
            found = _provider_node(provider.id, out.target) if out is not None and not out.heuristic else None
            if found is not None:
                targets[ext] = found
    return rows, targets


def _go_targets(store: Store, consumer: _Repo, packages: dict[str, list[_Repo]]) -> _Found:
    """Externals of Go imports of a package of a provided module: the package is the directory the
    provider's files of that import path sit in; its members are looked up as the Go resolver does."""
    rows = _external_rows(store, consumer, (f"ext:go:{m}" for m in packages))
    wanted: dict[str, list[tuple[str, str, str]]] = {}  # provider -> (external, import path, member)
    for r in rows:
        path = r["module"] or ""
        owner = next((m for m in sorted(packages, key=len, reverse=True)
                      if path == m or path.startswith(m + "/")), None)
        if owner is None or not r["dst"].startswith(f"ext:go:{path}"):
            continue
        member = r["dst"][len(f"ext:go:{path}"):].removeprefix(".")
        wanted.setdefault(packages[owner][0].id, []).append((r["dst"], path, member))
    targets: dict[str, tuple[str, str]] = {}
    for pid, externals in sorted(wanted.items()):
        summaries = {path: f.summary for path, f in store.stored_files(pid).items()
                     if path.endswith(".go") and "defs" in f.summary}
        resolver = go.Resolver(pid, summaries, {path: (s.get("m") or "",) for path, s in summaries.items()}, None)
        for ext, path, member in externals:
            directory = resolver.imports.get(path)
            if directory is None:
                continue
            if not member:
                rep = resolver.representative(directory)
                if rep is not None:
                    targets[ext] = (file_id(pid, rep), "File")
                continue
            out = resolver.in_package(directory, resolver.package_name(directory), False, member)
            found = _provider_node(pid, out.target) if not out.heuristic else None
            if found is not None:
                targets[ext] = found
    return rows, targets


def _provider_node(repo: str, target: tuple[str, ...] | None) -> tuple[str, str] | None:
    """The node a resolver's answer about the provider's files names (a file, or a symbol of one)."""
    if target is None:
        return None
    if target[0] == "file":
        return file_id(repo, target[1]), "File"
    if target[0] in ("sym", "inst"):
        return symbol_id(repo, target[1], target[2]), "Symbol"
    return None


def _resolve_targets(store: Store, modules: dict[str, str], externals: set[str]) -> dict[str, tuple[str, str]]:
    """External id -> (provider node id, label): the longest module prefix that is a provider file,
    then the rest as a symbol of that file, or a name its ``__init__`` re-exports."""
    wanted: dict[str, tuple[str, str]] = {}  # external -> (file id, rest)
    out: dict[str, tuple[str, str]] = {}
    for ext in externals:
        parts = ext.removeprefix("ext:python:").split(".")
        for k in range(len(parts), 0, -1):
            fid = modules.get(".".join(parts[:k]))
            if fid is None:
                continue
            rest = ".".join(parts[k:])
            if rest:
                wanted[ext] = (fid, rest)
            else:
                out[ext] = (fid, "File")
            break
    candidates = {ext: "sym:" + fid.removeprefix("file:") + "#" + rest for ext, (fid, rest) in wanted.items()}
    exists = {r["id"] for r in store.read("eco_symbols_exist", ids=sorted(set(candidates.values())))}
    missing = {ext: wanted[ext] for ext, sid in candidates.items() if sid not in exists}
    for ext, sid in candidates.items():
        if sid in exists:
            out[ext] = (sid, "Symbol")
    if missing:
        reexports: dict[tuple[str, str], str] = {}
        for r in store.read("eco_reexports", ids=sorted({fid for fid, _ in missing.values()})):
            reexports.setdefault((r["src"], r["alias"] or r["name"]), r["dst"])
        for ext, (fid, rest) in missing.items():
            if (fid, rest) in reexports:
                out[ext] = (reexports[(fid, rest)], "Symbol")
    return out
