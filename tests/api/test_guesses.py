"""A heuristic edge stays labelled as a guess in every answer that carries it, on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from graphsvc.ingest.run import ingest
from tests.api.conftest import ApiClient

GET = "sym:repo:views/views:app.py#Page.get"
DISPATCH = "ext:python:django.views.View.dispatch"


@pytest.fixture
def client(make_settings: Any, tmp_path: Path) -> Iterator[ApiClient]:
    repo = tmp_path / "views"
    repo.mkdir()
    # `dispatch` is not defined on Page; it may come from the external base: a guess between two candidates.
    (repo / "app.py").write_text("from django.views import View\n\n\nclass Page(View):\n    def get(self):\n"
                                 "        return self.dispatch()\n", encoding="utf-8")
    settings = make_settings()
    ingest(repo, settings)
    c = ApiClient(create_app(settings))
    yield c
    c.close()


def test_heuristic_edges_carry_candidates_and_confidence_everywhere(client: ApiClient) -> None:
    guess = {"resolution": "heuristic", "candidates": 2, "confidence": 0.5}
    callees = client.data(f'{{ callees(symbolId: "{GET}") {{ items {{ to {{ id }} line column resolution candidates '
                          'confidence } } }')["callees"]["items"]
    assert callees == [{"to": {"id": DISPATCH}, "line": 6, "column": 20, **guess}]
    callers = client.data(f'{{ callers(symbolId: "{DISPATCH}") {{ items {{ from {{ id }} resolution candidates '
                          'confidence } } }')["callers"]["items"]
    assert callers == [{"from": {"id": GET}, **guess}]
    deps = client.data(f'{{ symbolDependencies(symbolId: "{GET}") {{ edges {{ to resolution candidates confidence }} '
                       '} }')["symbolDependencies"]["edges"]
    assert deps == [{"to": DISPATCH, **guess}]
    impact = client.data(f'{{ impact(symbolId: "{DISPATCH}", depth: 2) {{ groups {{ entries {{ node {{ id }} depth '
                         'resolution } } } }')["impact"]["groups"]
    assert impact == [{"entries": [{"node": {"id": GET}, "depth": 1, "resolution": "heuristic"}]}]
