"""Compliance: policies as YAML files with CEL rules, evaluated over the graph.

A policy file (``policies/*.yaml`` in an indexed repo, or passed with ``--policy``)::

    name: quality                 # the policy's id is policy:<name>
    category: quality
    severity: high                # high|critical: a violation fails; medium|low|info: it warns
    rules:
      - name: payments-tested
        target: symbol            # symbol | file | project: what one evaluation sees as `entity`
        when: entity.kind == "Function" && entity.path.startsWith("ledger/payments")   # optional filter
        expression: size(entity.testedBy) > 0                                          # must hold
        message: exported payment function without a test
        remediation: add a test that calls it
        severity: medium          # optional, overrides the policy's

Expressions are CEL (cel-python), compiled when the file is loaded — an invalid one is
rejected with the file, the line and the CEL error — and never evaluated as Python. The
entity a rule sees (all lists hold ids unless said otherwise):

* symbol: ``id, name, qualifiedName, kind, exported, lang, line, path, repo, testedBy,
  implements`` (spec items and tasks pointing at it), ``findings`` (objects: ``ruleId,
  severity, status, tool``), ``tasks``;
* file: ``id, path, lang, repo, imports, findings, tasks``;
* project: ``id, name, specs`` (objects: ``id, status, implemented``), ``tasks``, ``findings``.

``run_check`` writes one ``ComplianceCheck`` per rule and project (``pass``/``warn``/``fail``,
the violating entity ids), linked by ``EVALUATES`` to its rule and ``CHECKS`` to the project
and to each violating entity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import celpy
import yaml  # type: ignore[import-untyped]
from celpy.adapter import json_to_cel

from graphsvc.errors import NotFound, PolicyError
from graphsvc.model import Edge, Node, project_id, split_symbol_id
from graphsvc.store.base import Store

__all__ = ["CheckResult", "Policy", "Rule", "exit_code", "load_policies", "policy_files", "run_check"]

_TARGETS = ("symbol", "file", "project")
_SEVERITIES = ("critical", "high", "medium", "low", "info")
_FAILING = frozenset({"critical", "high"})
_MAX_CHECKED_EDGES = 200


@dataclass(frozen=True)
class Rule:
    """One compiled rule."""

    id: str
    name: str
    target: str
    expression: str
    when: str
    message: str
    remediation: str
    severity: str
    line: int
    program: Any = field(compare=False, repr=False)
    filter: Any = field(compare=False, repr=False)


@dataclass(frozen=True)
class Policy:
    """One policy file."""

    id: str
    name: str
    category: str
    severity: str
    source: str
    rules: tuple[Rule, ...]


@dataclass
class CheckResult:
    """One rule's verdict on one project."""

    check_id: str
    rule: str
    policy: str
    status: str
    evaluated: int
    violations: list[dict[str, str]]


# -- loading --------------------------------------------------------------------------------


def policy_files(paths: list[Path]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files named, or held by the directories named, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        elif p.exists():
            out.append(p)
        else:
            raise PolicyError(f"no policy file {p}", suggestion="pass an existing file or directory to --policy")
    return out


def _scalar(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _compile(env: celpy.Environment, text: str, where: str, rule: str, key: str) -> Any:
    try:
        return env.program(env.compile(text))
    except Exception as exc:  # cel-python raises its own parse and type errors
        detail = " ".join(str(exc).split())
        raise PolicyError(f"invalid CEL {key} of rule '{rule}': {detail}", where=where,
                          suggestion="fix the expression (CEL syntax: https://github.com/google/cel-spec)") from exc


def load_policy(path: Path) -> Policy:
    """Read and compile one policy file.

    Raises:
        PolicyError: unreadable file, bad YAML, a missing field or an invalid CEL expression
            (with the file and line).
    """
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise PolicyError(f"cannot read policy ({exc.strerror})", where=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PolicyError(f"policy is not valid YAML ({getattr(exc, 'problem', exc)})", where=where) from exc
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise PolicyError("a policy must be a mapping with name, category, severity and rules", where=str(path))
    name = str(data.get("name") or path.stem)
    severity = str(data.get("severity") or "medium")
    if severity not in _SEVERITIES:
        raise PolicyError(f"unknown severity '{severity}'", where=f"{path}:{_line(root, 'severity')}",
                          suggestion=f"use one of {', '.join(_SEVERITIES)}")
    rules_node = _scalar(root, "rules")
    if not isinstance(data.get("rules"), list) or not isinstance(rules_node, yaml.SequenceNode):
        raise PolicyError("a policy needs a list of rules", where=str(path))
    env = celpy.Environment()
    rules = []
    for i, (raw, node) in enumerate(zip(data["rules"], rules_node.value, strict=True)):
        rules.append(_rule(env, path, name, severity, i, raw, node))
    return Policy(f"policy:{name}", name, str(data.get("category") or ""), severity, str(path), tuple(rules))


def _line(node: yaml.Node | None, key: str | None = None) -> int:
    if key is not None and isinstance(node, yaml.MappingNode):
        node = _scalar(node, key) or node
    return node.start_mark.line + 1 if node is not None else 0


def _rule(env: celpy.Environment, path: Path, policy: str, default_severity: str, i: int, raw: Any,
          node: yaml.Node) -> Rule:
    if not isinstance(raw, dict) or not isinstance(node, yaml.MappingNode):
        raise PolicyError(f"rule {i + 1} must be a mapping", where=f"{path}:{_line(node)}")
    name = str(raw.get("name") or f"rule-{i + 1}")
    target = str(raw.get("target") or "symbol")
    if target not in _TARGETS:
        raise PolicyError(f"rule '{name}' has unknown target '{target}'", where=f"{path}:{_line(node, 'target')}",
                          suggestion=f"use one of {', '.join(_TARGETS)}")
    expression = raw.get("expression")
    if not isinstance(expression, str) or not expression.strip():
        raise PolicyError(f"rule '{name}' has no expression", where=f"{path}:{_line(node)}")
    severity = str(raw.get("severity") or default_severity)
    if severity not in _SEVERITIES:
        raise PolicyError(f"rule '{name}' has unknown severity '{severity}'", where=f"{path}:{_line(node, 'severity')}")
    when = str(raw.get("when") or "")
    program = _compile(env, expression, f"{path}:{_line(node, 'expression')}", name, "expression")
    flt = _compile(env, when, f"{path}:{_line(node, 'when')}", name, "condition") if when else None
    return Rule(f"rule:{policy}/{name}", name, target, expression, when, str(raw.get("message") or name),
                str(raw.get("remediation") or ""), severity, _line(node, "expression"), program, flt)


def load_policies(paths: list[Path]) -> list[Policy]:
    """Load every policy file found under ``paths``; two policies may not share a name."""
    policies: dict[str, Policy] = {}
    for f in policy_files(paths):
        p = load_policy(f)
        if p.id in policies and policies[p.id].source != p.source:
            raise PolicyError(f"policy '{p.name}' is defined twice", where=f"{policies[p.id].source} and {f}",
                              suggestion="rename one of them")
        policies[p.id] = p
    return list(policies.values())


# -- entities ---------------------------------------------------------------------------------


def _path_of(node_id: str) -> tuple[str, str]:
    """(repo id, path) of a file or symbol id."""
    if node_id.startswith("sym:"):
        split = split_symbol_id(node_id)
        node_id = split[0] if split else node_id
    body = node_id[len("file:"):]
    repo, _, path = body.partition(":")[2].partition(":")
    return "repo:" + repo, path


def entities(store: Store, project: str) -> dict[str, list[dict[str, Any]]]:
    """The symbols, files and the project itself, as the dictionaries rules see."""
    pid = project_id(project)
    rows = store.read("project", id=pid)
    symbols = {r["id"]: {**r, "exported": bool(r["exported"]), "testedBy": [], "implements": [], "findings": [],
                         "tasks": []} for r in store.read("compliance_symbols", id=pid)}
    files: dict[str, dict[str, Any]] = {}
    for r in store.read("project_files", id=pid):
        if r["id"]:
            files[r["id"]] = {"id": r["id"], "path": r["path"], "lang": r["lang"], "repo": r["repo"], "imports": [],
                              "findings": [], "tasks": []}
    for s in symbols.values():
        s["repo"], s["path"] = _path_of(s["id"])
    items = {r["id"]: r for r in store.read("compliance_items", id=pid)}
    implemented: set[str] = set()
    for e in store.read("compliance_edges", id=pid):
        if e["type"] == "IMPORTS" and e["src"] in files:
            files[e["src"]]["imports"].append(e["dst"])
        elif e["type"] == "TESTS" and e["dst"] in symbols:
            symbols[e["dst"]]["testedBy"].append(e["src"])
        elif e["type"] == "IMPLEMENTED_BY" and e["dst"] is not None:
            implemented.add(e["src"])
            target = symbols.get(e["dst"]) or files.get(e["dst"])
            if target is not None and e["src"].startswith("task:"):
                target["tasks"].append(e["src"])
            elif target is not None and "implements" in target:
                target["implements"].append(e["src"])
    findings = store.read("compliance_findings", id=pid)
    for f in findings:
        target = symbols.get(f["target"]) or files.get(f["target"])
        if target is not None:
            target["findings"].append({k: f[k] or "" for k in ("id", "ruleId", "severity", "status", "tool")})
    name = rows[0]["name"] if rows else project
    proj = {"id": pid, "name": name,
            "specs": [{"id": i, "status": r["status"] or "", "implemented": i in implemented}
                      for i, r in sorted(items.items()) if r["label"] == "SpecItem"],
            "tasks": sorted(i for i, r in items.items() if r["label"] == "Task"),
            "findings": [{k: f[k] or "" for k in ("id", "ruleId", "severity", "status", "tool")} for f in findings]}
    return {"symbol": sorted(symbols.values(), key=lambda s: s["id"]),
            "file": sorted(files.values(), key=lambda f: f["id"]), "project": [proj]}


# -- evaluation ----------------------------------------------------------------------------------


def _holds(program: Any, activation: dict[str, Any]) -> tuple[bool, str]:
    try:
        value = program.evaluate(activation)
    except Exception as exc:  # a CEL evaluation error is a violation with its reason, not a crash
        return False, "evaluation error: " + " ".join(str(exc).split())[:200]
    if isinstance(value, Exception):
        return False, "evaluation error: " + " ".join(str(value).split())[:200]
    if not isinstance(value, (bool, celpy.celtypes.BoolType)):
        return False, f"expression gave {type(value).__name__}, not a boolean"
    return bool(value), ""


def _activations(population: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Each entity converted to CEL values once, for every rule that looks at it."""
    return [(entity["id"], {"entity": json_to_cel(entity)}) for entity in population]


def evaluate(rule: Rule, population: list[dict[str, Any]] | list[tuple[str, dict[str, Any]]]) -> tuple[int, list[dict[str, str]]]:
    """How many entities the rule looked at, and the ones that violate it."""
    prepared = population if population and isinstance(population[0], tuple) else _activations(population)  # type: ignore[arg-type]
    evaluated = 0
    violations = []
    for entity_id, activation in prepared:
        if rule.filter is not None:
            keep, why = _holds(rule.filter, activation)
            if why:
                violations.append({"id": entity_id, "message": why})
                continue
            if not keep:
                continue
        evaluated += 1
        ok, why = _holds(rule.program, activation)
        if not ok:
            violations.append({"id": entity_id, "message": why or rule.message})
    return evaluated, violations


def run_check(store: Store, project: str, policies: list[Policy]) -> list[CheckResult]:
    """Evaluate every rule on a project and write the policies, rules and checks."""
    pid = project_id(project)
    if not store.read("node", id=pid):
        raise NotFound(f"no project {pid} in the graph", suggestion="run `graph ingest` first")
    population = entities(store, project)
    prepared: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    nodes: list[Node] = []
    edges: list[Edge] = []
    results = []
    old_checks = [r["id"] for r in store.read("compliance_checks", project=pid)]
    for policy in policies:
        nodes.append(Node("Policy", policy.id, {"name": policy.name, "category": policy.category,
                                                "severity": policy.severity, "source": policy.source}))
        for rule in policy.rules:
            nodes.append(Node("PolicyRule", rule.id, {
                "name": rule.name, "expression": rule.expression, "message": rule.message,
                "remediation": rule.remediation, "target": rule.target, "severity": rule.severity, "line": rule.line}))
            edges.append(Edge("HAS_RULE", policy.id, "Policy", rule.id, "PolicyRule"))
            if rule.target not in prepared:
                prepared[rule.target] = _activations(population[rule.target])
            evaluated, violations = evaluate(rule, prepared[rule.target])
            status = "pass" if not violations else ("fail" if rule.severity in _FAILING else "warn")
            cid = f"check:{project}:{policy.name}/{rule.name}"
            results.append(CheckResult(cid, rule.id, policy.id, status, evaluated, violations))
            nodes.append(Node("ComplianceCheck", cid, {
                "status": status, "violations": json.dumps(violations, sort_keys=True), "evaluated": evaluated,
                "project": pid, "rule": rule.id, "checkedAt": now}))
            edges.append(Edge("EVALUATES", cid, "ComplianceCheck", rule.id, "PolicyRule"))
            edges.append(Edge("CHECKS", cid, "ComplianceCheck", pid, "Project"))
            for v in violations[:_MAX_CHECKED_EDGES]:
                label = "Symbol" if v["id"].startswith("sym:") else "File" if v["id"].startswith("file:") else None
                if label:
                    edges.append(Edge("CHECKS", cid, "ComplianceCheck", v["id"], label))
    # The checks of this run replace the project's previous ones (their CHECKS edges included).
    store.put(nodes, edges, {"ComplianceCheck": old_checks} if old_checks else None)
    return results


def exit_code(results: list[CheckResult]) -> int:
    """0 every check passed, 1 one failed, 2 only warnings."""
    if any(r.status == "fail" for r in results):
        return 1
    return 2 if any(r.status == "warn" for r in results) else 0
