"""Decoding FalkorDB's ``--compact`` replies into runic's plain values (no I/O).

A compact reply is ``[header, rows, stats]`` (or ``[stats]`` for statements without
a result). Every value is a ``[type, payload]`` pair; nodes and edges name their labels,
relationship types and property keys by number. ``GraphNames`` caches those names per
graph; when a reply holds a number the cache does not know, decoding raises
``UnknownNameError`` and the driver refreshes the cache (``db.labels()`` etc.) and
decodes again.

Nodes become ``NodeRecord``, edges ``EdgeRecord``, paths ``PathRecord``; points
``{"latitude", "longitude"}``, vectors ``list[float]``, temporals ``datetime`` /
``date`` / ``time`` / ``timedelta``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import Any

from runic.ogm.core.collector import gc_paused

from .result import Counters, EdgeRecord, NodeRecord, PathRecord

__all__ = [
    "STAT_FIELDS",
    "GraphNames",
    "UnknownNameError",
    "decode_columns",
    "decode_reply",
    "decode_value",
    "parse_stats",
]

_T_NULL, _T_STRING, _T_INTEGER, _T_BOOLEAN, _T_DOUBLE = 1, 2, 3, 4, 5
_T_ARRAY, _T_EDGE, _T_NODE, _T_PATH, _T_MAP, _T_POINT, _T_VECTOR = 6, 7, 8, 9, 10, 11, 12
_T_DATETIME, _T_DATE, _T_TIME, _T_DURATION = 13, 14, 15, 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_new = object.__new__
_set = object.__setattr__


class UnknownNameError(LookupError):
    """The reply names a label / type / property key by a number the cache does not know."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class GraphNames:
    """Label, relationship-type and property-key names of one graph, by number."""

    __slots__ = ("_single_labels", "keys", "labels", "types")

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.types: list[str] = []
        self.keys: list[str] = []
        self._single_labels: list[tuple[str, ...]] = []

    def set(self, kind: str, names: list[str]) -> None:
        if kind == "labels":
            self.labels = list(names)
            self._single_labels = [(name,) for name in names]
        elif kind == "types":
            self.types = list(names)
        else:
            self.keys = list(names)

    def clear(self) -> None:
        self.set("labels", [])
        self.set("types", [])
        self.set("keys", [])


_TRUE_TEXT = "true"


def _to_bool(text: Any) -> bool:
    return text == "true" or text is True or text == b"true"


def _scalar(t: int, v: Any, names: GraphNames) -> Any:
    """Decode one ``[type, payload]`` value (the general path, for anything nested)."""
    if t == _T_STRING:
        return v.decode() if isinstance(v, bytes) else v
    if t == _T_INTEGER:
        return int(v)
    if t == _T_DOUBLE:
        return float(v)
    if t == _T_NULL:
        return None
    if t == _T_BOOLEAN:
        return _to_bool(v)
    if t == _T_NODE:
        return _node(v, names)
    if t == _T_EDGE:
        return _edge(v, names)
    if t == _T_ARRAY:
        return [_scalar(item[0], item[1], names) for item in v]
    if t == _T_MAP:
        return {
            (v[i].decode() if isinstance(v[i], bytes) else v[i]): _scalar(
                v[i + 1][0], v[i + 1][1], names
            )
            for i in range(0, len(v), 2)
        }
    if t == _T_PATH:
        nodes = _scalar(v[0][0], v[0][1], names)
        edges = _scalar(v[1][0], v[1][1], names)
        return PathRecord(tuple(nodes), tuple(edges))
    if t == _T_POINT:
        return {"latitude": float(v[0]), "longitude": float(v[1])}
    if t == _T_VECTOR:
        return [float(x) for x in v]
    if t == _T_DATETIME:
        return _EPOCH + timedelta(seconds=int(v))
    if t == _T_DATE:
        return (_EPOCH + timedelta(seconds=int(v))).date()
    if t == _T_TIME:
        return (_EPOCH + timedelta(seconds=int(v))).time()
    if t == _T_DURATION:
        return timedelta(seconds=int(v))
    raise ValueError(
        f"FalkorDB sent a value of unknown type {t} — upgrade runic or the falkordb package"
    )


def decode_value(pair: Any, names: GraphNames) -> Any:
    """Decode one compact ``[type, payload]`` pair."""
    return _scalar(pair[0], pair[1], names)


def _properties(props: list, names: GraphNames) -> dict[str, Any]:
    keys = names.keys
    out: dict[str, Any] = {}
    try:
        for prop in props:
            t = prop[1]
            if t == _T_STRING or t == _T_INTEGER:
                out[keys[prop[0]]] = prop[2]
            elif t == _T_DOUBLE:
                out[keys[prop[0]]] = float(prop[2])
            else:
                out[keys[prop[0]]] = _scalar(t, prop[2], names)
    except IndexError:
        raise UnknownNameError("keys") from None
    return out


def _node(v: list, names: GraphNames) -> NodeRecord:
    lids = v[1]
    try:
        if len(lids) == 1:
            labels = names._single_labels[lids[0]]
        else:
            all_labels = names.labels
            labels = tuple([all_labels[i] for i in lids])
    except IndexError:
        raise UnknownNameError("labels") from None
    rec = _new(NodeRecord)
    _set(rec, "id", v[0])
    _set(rec, "labels", labels)
    _set(rec, "properties", _properties(v[2], names))
    return rec


def _edge(v: list, names: GraphNames) -> EdgeRecord:
    try:
        rel_type = names.types[v[1]]
    except IndexError:
        raise UnknownNameError("types") from None
    rec = _new(EdgeRecord)
    _set(rec, "id", v[0])
    _set(rec, "type", rel_type)
    _set(rec, "start_id", v[2])
    _set(rec, "end_id", v[3])
    _set(rec, "properties", _properties(v[4], names))
    return rec


def _decode_rows(rows: list, names: GraphNames) -> list[list[Any]]:
    """The hot loop: plain strings/ints and nodes are decoded inline."""
    keys = names.keys
    types = names.types
    single = names._single_labels
    all_labels = names.labels
    new, setattr_ = _new, _set
    out: list[list[Any]] = []
    append = out.append
    try:
        for row in rows:
            decoded = []
            add = decoded.append
            for cell in row:
                t, v = cell
                if t == 8:  # node
                    lids = v[1]
                    if len(lids) == 1:
                        labels = single[lids[0]]
                    else:
                        labels = tuple([all_labels[i] for i in lids])
                    props = {}
                    for pid, pt, pv in v[2]:
                        if pt == 2 or pt == 3:
                            props[keys[pid]] = pv
                        elif pt == 5:
                            props[keys[pid]] = float(pv)
                        elif pt == 4:
                            props[keys[pid]] = pv == "true" or pv is True
                        else:
                            props[keys[pid]] = _scalar(pt, pv, names)
                    rec = new(NodeRecord)
                    setattr_(rec, "id", v[0])
                    setattr_(rec, "labels", labels)
                    setattr_(rec, "properties", props)
                    add(rec)
                elif t == 7:  # edge
                    props = {}
                    for pid, pt, pv in v[4]:
                        if pt == 2 or pt == 3:
                            props[keys[pid]] = pv
                        elif pt == 5:
                            props[keys[pid]] = float(pv)
                        else:
                            props[keys[pid]] = _scalar(pt, pv, names)
                    rec = new(EdgeRecord)
                    setattr_(rec, "id", v[0])
                    setattr_(rec, "type", types[v[1]])
                    setattr_(rec, "start_id", v[2])
                    setattr_(rec, "end_id", v[3])
                    setattr_(rec, "properties", props)
                    add(rec)
                elif t == 2 or t == 3:
                    add(v)
                elif t == 5:
                    add(float(v))
                elif t == 1:
                    add(None)
                else:
                    add(_scalar(t, v, names))
            append(decoded)
    except IndexError:
        # find out which kind of name was missing, through the careful path
        for row in rows:
            for cell in row:
                _scalar(cell[0], cell[1], names)
        raise
    return out


def decode_reply(reply: list, names: GraphNames) -> tuple[list[str], list[list[Any]], list[str]]:
    """``(columns, rows, stats)`` of a compact reply; raises ``UnknownNameError``."""
    if len(reply) == 1:
        return [], [], list(reply[0])
    header, rows, stats = reply[0], reply[1], reply[-1]
    columns = [col[1] if isinstance(col, (list, tuple)) else col for col in header]
    columns = [c.decode() if isinstance(c, bytes) else str(c) for c in columns]
    with gc_paused():
        return columns, _decode_rows(rows, names), list(stats)


_first = itemgetter(0)
_second = itemgetter(1)


def _decode_column(rows: list, j: int, names: GraphNames) -> list[Any]:
    """Column ``j``'s values: C-level ``map`` passes when the column holds one scalar type."""
    cells = list(map(itemgetter(j), rows))
    kinds = set(map(_first, cells))
    if kinds <= {_T_STRING, _T_INTEGER}:
        return list(map(_second, cells))
    if kinds == {_T_DOUBLE}:
        return list(map(float, map(_second, cells)))
    if kinds == {_T_BOOLEAN}:
        flags = list(map(_second, cells))
        if set(map(type, flags)) == {str}:  # the usual "true"/"false" text: compared in C
            return list(map(_TRUE_TEXT.__eq__, flags))
        return list(map(_to_bool, flags))
    if kinds <= {_T_NULL, _T_STRING, _T_INTEGER}:
        return [cell[1] if cell[0] != _T_NULL else None for cell in cells]
    if kinds <= {_T_NULL, _T_DOUBLE}:
        return [float(cell[1]) if cell[0] != _T_NULL else None for cell in cells]
    if kinds <= {_T_NULL, _T_BOOLEAN}:
        return [_to_bool(cell[1]) if cell[0] != _T_NULL else None for cell in cells]
    return [row[0] for row in _decode_rows([[cell] for cell in cells], names)]


def _flat_columns(rows: list, width: int, names: GraphNames) -> list[list[Any]] | None:
    """Every column at once from one flattened copy of the cells (``None``: not a plain table).

    Each row holds ``width`` ``[type, payload]`` pairs, so in the flat list column ``j``'s
    types sit at ``2j, 2j + 2·width, ...`` and its payloads one further: slices, no
    per-cell calls. Columns that are not one plain scalar type use ``_decode_column``."""
    if not width or not rows:
        return None
    flat = list(chain.from_iterable(chain.from_iterable(rows)))
    step = 2 * width
    if len(flat) != step * len(rows):
        return None
    kinds_of = [set(flat[2 * j :: step]) for j in range(width)]
    if not all(type(kind) is int for kinds in kinds_of for kind in kinds):
        return None
    data: list[list[Any]] = []
    for j, kinds in enumerate(kinds_of):
        if kinds <= _STRING_OR_INTEGER:
            data.append(flat[2 * j + 1 :: step])
        elif kinds == _DOUBLE_ONLY:
            data.append(list(map(float, flat[2 * j + 1 :: step])))
        elif kinds == _BOOLEAN_ONLY:
            flags = flat[2 * j + 1 :: step]
            if set(map(type, flags)) == {str}:
                data.append(list(map(_TRUE_TEXT.__eq__, flags)))
            else:
                data.append(list(map(_to_bool, flags)))
        else:
            data.append(_decode_column(rows, j, names))
    return data


_STRING_OR_INTEGER = frozenset({_T_STRING, _T_INTEGER})
_DOUBLE_ONLY = frozenset({_T_DOUBLE})
_BOOLEAN_ONLY = frozenset({_T_BOOLEAN})


def decode_columns(reply: list, names: GraphNames) -> tuple[list[str], list[list[Any]], list[str]]:
    """Like ``decode_reply`` but column by column: ``data[j]`` lists column ``j``'s values.

    For tabular results (DataFrames) this skips the per-row lists entirely."""
    if len(reply) == 1:
        return [], [], list(reply[0])
    header, rows, stats = reply[0], reply[1], reply[-1]
    columns = [col[1] if isinstance(col, (list, tuple)) else col for col in header]
    columns = [c.decode() if isinstance(c, bytes) else str(c) for c in columns]
    with gc_paused():
        try:
            data = _flat_columns(rows, len(columns), names)
            if data is None:
                data = [_decode_column(rows, j, names) for j in range(len(columns))]
        except IndexError:
            for row in rows:  # find out which kind of name was missing
                for cell in row:
                    _scalar(cell[0], cell[1], names)
            raise
    return columns, data, list(stats)


#: stat line prefix → ``Counters`` field
STAT_FIELDS = {
    "Labels added": "labels_added",
    "Labels removed": "labels_removed",
    "Nodes created": "nodes_created",
    "Nodes deleted": "nodes_deleted",
    "Properties set": "properties_set",
    "Relationships created": "relationships_created",
    "Relationships deleted": "relationships_deleted",
    "Indices created": "indexes_added",
    "Indices deleted": "indexes_removed",
    "Constraints created": "constraints_added",
    "Constraints deleted": "constraints_removed",
}


def parse_stats(lines: list[Any]) -> tuple[Counters, float | None]:
    """Counters and the server's execution time (ms) from the reply's stat lines."""
    counters = Counters()
    server_ms: float | None = None
    for line in lines:
        text = line.decode() if isinstance(line, bytes) else str(line)
        name, _, rest = text.partition(": ")
        if name == "Query internal execution time":
            try:
                server_ms = float(rest.split(" ")[0])
            except ValueError:
                pass
            continue
        attr = STAT_FIELDS.get(name)
        if attr is not None:
            try:
                setattr(counters, attr, getattr(counters, attr) + int(float(rest.split(" ")[0])))
            except ValueError:
                pass
    return counters, server_ms


def rows_of_strings(reply: list) -> list[str]:
    """First column of a compact reply whose rows are strings (``db.labels()`` and friends)."""
    if len(reply) < 3:
        return []
    return [row[0][1] for row in reply[1]]
