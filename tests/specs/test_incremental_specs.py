"""Spec items, tasks and their links follow edits like code: incremental == fresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsvc.ingest.run import IngestCache, ingest, prime
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

SPEC = "spec:repo:ledger/ledger:docs/requirements.md#ledger-requirements/transfers"


def _same_as_fresh(repo: Path, settings: Any, make_settings: Any) -> str:
    incremental = export_text(settings)
    fresh_settings = make_settings(fresh=True)
    ingest(repo, fresh_settings)
    fresh = export_text(fresh_settings)
    assert incremental == fresh, diff(fresh, incremental, "incremental vs fresh")
    return incremental


def test_edited_markdown_body_keeps_spec_ids_and_replaces_links(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    doc = repo / "docs" / "requirements.md"
    doc.write_text(doc.read_text().replace("atomically: `transfer`.", "atomically: `pay`."))
    report = ingest(repo, settings, incremental=True)
    assert report.changed == 1
    text = _same_as_fresh(repo, settings, make_settings)
    assert f'"id":"{SPEC}"' in text
    assert f'"from":"{SPEC}","line":5,"resolution":"exact","to":"sym:repo:ledger/ledger:ledger/payments.py#pay"' in text
    assert f'"from":"{SPEC}","line":5,"resolution":"exact","to":"sym:repo:ledger/ledger:ledger/accounts.py#transfer"' \
        not in text


def test_new_symbol_relinks_an_unchanged_document_that_names_it(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    doc = repo / "docs" / "requirements.md"
    doc.write_text(doc.read_text() + "\nJournal entries are written by `record_journal`.\n")
    settings = make_settings()
    ingest(repo, settings)
    assert "accounts.py#record_journal" not in export_text(settings)
    accounts = repo / "ledger" / "accounts.py"
    accounts.write_text(accounts.read_text() + "\n\ndef record_journal(entry):\n    return entry\n")
    report = ingest(repo, settings, incremental=True)
    assert report.changed == 1 and report.relinked >= 1
    text = _same_as_fresh(repo, settings, make_settings)
    assert '"to":"sym:repo:ledger/ledger:ledger/accounts.py#record_journal","type":"IMPLEMENTED_BY"' in text


def test_renamed_symbol_drops_the_exact_link_and_deleted_document_drops_its_items(
        tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    payments = repo / "ledger" / "payments.py"
    payments.write_text(payments.read_text().replace("def refund(", "def give_back("))
    (repo / "docs" / "decisions" / "0001-integer-cents.md").unlink()
    ingest(repo, settings, incremental=True)
    text = _same_as_fresh(repo, settings, make_settings)
    assert "payments.py#refund" not in text
    assert "0001-integer-cents" not in text


def test_edited_todo_replaces_its_task(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    accounts = repo / "ledger" / "accounts.py"
    accounts.write_text(accounts.read_text().replace("# TODO: reject negative deposits",
                                                     "# TODO: reject negative deposits\n        # FIXME: log it"))
    ingest(repo, settings, incremental=True)
    text = _same_as_fresh(repo, settings, make_settings)
    assert '"id":"task:repo:ledger/ledger:ledger/accounts.py#Account.deposit/2"' in text
    assert '"title":"log it"' in text


def test_watched_edits_relink_documents_through_a_kept_cache(tmp_path: Path, make_settings: Any) -> None:
    """A long-lived process keeps one linker and re-checks only the documents whose mentions an
    edit can affect: each step must still equal a fresh build, and an edit that changes no name a
    document could resolve to relinks nothing."""
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    doc = repo / "docs" / "requirements.md"
    doc.write_text(doc.read_text() + "\nJournal entries are written by `record_journal`; totals by `sum_journl`.\n")
    settings = make_settings()
    cache = IngestCache()
    try:
        ingest(repo, settings, cache=cache)
        accounts = repo / "ledger" / "accounts.py"
        journal = "ledger/accounts.py"

        def save(text: str) -> Any:
            accounts.write_text(text)
            return ingest(repo, settings, incremental=True, cache=cache, changed_paths={journal})

        # A new symbol an unchanged document names exactly, and one its misspelt mention matches fuzzily.
        report = save(accounts.read_text() + "\n\ndef record_journal(entry):\n    return entry\n"
                      "\n\ndef sum_journal(entries):\n    return len(entries)\n")
        assert report.relinked >= 1
        text = export_text(settings)  # compared with a fresh build at the end (a fresh Neo4j build wipes the store)
        assert '"to":"sym:repo:ledger/ledger:ledger/accounts.py#record_journal","type":"IMPLEMENTED_BY"' in text
        assert '"resolution":"heuristic","to":"sym:repo:ledger/ledger:ledger/accounts.py#sum_journal"' in text
        # A body edit changes no name: nothing to relink.
        report = save(accounts.read_text().replace("return len(entries)", "return 0 + len(entries)"))
        assert (report.changed, report.relinked) == (1, 0)
        # The fuzzy target goes: the misspelt mention resolves to nothing again.
        save(accounts.read_text().replace("def sum_journal(", "def total_of("))
        text = _same_as_fresh(repo, settings, make_settings)
        assert "accounts.py#sum_journal" not in text
    finally:
        cache.close()  # its held store


def test_a_primed_cache_takes_the_first_save_like_a_kept_one(tmp_path: Path, make_settings: Any) -> None:
    """A process that starts over an indexed repo (a language server) primes its cache from the store
    (the stored files, the lookups' dependents, the mentions' linker) without writing; its first save
    relinks what a kept cache relinks, and the graph equals a fresh build."""
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    doc = repo / "docs" / "requirements.md"
    doc.write_text(doc.read_text() + "\nJournal entries are written by `record_journal`.\n")
    settings = make_settings()
    ingest(repo, settings)
    before = export_text(settings)
    cache = IngestCache()
    try:
        prime(repo, settings, cache)
        assert export_text(settings) == before
        assert cache.linker is not None and cache.dependents is not None
        assert set(cache.dependents.of) == set(cache.stored)
        accounts = repo / "ledger" / "accounts.py"
        accounts.write_text(accounts.read_text() + "\n\ndef record_journal(entry):\n    return entry\n")
        report = ingest(repo, settings, incremental=True, cache=cache, changed_paths={"ledger/accounts.py"})
        assert report.changed == 1 and report.relinked >= 1
    finally:
        cache.close()  # its held store
    text = _same_as_fresh(repo, settings, make_settings)
    assert '"to":"sym:repo:ledger/ledger:ledger/accounts.py#record_journal","type":"IMPLEMENTED_BY"' in text
