"""Sessions: the unit of work (sync and async shells over one I/O-free core) and pools."""

from ._bulk import EdgeRows
from ._core import SessionCore
from ._statement import Statement
from .async_session import AsyncSession
from .connection_pool import AsyncConnectionManager, ConnectionManager
from .session import Session

__all__ = ["AsyncConnectionManager", "AsyncSession", "ConnectionManager", "EdgeRows", "Session", "SessionCore", "Statement"]
