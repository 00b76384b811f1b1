"""The version record: which revisions a graph is at, with checksums and who applied them.

One node per graph, in the reference implementation's shape so that a graph migrated by
either reads correctly in the other::

    (:_FalkorMigrateVersion {singleton: true,          # FalkorDB
      revisions: ["3f9a12c1ab4e"],                     # current heads of the graph
      applied_at: <epoch ms>,
      checksums: ["3f9a12c1ab4e:<sha256>", ...],       # "revision:digest"
      installed_by: ["3f9a12c1ab4e:deploy-bot", ...]}) # "revision:user"

Other backends use the label ``_RunicMigrateVersion``. Older records holding a single
``revision`` string are read too. Reading and writing are flows (``_flow``): no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runic.ogm.exceptions import QueryError

from ._flow import Flow, Query

__all__ = [
    "FALKORDB_VERSION_LABEL",
    "VERSION_LABEL",
    "VersionRecord",
    "read_record",
    "write_record",
]

VERSION_LABEL = "_RunicMigrateVersion"
FALKORDB_VERSION_LABEL = "_FalkorMigrateVersion"


@dataclass
class VersionRecord:
    """What the version node holds."""

    revisions: list[str] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)
    installed_by: dict[str, str] = field(default_factory=dict)
    exists: bool = False

    def copy(self) -> VersionRecord:
        return VersionRecord(list(self.revisions), dict(self.checksums), dict(self.installed_by), self.exists)


def _parse_pairs(items: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if item:
            key, _, value = str(item).partition(":")
            out[key] = value
    return out


def _encode_pairs(pairs: dict[str, str]) -> list[str]:
    return [f"{k}:{v}" for k, v in pairs.items()]


def _revisions(value: Any, legacy: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(r) for r in value if r is not None]
    if isinstance(value, str) and value:
        return [r for r in value.split(",") if r]
    if isinstance(legacy, str) and legacy:
        return [legacy]
    return []


def _missing_label(exc: BaseException) -> bool:
    text = str(getattr(exc, "backend_message", None) or exc).lower()
    return any(
        marker in text
        for marker in ("empty key", "not found", "does not exist", "unknown type", "was not found")
    )


def read_record(label: str) -> Flow:
    """Read the version node; an absent node (or label) is an empty record."""
    query = (
        f"MATCH (v:{label}) RETURN v.revisions AS revisions, v.revision AS revision, "
        "v.checksums AS checksums, v.installed_by AS installed_by"
    )
    try:
        result = yield Query(query, {}, True)
    except QueryError as exc:
        if _missing_label(exc):
            return VersionRecord()
        raise
    rows = list(result.rows)
    if not rows:
        return VersionRecord()
    revisions, legacy, checksums, installed = rows[0][:4]
    return VersionRecord(
        _revisions(revisions, legacy), _parse_pairs(checksums), _parse_pairs(installed), True
    )


def write_record(label: str, record: VersionRecord) -> Flow:
    """Write the whole record in one statement (so it changes atomically)."""
    query = (
        f"MERGE (v:{label} {{singleton: true}}) "
        "SET v.revisions = $revisions, v.applied_at = timestamp(), "
        "v.checksums = $checksums, v.installed_by = $installed_by"
    )
    yield Query(
        query,
        {
            "revisions": list(record.revisions),
            "checksums": _encode_pairs(record.checksums),
            "installed_by": _encode_pairs(record.installed_by),
        },
    )
    return None
