"""Progress bars for work that can run longer than a second.

``tqdm.auto`` draws a widget in notebooks and a text bar in terminals. Every long
operation of runic (bulk imports, schema sync, large fetches, graph-view expansion)
takes its bar from ``progress_bar`` so they all look and behave alike.
"""

from __future__ import annotations

from typing import Any

from tqdm.auto import tqdm

__all__ = ["progress_bar"]


def progress_bar(total: int | None, desc: str, *, unit: str = "it", show: bool | None = None, auto_above: int = 0, **options: Any) -> tqdm:
    """A bar over ``total`` steps (``None``: unknown, the bar counts time).

    ``show=None`` shows it only when ``total`` exceeds ``auto_above``; ``True``/``False``
    force it. Use it with ``with`` so it always closes, also when the work fails.
    """
    visible = show if show is not None else (total is None or total > auto_above)
    return tqdm(total=total, desc=desc, unit=unit, disable=not visible, leave=False, **options)
