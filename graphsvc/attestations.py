"""Attestations: a signed statement of a project's compliance checks and audits.

``attest`` gathers the project's latest ``ComplianceCheck`` and ``Audit`` nodes into a
canonical JSON payload (sorted keys, no spaces), signs it with the Ed25519 private key
named by the ``attestation_key`` setting, and writes an ``Attestation`` (payload, base64
signature, key id, expiry) with ``ATTESTS`` to the project. Keys live in files, never in
the graph. ``verify`` checks an attestation and says why it fails: unknown id, missing key,
another key, a payload or signature that was altered, or expiry.

Key files: PEM, PKCS#8 private key and SubjectPublicKeyInfo public key (``write_keypair``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from graphsvc.errors import NotFound, SignatureError, SigningKeyError
from graphsvc.model import Edge, Node, project_id
from graphsvc.settings import Settings
from graphsvc.store.base import Store

__all__ = ["Verified", "attest", "key_id", "verify", "write_keypair"]

_DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Verified:
    """A verified attestation."""

    id: str
    project: str
    status: str
    key_id: str
    expires_at: str


def write_keypair(private_path: Path) -> Path:
    """Write a new Ed25519 key pair: ``private_path`` (mode 0600) and ``<private_path>.pub``."""
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public = private_path.with_name(private_path.name + ".pub")
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return public


def key_id(public: Ed25519PublicKey) -> str:
    """The sha256 of the raw public key, hex, first 16 characters."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _private_key(settings: Settings) -> Ed25519PrivateKey:
    path = settings.attestation_key
    if path is None:
        raise SigningKeyError("no attestation key is configured",
                              suggestion="set GRAPH_ATTESTATION_KEY (or attestation_key in graph.toml) to an"
                              " Ed25519 PEM file; `graph keygen PATH` writes one")
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise SigningKeyError(f"the attestation key {path} does not exist",
                              suggestion="create it with `graph keygen PATH` or fix GRAPH_ATTESTATION_KEY") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot read the attestation key {path} ({exc.__class__.__name__})",
                              suggestion="give an unencrypted Ed25519 private key in PEM form") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"the attestation key {path} is not an Ed25519 key",
                              suggestion="create one with `graph keygen PATH`")
    return key


def _public_key(settings: Settings) -> Ed25519PublicKey:
    path = settings.attestation_public_key
    if path is None:
        return _private_key(settings).public_key()
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except FileNotFoundError as exc:
        raise SigningKeyError(f"the attestation public key {path} does not exist",
                              suggestion="fix GRAPH_ATTESTATION_PUBLIC_KEY") from exc
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"cannot read the attestation public key {path} ({exc.__class__.__name__})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"the attestation public key {path} is not an Ed25519 key")
    return key


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def attest(store: Store, project: str, settings: Settings, days: int = _DEFAULT_DAYS) -> dict[str, Any]:
    """Sign the state of a project's checks and audits; returns the Attestation's properties with its id."""
    key = _private_key(settings)
    pid = project_id(project)
    if not store.read("project", id=pid):
        raise NotFound(f"no project {pid} in the graph", suggestion="run `graph ingest` first")
    checks = [{"id": c["id"], "status": c["status"], "violations": len(json.loads(c["violations"] or "[]"))}
              for c in store.read("compliance_checks", project=pid)]
    repos = {r["id"] for r in store.read("project_repos", id=pid)}
    audits = [{"id": a["id"], "tool": a["tool"] or "", "status": a["status"], "summary": a["summary"] or ""}
              for a in store.read("audits", repo="", tool="", status="") if a["repo"] in repos or a["target"] == pid]
    statuses = [c["status"] for c in checks] + [a["status"] for a in audits]
    status = "fail" if "fail" in statuses else "warn" if "warn" in statuses or "pending" in statuses else "pass"
    now = datetime.now(UTC)
    created = now.isoformat(timespec="seconds")
    expires = (now + timedelta(days=days)).isoformat(timespec="seconds")
    failing = sum(1 for c in checks if c["status"] == "fail")
    summary = (f"{len(checks)} checks ({failing} failing), {len(audits)} audits"
               f" ({sum(1 for a in audits if a['status'] == 'fail')} failing)")
    payload = {"project": pid, "createdAt": created, "expiresAt": expires, "status": status, "summary": summary,
               "checks": sorted(checks, key=lambda c: c["id"]), "audits": sorted(audits, key=lambda a: a["id"])}
    body = _canonical(payload)
    signature = base64.b64encode(key.sign(body)).decode()
    aid = f"attestation:{project}:{created}"
    props: dict[str, object] = {"status": status, "summary": summary, "signature": signature, "expiresAt": expires, "project": pid,
             "createdAt": created, "keyId": key_id(key.public_key()), "payload": body.decode()}
    store.put([Node("Attestation", aid, props)], [Edge("ATTESTS", aid, "Attestation", pid, "Project")])
    return {"id": aid, **props}


def verify(store: Store, attestation: str, settings: Settings, now: datetime | None = None) -> Verified:
    """Check an attestation's signature, key and expiry.

    Raises:
        NotFound: no such attestation.
        SigningKeyError: no key to verify with.
        SignatureError: why the attestation does not verify.
    """
    rows = store.read("attestations", project="", id=attestation)
    if not rows:
        raise NotFound(f"no attestation {attestation}", suggestion="list them with `graph query attestations`")
    row = rows[0]
    public = _public_key(settings)
    kid = key_id(public)
    if row["keyId"] != kid:
        raise SignatureError(f"{attestation} was signed by key {row['keyId']}, not by the configured key {kid}",
                             suggestion="verify with the public key it was signed with")
    try:
        signature = base64.b64decode(row["signature"] or "", validate=True)
    except ValueError as exc:
        raise SignatureError(f"{attestation} has a malformed signature (not base64)") from exc
    payload = (row["payload"] or "").encode()
    try:
        public.verify(signature, payload)
    except InvalidSignature as exc:
        raise SignatureError(f"the signature of {attestation} does not match its payload: the payload or the"
                             " signature was altered", suggestion="generate a new attestation") from exc
    data = json.loads(payload)
    for field in ("project", "status", "expiresAt", "summary"):
        if data.get(field) != row[field]:
            raise SignatureError(f"{attestation}: its {field} differs from the signed payload",
                                 suggestion="the node was altered; generate a new attestation")
    moment = now or datetime.now(UTC)
    if datetime.fromisoformat(data["expiresAt"]) <= moment:
        raise SignatureError(f"{attestation} expired at {data['expiresAt']}", suggestion="generate a new attestation")
    return Verified(attestation, data["project"], data["status"], kid, data["expiresAt"])
