"""The Python adapter: names, kinds, positions, signatures, docs, exported, imports, receivers."""

from __future__ import annotations

import ast

from hypothesis import example, given, settings
from hypothesis import strategies as st

from graphsvc.ingest.parse import parse_source
from graphsvc.model import FileFacts
from parsers.python import _plain_string

SOURCE = b'''"""Module doc."""
import os.path as osp
from .models import User as U, Base
from ..pkg import *

__all__ = ["Service", "helper"]

MAX_RETRIES = 3


def helper(x: int) -> "U":
    """Help."""
    def inner():
        return x
    return inner()


@decorate(1)
@other
class Service(Base):
    """A service."""

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = value

    def run(self):
        item = U()
        item.save()
        self.helper_method().chain()
        super().run()


def _private():
    pass


def not_listed():
    pass
'''


def _facts(path: str = "pkg/service.py", source: bytes = SOURCE) -> FileFacts:
    return parse_source("python", path, source)


def _sym(facts: FileFacts, qname: str):  # type: ignore[no-untyped-def]
    return next(s for s in facts.symbols if s.qname == qname)


def test_qualified_names_and_kinds_follow_nesting() -> None:
    facts = _facts()
    kinds = {s.qname: s.kind for s in facts.symbols}
    assert kinds == {
        "": "Module", "helper": "Function", "helper.inner": "Function", "Service": "Class",
        "Service.name": "Method", "Service.name#2": "Method", "Service.run": "Method",
        "_private": "Function", "not_listed": "Function", "MAX_RETRIES": "Const",
    }


def test_decorated_definition_names_the_def_line_and_spans_the_decorators() -> None:
    service = _sym(_facts(), "Service")
    assert (service.line, service.column) == (20, 6)
    assert service.start == (18, 0)
    assert service.signature == "class Service(Base)"
    assert service.doc == "A service."


def test_exported_follows_all_then_underscores() -> None:
    facts = _facts()
    exported = {s.qname for s in facts.symbols if s.exported}
    assert exported == {"", "helper", "Service", "Service.name", "Service.name#2", "Service.run"}


def test_imports_keep_module_name_alias_and_wildcard() -> None:
    imports = [(i.module, i.name, i.alias, i.wildcard) for i in _facts().imports]
    assert imports == [
        ("os.path", None, "osp", False), (".models", "User", "U", False), (".models", "Base", None, False),
        ("..pkg", None, None, True),
    ]


def test_call_receivers_are_dotted_chains() -> None:
    calls = {(r.name, r.receiver, r.scope) for r in _facts().refs if r.kind == "call"}
    assert ("save", ("item",), "Service.run") in calls
    assert ("chain", ("self", "helper_method()"), "Service.run") in calls
    assert ("run", ("super()",), "Service.run") in calls
    assert ("decorate", (), "Service") in calls
    assert ("inner", (), "helper") in calls


def test_local_assigned_from_a_constructor_remembers_its_type() -> None:
    locals_ = {(loc.scope, loc.name): loc.type_ref for loc in _facts().locals}
    assert locals_[("Service.run", "item")] == ("U",)
    assert locals_[("helper", "x")] == ("int",)


def test_an_assignment_is_one_local_typed_by_its_annotation_else_its_callee() -> None:
    src = (b"def f(a: Alpha, b: mod.Beta = None, c=1, *d: int):\n"
           b"    w: Ann = make()\n    x: pkg.Ann = 3\n    y = mod.Maker()\n    z = 3\n")
    locals_ = [(loc.name, loc.type_ref) for loc in _facts("lib/x.py", src).locals]
    assert sorted(locals_) == [
        ("a", ("Alpha",)), ("b", ("mod", "Beta")), ("c", None), ("d", None),
        ("w", ("Ann",)), ("x", ("pkg", "Ann")), ("y", ("mod", "Maker")), ("z", None),
    ]


def test_test_functions_and_classes_are_tests_only_in_test_files() -> None:
    src = b"def test_a():\n    pass\n\nclass TestB:\n    def test_c(self):\n        pass\n    def setup(self):\n        pass\n"
    kinds = {s.qname: s.kind for s in _facts("tests/test_x.py", src).symbols}
    assert kinds == {"": "Module", "test_a": "Test", "TestB": "Test", "TestB.test_c": "Test", "TestB.setup": "Method"}
    assert {s.kind for s in _facts("lib/x.py", src).symbols} == {"Module", "Function", "Class", "Method"}


def test_syntax_error_is_counted_and_the_rest_still_indexed() -> None:
    facts = _facts("broken.py", b"def ok():\n    pass\n\ndef bad(:\n    pass\n\nclass After:\n    pass\n")
    assert facts.parse_errors >= 1
    assert {"ok", "After"} <= {s.qname for s in facts.symbols}


def test_invalid_utf8_is_indexed_with_replacement_characters() -> None:
    facts = _facts("legacy.py", b'"""Caf\xe9."""\ndef greet():\n    return "\xe9"\n')
    assert _sym(facts, "").doc == "Caf\ufffd."
    assert _sym(facts, "greet").line == 2


_QUOTES = st.sampled_from(['"""', "'''", '"', "'", 'r"', "b'", 'f"'])


@settings(max_examples=400, deadline=None)
@example(open_='"""', body='"', close='"""')  # `"""""""`: an empty literal, then an unterminated one
@given(open_=_QUOTES, body=st.text(alphabet=st.sampled_from(list("ab \n\t\"'\\\r\0é")), max_size=12),
       close=_QUOTES)
def test_a_docstring_read_without_compiling_is_what_compiling_reads(open_: str, body: str, close: str) -> None:
    # ``_plain_string`` reads a literal with no prefix, escape or carriage return by its quotes; any
    # other it leaves to ``ast.literal_eval``. What it reads must be what the literal evaluates to.
    raw = open_ + body + close
    value = _plain_string(raw)
    if value is not None:
        assert value == ast.literal_eval(raw)
