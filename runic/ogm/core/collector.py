"""Pausing Python's cyclic garbage collector around bulk allocation.

Decoding a large reply or hydrating many entities allocates hundreds of thousands of
small containers that all stay alive; the cyclic collector would walk them again and
again for nothing, which can double the time. Reference counting still frees
everything as usual while the collector is paused.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0
_we_disabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent uses are counted,
    and the collector is re-enabled only if it was enabled when the first one began."""
    global _depth, _we_disabled
    with _lock:
        if _depth == 0:
            _we_disabled = gc.isenabled()
            if _we_disabled:
                gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _we_disabled:
                _we_disabled = False
                gc.enable()
