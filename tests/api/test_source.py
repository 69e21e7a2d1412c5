"""Source lines are served only from indexed files under their repo's root, on both stores."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from graphsvc.ingest.run import ingest
from tests.api.conftest import ApiClient
from tests.conftest import FIXTURES

SAVE = "sym:repo:shop/shop:shop/models.py#Base.save"
QUERY = "query($id: ID!) { source(nodeId: $id) { start lines } }"


@pytest.fixture
def shop(make_settings: Any, tmp_path: Path) -> Iterator[tuple[ApiClient, Path]]:
    repo = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", repo)
    settings = make_settings()
    ingest(repo, settings)
    client = ApiClient(create_app(settings))
    yield client, repo
    client.close()


def test_a_file_swapped_for_a_symlink_out_of_the_root_is_not_read(shop: tuple[ApiClient, Path],
                                                                  tmp_path: Path) -> None:
    client, repo = shop
    secret = tmp_path / "secret.py"
    secret.write_text("\n" * 6 + "TOKEN = 'do not serve'\n" * 3, encoding="utf-8")
    (repo / "shop" / "models.py").unlink()
    (repo / "shop" / "models.py").symlink_to(secret)
    answer = client.graphql(QUERY, id=SAVE)
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "outside its repo root" in answer["errors"][0]["message"]
    assert "do not serve" not in str(answer)


def test_a_file_removed_since_indexing_says_to_reindex(shop: tuple[ApiClient, Path]) -> None:
    client, repo = shop
    (repo / "shop" / "models.py").unlink()
    answer = client.graphql(QUERY, id=SAVE)
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "graph ingest --incremental" in answer["errors"][0]["message"]


def test_an_external_has_no_source(shop: tuple[ApiClient, Path]) -> None:
    client, _ = shop
    answer = client.graphql(QUERY, id="ext:python:builtins.print")
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


OVERVIEW_CALLS = """query { overview(projectId: "proj:shop") { edges { type from to count } } }"""
ORDERS = "file:repo:shop/shop:shop/orders.py"


def _calls_into_models(client: ApiClient) -> int:
    edges = client.data(OVERVIEW_CALLS)["overview"]["edges"]
    return sum(e["count"] for e in edges if e["type"] == "CALLS" and e["from"] == ORDERS
               and e["to"] == "file:repo:shop/shop:shop/models.py")


def test_the_overview_follows_an_incremental_ingest(shop: tuple[ApiClient, Path], make_settings: Any) -> None:
    client, repo = shop
    assert _calls_into_models(client) == 4
    orders = repo / "shop" / "orders.py"
    orders.write_text(orders.read_text(encoding="utf-8").replace("    product.discounted(10)\n", ""),
                      encoding="utf-8")
    ingest(repo, make_settings(), incremental=True)
    assert _calls_into_models(client) == 3
