"""Converters between query results and pandas / networkx, both ways.

``to_dataframe(x)`` and ``to_networkx(x)`` accept a notebook result, a bare
``GraphResult``, lists of node/edge records or model entities, and query builders (which
they run). ``from_networkx`` and ``from_dataframe`` write through the session's bulk path
(``Session.bulk_save``): batches of ``UNWIND $rows`` statements, one transaction per
batch. A failing batch raises ``BulkWriteError`` naming its row range; the batches before
it stay written and are counted as the database holds them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from runic.ogm import Edge, Node, inspect
from runic.ogm.driver.result import ColumnRows, EdgeRecord, GraphResult, NodeRecord, PathRecord
from runic.ogm.exceptions import BulkWriteError
from runic.progress import progress_bar

__all__ = [
    "BulkWriteReport",
    "from_dataframe",
    "from_networkx",
    "table_of",
    "to_dataframe",
    "to_networkx",
]

DEFAULT_BATCH_SIZE = 1000
#: property that keeps a networkx node / multi-edge key in the database
NX_KEY = "_nx_key"


# -- inputs -----------------------------------------------------------------------
def _is_builder(x: Any) -> bool:
    return hasattr(x, "build") and hasattr(x, "all") and hasattr(x, "execute") and not isinstance(x, GraphResult)


def _is_entity(x: Any) -> bool:
    return isinstance(x, (Node, Edge))


def table_of(x: Any) -> tuple[list[str], list[list[Any]]]:
    """``(columns, rows)`` of a result-like value (a builder is run)."""
    raw = getattr(x, "raw", None)
    if isinstance(raw, GraphResult) and hasattr(x, "rows"):
        return list(x.columns), x.rows
    if isinstance(x, GraphResult):
        return list(x.columns), x.rows
    if _is_builder(x):
        return table_of(x.execute())
    raise TypeError(f"expected a result, a GraphResult or a query builder, got {type(x).__name__}")


def is_edge_class(cls: type) -> bool:
    """Is ``cls`` an Edge model (by class, or by shape when the models package is absent)?"""
    return isinstance(cls, type) and issubclass(cls, Edge)


def _element_id(entity: Any) -> Any:
    """The database id of an entity (None for anything else, or before it is stored)."""
    return inspect(entity).element_id if isinstance(entity, (Node, Edge)) else None


def _entity_parts(entity: Any) -> tuple[str, Any, tuple[str, ...], dict[str, Any]]:
    """``(kind, id, labels-or-type, properties)`` of a model entity."""
    state = inspect(entity)
    props = entity.to_dict() if hasattr(entity, "to_dict") else dict(vars(entity))
    props = {k: v for k, v in props.items() if not k.startswith("_")}
    cls = type(entity)
    if is_edge_class(cls):
        return "edge", state.element_id, (str(cls.__type__),), props
    label = getattr(cls, "__labels__", None) or getattr(cls, "__label__", cls.__name__)
    labels = tuple(label) if isinstance(label, (list, tuple)) else (str(label),)
    return "node", state.element_id, labels, props


# -- DataFrame ----------------------------------------------------------------------
#: exact Python type of every non-null value → (numpy dtype without nulls, pandas dtype with nulls)
_FAST_ARRAYS: dict[type, tuple[Any, str]] = {
    int: ("int64", "Int64"),
    float: ("float64", "Float64"),
    bool: ("bool", "boolean"),
    str: (None, "string"),
}


def _column_array(values: Sequence[Any]) -> Any:
    """A typed array for one column: ints stay ints (``Int64`` when nulls), nulls are NA."""
    import numpy as np
    import pandas as pd

    values = values if isinstance(values, list) else list(values)
    kinds = set(map(type, values))
    has_null = type(None) in kinds
    kinds.discard(type(None))
    dtypes = _FAST_ARRAYS.get(kinds.pop()) if len(kinds) == 1 else None
    if dtypes is not None:  # one plain Python type: no need to infer it value by value
        plain, nullable = dtypes
        try:
            return np.array(values, dtype=plain) if plain is not None and not has_null else pd.array(values, dtype=nullable)
        except (OverflowError, TypeError, ValueError):
            pass
    kind = pd.api.types.infer_dtype(values, skipna=True)
    try:
        if kind == "integer":
            return pd.array(values, dtype="Int64") if has_null else np.array(values, dtype=np.int64)
        if kind in ("floating", "mixed-integer-float"):
            return pd.array(values, dtype="Float64") if has_null else np.array(values, dtype=np.float64)
        if kind == "boolean":
            return pd.array(values, dtype="boolean") if has_null else np.array(values, dtype=bool)
        if kind == "string":
            return pd.array(values, dtype=pd.StringDtype())
        if kind in ("datetime", "datetime64", "date", "timedelta"):
            return pd.array(values)
    except (OverflowError, TypeError, ValueError):
        pass
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def _expand_column(name: str, values: Sequence[Any], prefix: bool) -> dict[str, Any]:
    keys: dict[str, None] = {}
    for v in values:
        if v is not None:
            keys.update(dict.fromkeys(v.properties))
    out: dict[str, Any] = {}
    for key in keys:
        col = f"{name}.{key}" if prefix else key
        out[col] = _column_array([v.properties.get(key) if v is not None else None for v in values])
    return out


def _first_non_null(values: Sequence[Any]) -> Any:
    for v in values:
        if v is not None:
            return v
    return None


def _frame_from_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], expand: bool, column_data: Sequence[Sequence[Any]] | None = None) -> Any:
    import pandas as pd

    data: dict[str, Any] = {}
    if column_data is None and isinstance(rows, ColumnRows):
        column_data = rows.columns_data
    if column_data is not None:
        n = len(rows)
        transposed = [col if len(col) == n else col[:n] for col in column_data]
    else:
        transposed = list(zip(*rows)) if rows else [() for _ in columns]
    single = len(columns) == 1
    for name, values in zip(columns, transposed):
        first = _first_non_null(values)
        if expand and isinstance(first, (NodeRecord, EdgeRecord)) and all(v is None or isinstance(v, type(first)) for v in values):
            data.update(_expand_column(name, values, prefix=not single))
        else:
            data[name] = _column_array(values)
    if not data and columns and not rows:
        data = {c: [] for c in columns}
    return pd.DataFrame(data, copy=False)


def _frame_from_items(items: Sequence[Any]) -> Any:
    """One row per node/edge record or entity: its properties."""
    import pandas as pd

    props: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, (NodeRecord, EdgeRecord)):
            props.append(item.properties)
        elif _is_entity(item):
            props.append(_entity_parts(item)[3])
        elif isinstance(item, Mapping):
            props.append(dict(item))
        else:
            raise TypeError(f"cannot turn a {type(item).__name__} into a DataFrame row — pass nodes, edges, entities or dicts")
    keys: dict[str, None] = {}
    for p in props:
        keys.update(dict.fromkeys(p))
    return pd.DataFrame({k: _column_array([p.get(k) for p in props]) for k in keys}, copy=False)


def to_dataframe(x: Any, *, expand: bool = False) -> Any:
    """A pandas DataFrame of ``x``.

    Results and ``GraphResult``: one column per returned column (``expand=True`` turns a
    node/edge column into one column per property, named ``col.prop``, or just ``prop``
    when it is the only column). Lists of nodes, edges or entities: one row per item, one
    column per property. A query builder runs and its nodes are expanded.
    """
    if isinstance(x, (list, tuple)):
        return _frame_from_items(x)
    if _is_builder(x):
        return _frame_from_table(*table_of(x.execute()), expand=True)
    columns, rows = table_of(x)
    return _frame_from_table(columns, rows, expand, getattr(x, "column_data", None))


# -- networkx -------------------------------------------------------------------------
def _graph_values(x: Any) -> Iterator[Any]:
    if isinstance(x, (NodeRecord, EdgeRecord, PathRecord)) or _is_entity(x):
        yield x
    elif isinstance(x, (list, tuple, ColumnRows)):
        for item in x:
            yield from _graph_values(item)
    elif isinstance(x, dict):
        for item in x.values():
            yield from _graph_values(item)


def to_networkx(
    x: Any,
    *,
    node_key: str | None = None,
    edge_key: str | None = None,
    label_attr: str | None = "labels",
    type_attr: str | None = "type",
) -> Any:
    """A ``networkx.MultiDiGraph`` of every node and edge in ``x`` (paths and lists too).

    Node key = database id (or the property ``node_key``), attributes = properties plus
    ``labels``; edge key = edge id (or the property ``edge_key``), attributes = properties
    plus ``type``. Endpoints of edges whose nodes are not in ``x`` are added bare.
    ``label_attr`` / ``type_attr`` = None leaves those attributes out.
    """
    import networkx as nx

    if _is_builder(x):
        x = x.execute()
    if hasattr(x, "raw") and hasattr(x, "rows") and isinstance(x.raw, GraphResult):
        source: Any = x.rows
    elif isinstance(x, GraphResult):
        source = x.rows
    else:
        source = x
    node_ids: dict[Any, Any] = {}  # database id → graph key
    node_attrs: dict[Any, dict[str, Any]] = {}  # graph key → attributes
    edges: list[tuple[Any, Any, Any, dict[str, Any]]] = []
    seen_edges: set[Any] = set()

    def add_node(db_id: Any, labels: Sequence[str], props: dict[str, Any]) -> None:
        attrs = dict(props)
        key = attrs.pop(node_key, db_id) if node_key else db_id
        node_ids[db_id] = key
        if label_attr:
            attrs[label_attr] = list(labels)
        if key in node_attrs:
            node_attrs[key].update(attrs)
        else:
            node_attrs[key] = attrs

    def add_edge(db_id: Any, rel_type: str, start: Any, end: Any, props: dict[str, Any]) -> None:
        attrs = dict(props)
        key = attrs.pop(edge_key, db_id) if edge_key else db_id
        if type_attr:
            attrs[type_attr] = rel_type
        edges.append((start, end, key, attrs))

    def add(item: Any) -> None:
        kind = item.__class__
        if kind is NodeRecord:
            if item.id not in node_ids:  # a node seen again in one result is the same node
                add_node(item.id, item.labels, item.properties)
        elif kind is EdgeRecord:
            if item.id not in seen_edges:
                seen_edges.add(item.id)
                add_edge(item.id, item.type, item.start_id, item.end_id, item.properties)
        elif kind is PathRecord:
            for part in (*item.nodes, *item.edges):
                add(part)
        else:
            add_entity(item)

    def add_entity(item: Any) -> None:
        kind, db_id, names, props = _entity_parts(item)
        if kind == "node":
            add_node(db_id, names, props)
            return
        start = _element_id(getattr(item, "source", None))
        end = _element_id(getattr(item, "target", None))
        if (db_id, "entity") not in seen_edges:
            seen_edges.add((db_id, "entity"))
            add_edge(db_id, names[0], start, end, props)

    flat = (NodeRecord, EdgeRecord)
    rows = source if isinstance(source, (list, tuple, ColumnRows)) else [source]
    for row in rows:
        cells = row if isinstance(row, (list, tuple)) else (row,)
        for cell in cells:
            if cell.__class__ in flat:  # the common case, without the generic walk
                add(cell)
            else:
                for value in _graph_values(cell):
                    add(value)

    G = nx.MultiDiGraph()
    G.add_nodes_from(node_attrs.items())
    G.add_edges_from((node_ids.get(start, start), node_ids.get(end, end), key, attrs) for start, end, key, attrs in edges)
    return G


# -- bulk writes --------------------------------------------------------------------------
@dataclass
class BulkWriteReport:
    """What a bulk write did."""

    nodes: int = 0
    edges: int = 0
    rows: int = 0
    batches: int = 0

    def __repr__(self) -> str:
        parts = [f"{n} {what}" for n, what in ((self.nodes, "nodes"), (self.edges, "edges"), (self.rows, "rows")) if n]
        return f"<BulkWriteReport {', '.join(parts) or 'nothing'} written in {self.batches} batch(es)>"


def _progress(total: int, desc: str, progress: bool | None) -> Any:
    return progress_bar(total, desc, unit="rows", show=progress, auto_above=5 * DEFAULT_BATCH_SIZE)


@contextmanager
def _bulk_session(target: Any) -> Iterator[Any]:
    """The session whose ``bulk_save`` writes: ``target`` itself, or one opened on its driver."""
    if callable(getattr(target, "bulk_save", None)):
        yield target
        return
    driver = target if callable(getattr(target, "execute", None)) and hasattr(target, "dialect") else getattr(target, "driver", None)
    if driver is None or not callable(getattr(driver, "execute", None)):
        raise TypeError(f"expected a Session, a driver or a connection, got {type(target).__name__}")
    from runic.ogm import Session

    with Session(driver) as session:
        yield session


class _Writer:
    """Runs ``bulk_save`` calls one after another with one bar and one running count.

    A failure or an interrupt in any of them is re-raised counting every row written so far
    (earlier calls included), as the database holds them."""

    def __init__(self, session: Any, total: int, desc: str, progress: bool | None, batch_size: int) -> None:
        self.session = session
        self.batch_size = batch_size
        self.done = 0
        self.batches = 0
        self.bar = _progress(total, desc, progress)

    def write(self, target: Any, rows: Any, *, key: str | None = None, on_ids: Any = None) -> int:
        base = self.done

        def tick(done: int, total: Any) -> None:
            self.bar.update(base + done - self.bar.n)

        try:
            written = self.session.bulk_save(target, rows, key=key, batch_size=self.batch_size, progress=tick, on_ids=on_ids)
        except BulkWriteError as exc:
            start, stop = exc.row_range or (0, 0)
            err = type(exc)(
                exc.message,
                row_range=(start, stop),
                committed_rows=base + (exc.committed_rows or 0),
                batches_committed=self.batches + (exc.batches_committed or 0),
                hint=f"{self.batches + (exc.batches_committed or 0)} earlier batch(es) with {base + (exc.committed_rows or 0)} rows stay written; fix the data and write from row {start} on",
            )
            raise err from exc.__cause__ or exc
        self.done += written
        self.batches += -(-written // self.batch_size) if written else 0
        return written

    def close(self) -> None:
        self.bar.close()


def _labels_of(model: Any, default: str) -> tuple[str, ...]:
    if model is None:
        return (default,)
    label = getattr(model, "__labels__", None) or getattr(model, "__label__", None) or model.__name__
    return tuple(label) if isinstance(label, (list, tuple)) else (str(label),)


def _type_of(model: Any, default: str) -> str:
    if model is None:
        return default
    return str(getattr(model, "__type__", None) or model.__name__.upper())


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, (Node, Edge))


def _field_converters(model: Any) -> dict[str, Any]:
    if not _is_model(model):
        return {}
    try:
        from runic.ogm.core.metadata import fields_of

        return {name: info for name, info in fields_of(model).items() if not getattr(info, "is_relation", False)}
    except Exception:  # noqa: BLE001 - models without metadata write their values as given
        return {}


def _db_value(value: Any) -> Any:
    """A plain Python value for a parameter (numpy scalars/arrays, NA → None)."""
    if value is None:
        return None
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    tolist = getattr(value, "tolist", None)
    if tolist is not None and type(value).__module__.startswith("numpy"):
        return tolist()
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, (list, tuple)):
        return [_db_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _db_value(v) for k, v in value.items()}
    return value


def _clean_props(props: Mapping[str, Any], converters: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        info = converters.get(key)
        if info is not None and hasattr(info, "to_db") and value is not None:
            value = info.to_db(value)
        value = _db_value(value)
        if value is not None:
            out[str(key)] = value
    return out


def from_networkx(
    G: Any,
    session: Any,
    *,
    node_model: Any = None,
    edge_model: Any = None,
    label: str | None = None,
    type: str | None = None,
    key: str | None = NX_KEY,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = None,
) -> BulkWriteReport:
    """Write the nodes and edges of networkx graph ``G`` through ``session``'s bulk path.

    Labels: ``node_model``'s label, else ``label``, else each node's ``labels``
    attribute (as ``to_networkx`` writes it), else ``Node``. Types likewise from
    ``edge_model`` / ``type`` / the edge's ``type`` attribute / ``RELATED``. The networkx
    node key (and a multigraph's edge key) is stored in property ``key`` (default
    ``_nx_key``) so ``to_networkx(result, node_key=key, edge_key=key)`` rebuilds ``G``.
    Edges of an undirected graph are written ``u → v``. Nodes are created; edges find
    their endpoints by element id, or by the indexed ``key`` where the backend cannot look
    ids up through an index (AGE). ``session``: a Session, a driver or a connection.
    """
    from runic.ogm import EdgeRows

    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r} must be at least 1")
    node_conv = _field_converters(node_model)
    edge_conv = _field_converters(edge_model)
    fixed_labels = _labels_of(node_model, label) if (node_model is not None or label) else None
    fixed_type = _type_of(edge_model, type) if (edge_model is not None or type) else None

    # group nodes by label set so each statement names its labels in its text
    groups: dict[tuple[str, ...], list[tuple[Any, dict[str, Any]]]] = {}
    node_labels: dict[Any, tuple[str, ...]] = {}
    for node, attrs in G.nodes(data=True):
        attrs = dict(attrs)
        labels = fixed_labels
        raw_labels = attrs.pop("labels", None)
        if labels is None:
            if isinstance(raw_labels, (list, tuple)) and raw_labels:
                labels = tuple(str(x) for x in raw_labels)
            elif isinstance(raw_labels, str) and raw_labels:
                labels = (raw_labels,)
            else:
                labels = ("Node",)
        elif raw_labels is not None and node_model is None and label is None:
            attrs["labels"] = raw_labels
        props = _clean_props(attrs, node_conv)
        if key:
            props[key] = _db_value(node)
        groups.setdefault(labels, []).append((node, props))
        node_labels[node] = labels

    multigraph = G.is_multigraph()
    edge_groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[tuple[Any, Any, dict[str, Any]]]] = {}
    edge_iter = G.edges(keys=True, data=True) if multigraph else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, k, attrs in edge_iter:
        attrs = dict(attrs)
        raw_type = attrs.pop("type", None)
        rel_type = fixed_type or (str(raw_type) if raw_type else "RELATED")
        if fixed_type and raw_type is not None and edge_model is None and type is None:
            attrs["type"] = raw_type
        props = _clean_props(attrs, edge_conv)
        if key and multigraph:
            props[key] = _db_value(k)
        edge_groups.setdefault((rel_type, node_labels[u][:1], node_labels[v][:1]), []).append((u, v, props))

    total = G.number_of_nodes() + G.number_of_edges()
    report = BulkWriteReport()
    with _bulk_session(session) as s:
        by_key = bool(key) and not getattr(s.dialect, "indexed_id_lookup", True)
        writer = _Writer(s, total, "from_networkx", progress, batch_size)
        db_ids: dict[Any, Any] = {}
        try:
            for labels, items in groups.items():
                on_ids = None
                if not by_key:
                    def on_ids(pairs: list[tuple[int, Any]], _items: list[Any] = items) -> None:
                        for i, element_id in pairs:
                            db_ids[_items[i][0]] = element_id

                report.nodes += writer.write(labels, (props for _, props in items), on_ids=on_ids)
            for (rel_type, src, dst), edges in edge_groups.items():
                if by_key:
                    target = EdgeRows(rel_type, src, dst, by=key)
                    rows: Any = ({"source": _db_value(u), "target": _db_value(v), **props} for u, v, props in edges)
                else:
                    target = EdgeRows(rel_type)
                    rows = ({"source": db_ids[u], "target": db_ids[v], **props} for u, v, props in edges)
                report.edges += writer.write(target, rows)
        finally:
            writer.close()
    report.batches = writer.batches
    return report


def _frame_records(df: Any, chunk: int) -> Iterator[dict[str, Any]]:
    """Rows of ``df`` as dicts of plain Python values (NA/NaN → None), built column by column
    ``chunk`` rows at a time, so a large frame is never copied whole."""
    names = [str(c) for c in df.columns]
    for start in range(0, len(df), chunk):
        part = df.iloc[start : start + chunk]
        columns = []
        for name in part.columns:
            series = part[name]
            values = series.tolist()
            if series.hasnans if hasattr(series, "hasnans") else True:
                mask = series.isna().tolist()
                values = [None if m else v for v, m in zip(values, mask)]
            columns.append([_db_value(v) for v in values] if series.dtype == object else values)
        if columns:
            yield from (dict(zip(names, row)) for row in zip(*columns))
        else:
            yield from ({} for _ in range(len(part)))


class _Sized:
    """An iterator that knows its length (for progress totals)."""

    def __init__(self, items: Iterator[Any], n: int) -> None:
        self.items = items
        self.n = n

    def __iter__(self) -> Iterator[Any]:
        return self.items

    def __len__(self) -> int:
        return self.n


def from_dataframe(
    df: Any,
    Model: Any,
    session: Any,
    *,
    key: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = None,
) -> Any:
    """Write one node of ``Model`` per DataFrame row through ``session``'s bulk path.

    With ``key`` (a column; for a model, default its primary key), rows are merged on it
    through an index (existing nodes updated); without, created. ``Model`` is a model
    class, or any class whose ``__label__`` names the label. Rows stream from the frame
    in batches. ``session``: a Session, a driver or a connection.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r} must be at least 1")
    if key is not None and key not in df.columns:
        from runic.ogm.exceptions import did_you_mean

        raise KeyError(f"key column {key!r} is not in the DataFrame {did_you_mean(key, map(str, df.columns))}".rstrip())
    target: Any = Model if _is_model(Model) else _labels_of(Model, "Node")
    n = len(df)
    rows = _Sized(_frame_records(df, max(batch_size, 10_000)), n)
    with _bulk_session(session) as s:
        writer = _Writer(s, n, f"from_dataframe → {_labels_of(Model, 'Node')[0]}", progress, batch_size)
        try:
            written = writer.write(target, rows, key=key)
        finally:
            writer.close()
    return BulkWriteReport(nodes=int(written), rows=int(written), batches=writer.batches)
