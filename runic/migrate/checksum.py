"""Checksums of revision scripts: SHA-256 of the file's bytes, as hex.

The same digest as the reference implementation, so a graph migrated by either reads
as valid in the other. Reformatting a script after it was applied changes its digest:
``runic validate`` then reports it, and ``runic stamp`` re-anchors it on purpose.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_checksum"]


def file_checksum(path: Path | str) -> str:
    """SHA-256 hex digest of the file at ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
