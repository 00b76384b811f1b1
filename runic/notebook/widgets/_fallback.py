"""What every runic widget shows where no widget front-end is connected: its static
HTML (and SVG) beside the live view, a plain-text twin, and a repr that never raises."""

from __future__ import annotations

from typing import Any

__all__ = ["StaticFallback"]


class StaticFallback:
    """Mixin placed before the widget base class. ``_fallbacks`` names the mime types
    and the methods that render them, in order; a failure of any of them shows a
    ``repr-error`` line as the HTML instead."""

    _fallbacks: tuple[tuple[str, str], ...] = (("text/html", "to_html"),)

    def _repr_error(self, exc: Exception) -> str:
        return f"<pre>&lt;{type(self).__name__} repr-error {type(exc).__name__}&gt;</pre>"

    def _repr_html_(self) -> str:
        try:
            return self.to_html()  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return self._repr_error(exc)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data, meta = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        data = dict(data)
        try:
            for mime, method in self._fallbacks:
                data[mime] = getattr(self, method)()
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            data["text/html"] = self._repr_error(exc)
        data["text/plain"] = repr(self)
        return (data, meta) if isinstance(bundle, tuple) else data
