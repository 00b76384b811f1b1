"""``AsyncRunic``: the version record of a graph over an async driver.

Reading where a graph stands (``current``, ``current_revisions``, ``validate``,
``pending_revisions``) and stamping it run the same flows as ``Runic``, awaited. Running
revision scripts stays synchronous (``Runic``): their ``upgrade(op)`` functions are plain
functions, as in the reference implementation; from async code run them with
``await asyncio.to_thread(Runic(sync_driver, location).upgrade)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._flow import run_async
from .adapters import ADAPTERS
from .context import ScriptsAt, current_of, find_mismatches, plan_stamp
from .script import Revision, ScriptDirectory
from .version import VERSION_LABEL, VersionRecord, read_record, write_record

__all__ = ["AsyncRunic"]


class AsyncRunic(ScriptsAt):
    """Status and stamping of one graph over an async runic driver."""

    def __init__(self, driver: Any, script_location: Path | str, *, track_checksums: bool = True) -> None:
        self.driver = driver
        self._script_location = Path(script_location)
        self._track_checksums = track_checksums
        self._scripts: ScriptDirectory | None = None
        adapter = ADAPTERS.get(str(getattr(driver, "backend", "")))
        self.version_label = adapter.version_label if adapter is not None else VERSION_LABEL

    async def record(self) -> VersionRecord:
        return await run_async(self.driver, read_record(self.version_label))

    async def current_revisions(self) -> list[str]:
        return (await self.record()).revisions

    async def current(self) -> str | None:
        return current_of(await self.current_revisions())

    async def validate(self) -> list[str]:
        if not self._track_checksums:
            return []
        return find_mismatches(self.scripts, await self.record(), self._script_location)

    async def pending_revisions(self, target: str = "head") -> list[Revision]:
        return self.scripts.upgrade_path(await self.current_revisions(), target)

    async def stamp(self, target: str, *, purge: bool = False) -> list[str]:
        record = VersionRecord() if purge else await self.record()
        new = plan_stamp(self.scripts, record, target, self._track_checksums)
        await run_async(self.driver, write_record(self.version_label, new))
        return new.revisions

    def __repr__(self) -> str:
        return f"<AsyncRunic {getattr(self.driver, 'url', '?')} scripts={self._script_location}>"
