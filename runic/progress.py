"""Progress bars for work that can run longer than a second.

In a terminal the bar is tqdm's text bar on stderr. In a Jupyter kernel it is the same
text, shown as a plain output that is updated in place (an IPython display handle) and
left as one finished line when the work ends — no widget, so a saved notebook shows
"importing rows: 100%|…| 10000/10000 [00:02<00:00]" and never a dead widget model.
Every long operation of runic (bulk imports, schema sync, large fetches, graph-view
expansion) takes its bar from ``progress_bar`` so they all look and behave alike.
"""

from __future__ import annotations

import io
from typing import Any

from tqdm.std import tqdm

__all__ = ["NotebookTextBar", "progress_bar"]


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class NotebookTextBar(tqdm):
    """tqdm drawn as a text output that updates in place; leaves its last line when closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._handle: Any = None
        kwargs["file"] = io.StringIO()  # tqdm's own writer goes nowhere; display() draws
        kwargs.setdefault("ncols", 80)
        super().__init__(*args, **kwargs)

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if msg == "":  # tqdm clearing a bar with leave=False: the closing line replaces it
            return True
        self._show(self.__str__() if msg is None else msg)
        return True

    def _show(self, text: str) -> None:
        from IPython.display import display

        bundle = {"text/plain": text}
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)

    def close(self) -> None:
        shown = getattr(self, "_handle", None) is not None and not getattr(self, "disable", True)
        super().close()
        if shown:
            self._show(self.__str__())


def progress_bar(total: int | None, desc: str, *, unit: str = "it", show: bool | None = None, auto_above: int = 0, **options: Any) -> tqdm:
    """A bar over ``total`` steps (``None``: unknown, the bar counts time).

    ``show=None`` shows it only when ``total`` exceeds ``auto_above``; ``True``/``False``
    force it. Use it with ``with`` so it always closes, also when the work fails.
    """
    visible = show if show is not None else (total is None or total > auto_above)
    cls = NotebookTextBar if _in_kernel() else tqdm
    return cls(total=total, desc=desc, unit=unit, disable=not visible, leave=False, **options)
