"""The notebook's result object: one ``GraphResult`` plus what a person does with it next.

``QueryResult`` keeps the driver, the query and its parameters, so ``fetch_all()`` and
``fetch_more(n)`` can drop the autolimit later. It shows itself as a bounded table with
a footer that says whether more rows exist and how to get them.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from runic.ogm import gc_paused
from runic.ogm.driver.result import (
    EdgeRecord,
    GraphResult,
    NodeRecord,
    PathRecord,
    Records,
    ResultSummary,
)
from runic.ogm.exceptions import FetchInterrupted
from runic.progress import progress_bar

from . import render
from .fetching import FetchProgress, accepts_progress, interrupted
from .statement import add_limit

__all__ = ["DEFAULT_DISPLAYLIMIT", "QueryResult"]

DEFAULT_DISPLAYLIMIT = 1000
#: rows in the text/plain form (the HTML form shows up to the display limit)
TEXT_ROWS = 20
#: a query running longer than this shows a progress bar
PROGRESS_AFTER_S = 1.0
#: how long an interrupted fetch_all() waits for a streaming driver to stop
STOP_WAIT_S = 2.0


class QueryResult(Records):
    """Rows of one statement run from the notebook.

    ``columns``, ``rows``, ``len()``, iteration (records as dicts), ``[i]`` (a record) and
    ``["col"]`` (a column's values); ``raw`` is the driver's ``GraphResult``. When the
    notebook pushed ``LIMIT n+1`` to the database, ``has_more`` tells whether the extra
    row came back; ``fetch_all()`` / ``fetch_more(n)`` run the query again without it.
    """

    def __init__(
        self,
        raw: GraphResult,
        *,
        driver: Any = None,
        query: str | None = None,
        params: dict[str, Any] | None = None,
        fetch_limit: int | None = None,
        readonly: bool = False,
        timeout: float | None = None,
        displaylimit: int | None = DEFAULT_DISPLAYLIMIT,
        name: str | None = None,
        notices: list[str] | None = None,
        style: str = "grid",
        feedback: int = 1,
        column_data: list[list[Any]] | None = None,
    ) -> None:
        self.raw = raw
        self.driver = driver
        self.query = query if query is not None else raw.query
        self.params = dict(params) if params is not None else dict(raw.params or {})
        self.fetch_limit = fetch_limit
        self.readonly = readonly
        self.timeout = timeout
        self.displaylimit = displaylimit
        self.name = name
        self.notices = list(notices or [])
        self.style = style
        self.feedback = feedback
        self._df: Any = None
        #: the same values column by column, when the driver delivered them that way
        self.column_data = column_data

    # -- rows -------------------------------------------------------------------------
    @property
    def has_more(self) -> bool:
        """True when the autolimit cut the result: the database has more rows."""
        return self.fetch_limit is not None and len(self.raw.rows) >= self.fetch_limit

    @property
    def complete(self) -> bool:
        return not self.has_more

    @property
    def columns(self) -> list[str]:
        return self.raw.columns

    @property
    def rows(self) -> list[list[Any]]:
        if self.has_more:
            return self.raw.rows[: self.fetch_limit - 1]  # type: ignore[operator]
        return self.raw.rows

    def __getitem__(self, index: int | str | slice) -> Any:
        if isinstance(index, str):
            try:
                i = self.columns.index(index)
            except ValueError:
                from runic.ogm.exceptions import did_you_mean

                raise KeyError(f"no column {index!r}; columns are {self.columns} {did_you_mean(index, self.columns)}".rstrip()) from None
            return [row[i] for row in self.rows]
        if isinstance(index, slice):
            return [dict(zip(self.columns, row)) for row in self.rows[index]]
        return dict(zip(self.columns, self.rows[index]))

    def __bool__(self) -> bool:
        return bool(self.raw.rows)

    def value(self, col: int | str = 0, default: Any = None) -> Any:
        """The value of ``col`` in the first row (``default`` when empty)."""
        return self.raw.value(col, default)

    def values(self, col: int | str = 0) -> list[Any]:
        i = col if isinstance(col, int) else self.raw.column_index(col)
        return [row[i] for row in self.rows]

    def nodes(self) -> list[NodeRecord]:
        return GraphResult(self.columns, self.rows).nodes()

    def edges(self) -> list[EdgeRecord]:
        return GraphResult(self.columns, self.rows).edges()

    def paths(self) -> list[PathRecord]:
        return GraphResult(self.columns, self.rows).paths()

    @property
    def summary(self) -> ResultSummary:
        """Counters (nodes created, properties set, …), server and client time."""
        return self.raw.summary

    # -- fetching more -------------------------------------------------------------------
    def _rerun(self, query: str, what: str) -> GraphResult:
        if self.driver is None or self.query is None:
            raise RuntimeError("this result does not know its connection — run the query again with --no-limit")
        def call(progress: Any) -> GraphResult:
            options: dict[str, Any] = {"readonly": self.readonly or None, "timeout": self.timeout}
            if progress is not None and accepts_progress(self.driver, "execute"):
                options["progress"] = progress
            with gc_paused():
                return self.driver.execute(query, self.params or None, **options)

        return _run_with_progress(call, what, show=self.feedback > 0, backend=getattr(self.driver, "backend", None))

    def fetch_all(self) -> QueryResult:
        """Run the query again without the autolimit and keep every row. Returns ``self``."""
        if self.fetch_limit is None:
            return self
        self.raw = self._rerun(self.query, "fetching all rows")  # type: ignore[arg-type]
        self.fetch_limit = None
        self._widen_display()
        self._df = None
        self.column_data = None
        return self

    def fetch_more(self, n: int | None = None) -> QueryResult:
        """Fetch ``n`` more rows (default: the display limit) than are held now."""
        if self.fetch_limit is None:
            return self
        n = n if n is not None else (self.displaylimit or DEFAULT_DISPLAYLIMIT)
        if n < 1:
            raise ValueError(f"fetch_more(n={n!r}) needs n >= 1")
        wanted = len(self.rows) + n
        query = add_limit(self.query, wanted + 1) if self.query else None  # type: ignore[arg-type]
        if query is None:
            return self.fetch_all()
        self.raw = self._rerun(query, f"fetching {n:,} more rows")
        self.fetch_limit = wanted + 1
        self._widen_display()
        self._df = None
        self.column_data = None
        return self

    def _widen_display(self) -> None:
        """A ``--limit N`` was a fetch limit: once more rows are fetched, show up to the default."""
        if self.displaylimit is not None and self.displaylimit < DEFAULT_DISPLAYLIMIT:
            self.displaylimit = DEFAULT_DISPLAYLIMIT

    # -- converters ----------------------------------------------------------------------
    def to_dataframe(self, *, expand: bool = True) -> Any:
        """A pandas DataFrame, one row per result row.

        A node column becomes its labels (``label``, ``A:B`` for several) and one column
        per property; an edge column its ``type`` and its properties. With several
        columns these are prefixed by the result column (``p.label``, ``p.name``).
        ``expand=False`` keeps the records themselves in one column each (the raw form).
        """

        from .convert import to_dataframe

        with gc_paused():
            if not expand:
                return to_dataframe(self, expand=False)
            return self._readable_frame()

    def _readable_frame(self) -> Any:
        import pandas as pd

        from runic.ogm.driver.result import ColumnRows

        from .convert import to_dataframe

        columns = self.columns
        n = len(self.rows)
        if self.column_data is not None:
            data = [col[:n] for col in self.column_data]
        else:
            data = [list(col) for col in zip(*self.rows)] if n else [[] for _ in columns]
        if not columns:
            return to_dataframe(self, expand=False)
        single = len(columns) == 1
        parts = []
        for name, values in zip(columns, data):
            one = to_dataframe(GraphResult([name], ColumnRows([values])), expand=True)
            first = next((v for v in values if v is not None), None)
            if isinstance(first, (NodeRecord, EdgeRecord)) and all(v is None or isinstance(v, type(first)) for v in values):
                is_node = isinstance(first, NodeRecord)
                kind = "label" if is_node else "type"
                kinds = [None if v is None else (":".join(v.labels) if is_node else v.type) for v in values]
                if not single:
                    one.columns = [f"{name}.{c}" for c in one.columns]
                    kind = f"{name}.{kind}"
                elif kind in one.columns:
                    kind = f"_{kind}"
                parts.append(pd.DataFrame({kind: pd.array(kinds, dtype=pd.StringDtype())}))
            parts.append(one)
        return pd.concat(parts, axis=1) if len(parts) > 1 else parts[0]

    def to_arrow(self, *, expand: bool = False) -> Any:
        """A ``pyarrow.Table``, column by column, dtypes as ``to_dataframe()`` (extra ``arrow``)."""
        from .columnar import to_arrow

        return to_arrow(self, expand=expand)

    def to_polars(self, *, expand: bool = False) -> Any:
        """A ``polars.DataFrame``, column by column, dtypes as ``to_dataframe()`` (extra ``polars``)."""
        from .columnar import to_polars

        return to_polars(self, expand=expand)

    def plot(self, *args: Any, **kwargs: Any) -> Any:
        """A quick chart of the rows held: ``to_dataframe().plot(...)`` (pandas + matplotlib,
        ``pip install runic[plot]``). ``%runic plot`` counts in the database instead."""
        from .plot import plot_result

        return plot_result(self, *args, **kwargs)

    def to_csv(self, path: Any = None, **kwargs: Any) -> Any:
        """``to_dataframe().to_csv(path, index=False, ...)``; with no path, the CSV text."""
        kwargs.setdefault("index", False)
        return self.to_dataframe().to_csv(path, **kwargs)

    def to_parquet(self, path: Any, **kwargs: Any) -> Any:
        """``to_dataframe().to_parquet(path, index=False, ...)`` (needs pyarrow: ``pip install runic[parquet]``)."""
        kwargs.setdefault("index", False)
        try:
            return self.to_dataframe().to_parquet(path, **kwargs)
        except ImportError as exc:
            raise ImportError(f"to_parquet needs pyarrow: pip install 'runic[parquet]' ({exc})") from exc

    @property
    def df(self) -> Any:
        """``to_dataframe()``, built once."""
        if self._df is None:
            self._df = self.to_dataframe()
        return self._df

    def to_networkx(self, **kwargs: Any) -> Any:
        """A ``networkx.MultiDiGraph`` of every node and edge (see ``convert.to_networkx``)."""
        from .convert import to_networkx

        return to_networkx(self, **kwargs)

    def entities(self, session: Any = None) -> list[Any]:
        """The nodes and edges as instances of their registered models (by label / type).

        With ``session`` they go through its identity map (``session.hydrate``); records
        whose label or type has no model stay records.
        """
        from .hydrate import hydrate_records

        return hydrate_records(self.nodes() + self.edges(), session)

    def show_graph(self, **kwargs: Any) -> Any:
        """An interactive graph view of the nodes and edges (``GraphView``; it falls back to
        static SVG where no widget front-end is connected). Clicking a node fetches its
        neighbours over this result's connection."""
        try:
            from runic.notebook.widgets.graph_view import GraphView
        except ImportError as exc:
            from runic.ogm.exceptions import UnsupportedFeatureError

            raise UnsupportedFeatureError(
                f"the graph view cannot be loaded: {exc}",
                feature="graph view",
                hint="pip install anywidget ipywidgets, or use result.to_networkx()",
            ) from exc
        return GraphView.from_result(self, **kwargs)

    # -- display ---------------------------------------------------------------------------
    def footer(self) -> str:
        """One line: how many rows, whether more exist and how to get them, counters."""
        n = len(self.rows)
        shown = len(self._display_rows())
        target = self.name or "result"
        if self.has_more:
            text = f"showing {shown:,} rows — more exist (how many is not counted); {target}.fetch_all() or --no-limit fetches them"
        elif shown < n:
            text = f"showing {shown:,} of {n:,} rows — all {n:,} are in {target} (len({target}), {target}.to_dataframe())"
        else:
            text = f"{n:,} row{'s' if n != 1 else ''}"
        counters = self.summary.counters.as_dict() if self.summary.counters.available else {}
        if counters:
            text += " · " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counters.items())
        if self.summary.server_time_ms is not None and self.feedback > 1:
            text += f" · {self.summary.server_time_ms:.1f} ms"
        for notice in self.notices:
            text += f"\n{notice}"
        return text

    def _display_rows(self) -> list[list[Any]]:
        rows = self.rows
        if self.displaylimit is not None and len(rows) > self.displaylimit:
            rows = rows[: self.displaylimit]
        return rows

    def _text(self) -> str:
        rows = self._display_rows()
        if not self.columns:
            return self.footer()
        table = render.text_table(self.columns, rows, style=self.style, max_rows=TEXT_ROWS)
        extra = ""
        if len(rows) > TEXT_ROWS:
            extra = f"\n… {len(rows) - TEXT_ROWS:,} more rows in the table (len(result) = {len(self):,})"
        return f"{table}{extra}\n{self.footer()}"

    def _html(self) -> str:
        rows = self._display_rows()
        footer_class = "runic-more" if self.has_more else ""
        if not self.columns:
            return (
                f'<div class="runic-out">{render.CSS}<div class="runic-footer {footer_class}">'
                f"{_escape(self.footer())}</div></div>"
            )
        table = render.html_table(
            self.columns, rows, footer=self.footer(), footer_class=footer_class, types=render.column_types(self.columns, rows)
        )
        shown = GraphResult(self.columns, rows)
        nodes, edges = len(shown.nodes()), len(shown.edges())
        if nodes or edges:
            target = self.name or "result"
            hint = f"{nodes:,} nodes, {edges:,} edges — {target}.show_graph() draws them, {target}.to_networkx() analyses them"
            table = table[: -len("</div>")] + f'<div class="runic-footer">{_escape(hint)}</div></div>'
        return table

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        try:
            text = self._text()
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            text = f"<repr-error {type(exc).__name__}: {exc}>"
        bundle = {"text/plain": text}
        try:
            bundle["text/html"] = self._html()
        except Exception as exc:  # noqa: BLE001
            bundle["text/html"] = f"<pre>{_escape(f'<repr-error {type(exc).__name__}: {exc}>')}</pre>"
        return bundle

    def __repr__(self) -> str:
        more = " more exist" if self.has_more else ""
        return f"<QueryResult columns={self.columns!r} rows={len(self)}{more}>"


def _escape(text: str) -> str:
    import html

    return html.escape(text)


class _Heard:
    """The rows a fetch on the worker thread has reported; ``stop`` makes the next report
    raise ``KeyboardInterrupt`` there, so a streaming driver ends its fetch."""

    def __init__(self) -> None:
        self.rows = 0
        self.stop = False

    def __call__(self, rows: int) -> None:
        self.rows = rows
        if self.stop:
            raise KeyboardInterrupt


def _run_with_progress(call: Any, what: str, *, show: bool, backend: str | None = None) -> Any:
    """Run ``call(progress)``; when it takes longer than a second, show a tqdm bar with the
    rows that have arrived (drivers that stream count them) and rows per second.

    The call runs on a worker thread so the bar can tick and a kernel interrupt reaches
    the main thread at once. An interrupt raises ``FetchInterrupted`` with the rows that had
    arrived; a streaming driver stops at its next report, a driver that answers in one piece
    finishes in the background on its own connection and its rows are dropped.
    """
    heard = _Heard()
    if not show:
        try:
            return call(None)
        except KeyboardInterrupt as exc:
            raise interrupted(exc, FetchProgress(show=False), backend) from None
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = call(heard)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="runic-fetch", daemon=True)
    worker.start()
    bar = None
    started = time.monotonic()
    try:
        while not done.wait(0.1):
            if bar is None and time.monotonic() - started > PROGRESS_AFTER_S:
                bar = progress_bar(None, what, unit="rows", show=True)
                bar.start_t = bar.last_print_t = bar._time() - (time.monotonic() - started)
            if bar is not None:
                bar.update(heard.rows - bar.n)
    except KeyboardInterrupt as exc:
        heard.stop = True
        done.wait(STOP_WAIT_S)  # a streaming driver stops at its next report
        error = box.get("error")
        if isinstance(error, FetchInterrupted):
            raise error from None
        counted = FetchProgress(show=False)
        counted.rows = heard.rows
        raise interrupted(exc, counted, backend) from None
    finally:
        if bar is not None:
            if "value" in box:
                bar.update(len(box["value"].rows) - bar.n)
            bar.close()
    if "error" in box:
        raise box["error"]
    return box["value"]
