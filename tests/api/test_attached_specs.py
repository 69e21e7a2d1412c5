"""attachedSpecs: the spec items linked to, or declared by, a list of drawn nodes, in one request, on both
stores over the ledger fixture (docs/requirements.md and README.md hold spec items linked to its code)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.app import create_app
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.api.conftest import ApiClient
from tests.conftest import FIXTURES, wipe_neo4j

QUERY = """query($ids: [ID!]!, $files: [ID!], $limit: Int!) {
  attachedSpecs(nodeIds: $ids, declaredIn: $files, limit: $limit) {
    links { type id ref title priority status line target resolution candidates } hasMore } }"""
REPO = "repo:ledger/ledger"
ACCOUNTS = f"file:{REPO}:ledger/accounts.py"
TRANSFER = f"sym:{REPO}:ledger/accounts.py#transfer"
DEPOSIT = f"sym:{REPO}:ledger/accounts.py#Account.deposit"
REQUIREMENTS = f"file:{REPO}:docs/requirements.md"
SPEC = f"spec:{REPO}:docs/requirements.md#ledger-requirements"
ROADMAP = f"spec:{REPO}:README.md#ledger/roadmap/transfers-between-accounts-transfer"


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiClient]:
    """The ledger fixture in a store of each backend, ingested once per module."""
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    else:
        settings = Settings(store=f"ladybug://{tmp_path_factory.mktemp('specs') / 'graph.lbug'}", workers=1)
    ingest(FIXTURES / "ledger", settings)
    c = ApiClient(create_app(settings))
    yield c
    c.close()


def _links(client: ApiClient, ids: list[str], files: list[str] | None = None, limit: int = 100) -> dict:
    return client.data(QUERY, ids=ids, files=files, limit=limit)["attachedSpecs"]


def test_items_linked_to_drawn_symbols_come_with_their_links_by_place(client: ApiClient) -> None:
    answer = _links(client, [ACCOUNTS, TRANSFER, DEPOSIT])
    assert [(x["type"], x["id"], x["target"], x["ref"], x["resolution"]) for x in answer["links"]] == [
        ("IMPLEMENTED_BY", ROADMAP, TRANSFER, "README.md:7", "exact"),
        ("IMPLEMENTED_BY", f"{SPEC}/transfers", TRANSFER, "docs/requirements.md:3", "exact"),
        ("IMPLEMENTED_BY", f"{SPEC}/transfers/deposits", DEPOSIT, "docs/requirements.md:7", "exact"),
    ]
    assert answer["links"][0]["status"] == "done"
    assert answer["links"][1]["priority"] == "must"
    assert answer["hasMore"] is False


def test_a_markdown_file_brings_the_items_it_declares(client: ApiClient) -> None:
    answer = _links(client, [REQUIREMENTS], [REQUIREMENTS])
    assert [(x["type"], x["id"], x["line"], x["title"]) for x in answer["links"]] == [
        ("DECLARES", SPEC, 1, "Ledger requirements"),
        ("DECLARES", f"{SPEC}/transfers", 3, "Transfers"),
        ("DECLARES", f"{SPEC}/transfers/deposits", 7, "Deposits"),
        ("DECLARES", f"{SPEC}/payments-p1", 11, "Payments (P1)"),
        ("DECLARES", f"{SPEC}/audit-trail", 15, "Audit trail"),
    ]
    assert {x["target"] for x in answer["links"]} == {REQUIREMENTS}


def test_the_limit_counts_items_and_keeps_every_link_of_each(client: ApiClient) -> None:
    pay, refund = (f"sym:{REPO}:ledger/payments.py#{n}" for n in ("pay", "refund"))
    answer = _links(client, [TRANSFER, DEPOSIT, pay, refund], [REQUIREMENTS], limit=3)
    assert [(x["type"], x["id"], x["target"]) for x in answer["links"]] == [
        ("IMPLEMENTED_BY", ROADMAP, TRANSFER),
        ("DECLARES", SPEC, REQUIREMENTS),
        ("DECLARES", f"{SPEC}/transfers", REQUIREMENTS),
        ("IMPLEMENTED_BY", f"{SPEC}/transfers", TRANSFER),
    ]
    assert answer["hasMore"] is True


def test_a_guessed_link_says_how_many_candidates_it_had(client: ApiClient) -> None:
    pay, refund = (f"sym:{REPO}:ledger/payments.py#{n}" for n in ("pay", "refund"))
    answer = _links(client, [pay, refund], [REQUIREMENTS])
    by_link = {(x["type"], x["id"], x["target"]): (x["resolution"], x["candidates"]) for x in answer["links"]}
    assert by_link[("IMPLEMENTED_BY", f"{SPEC}/payments-p1", refund)] == ("heuristic", 1)
    assert by_link[("IMPLEMENTED_BY", f"{SPEC}/payments-p1", pay)] == ("exact", None)
    assert by_link[("DECLARES", f"{SPEC}/payments-p1", REQUIREMENTS)] == ("exact", None)


def test_no_ids_is_no_links_and_a_limit_out_of_range_is_a_clear_error(client: ApiClient) -> None:
    assert _links(client, []) == {"links": [], "hasMore": False}
    answer = client.graphql(QUERY, ids=[TRANSFER], files=None, limit=0)
    assert answer["errors"][0]["message"] == "limit must be between 1 and 500, got 0"


def test_a_spec_item_answers_its_place_and_what_implements_it(client: ApiClient) -> None:
    data = client.data('query($id: ID!) { specItem(id: $id) { id ref title priority status implementations '
                       'implementedBy { id label resolution } } }', id=f"{SPEC}/payments-p1")
    assert data["specItem"] == {
        "id": f"{SPEC}/payments-p1", "ref": "docs/requirements.md:11", "title": "Payments (P1)", "priority": "P1",
        "status": "", "implementations": 2, "implementedBy": [
            {"id": f"sym:{REPO}:ledger/payments.py#pay", "label": "Symbol", "resolution": "exact"},
            {"id": f"sym:{REPO}:ledger/payments.py#refund", "label": "Symbol", "resolution": "heuristic"}]}
    answer = client.graphql('{ specItem(id: "spec:nope") { id } }')
    assert answer["errors"][0]["message"] == "no spec item with id 'spec:nope' — list them with the specItems query"
