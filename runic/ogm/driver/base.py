"""The driver boundary: protocols every backend implements, and the dialect base class.

Everything above this package (compiler, mapper, session, schema, notebook) talks to a
database only through ``GraphDriver`` / ``AsyncGraphDriver`` and renders backend
differences only through ``GraphDialect``. No ``if backend == ...`` lives outside
``runic/ogm/driver/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runic.cypher import CYPHER_KEYWORDS, escape_identifier, escape_string, is_plain_identifier
from runic.ogm.exceptions import DriverError, UnsupportedFeatureError

from .result import GraphResult

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo
    from runic.ogm.schema.index_manager import IndexSpec

__all__ = [
    "AsyncGraphDriver",
    "AsyncSchemaCapabilities",
    "Clause",
    "DriverState",
    "GraphDialect",
    "GraphDriver",
    "GraphNamed",
    "SchemaCapabilities",
    "SchemaOps",
    "TransactionalGraphDriver",
]


#: values sent as they are, without their field's converter
_PLAIN_VALUES = (str, int, float, bool, list, dict, type(None))


class Clause(str):
    """A rendered Cypher fragment that carries the parameters it refers to."""

    params: dict[str, Any]

    def __new__(cls, text: str, params: dict[str, Any] | None = None) -> Clause:
        obj = super().__new__(cls, text)
        obj.params = dict(params or {})
        return obj


class GraphDialect:
    """I/O-free rendering rules of one backend's Cypher.

    The defaults follow openCypher as Neo4j speaks it; backends override what differs.
    """

    name: str = "cypher"
    #: can a node carry several labels (AGE: one; the rest go to a ``_labels`` property)
    multiple_labels: bool = True
    #: can ``MERGE (a)-[:T]-(b)`` be written without a direction
    supports_undirected_merge: bool = True
    #: does the backend have transactions that ``rollback()`` undoes
    transactional: bool = True
    #: does ``MERGE (n:L {k: $v})`` find ``n`` through an index on ``L.k``? (else bulk
    #: merges look keys up with an indexed ``MATCH`` and create the rest)
    merge_uses_index: bool = False
    #: is ``id(n) = $x`` an index lookup? (else bulk edges match endpoints by a key)
    indexed_id_lookup: bool = True
    #: does a flush send the rows of its node creates as lists (``row[0]``; shorter to
    #: encode and to parse) rather than maps (``row.p0``)?
    list_rows: bool = False

    #: does the backend's regular-expression match search the string (rather than match
    #: all of it, as Cypher's ``=~`` does)? runic then anchors ``.matches()`` patterns
    regex_searches: bool = False

    # -- identifiers -------------------------------------------------------------
    def quote(self, name: str) -> str:
        """Backtick-quote a label, type or property name (always safe to call)."""
        return escape_identifier(name)

    def property_ref(self, var: str, prop: str) -> str:
        """``var.prop`` in an expression, the name quoted when it needs to be."""
        return f"{var}.{prop if is_plain_identifier(prop) else self.quote(prop)}"

    def regex_match(self, lhs: str, ref: str) -> str:
        """``lhs`` matches the regular expression in parameter ``ref`` (null when ``lhs`` is)."""
        return f"{lhs} =~ {ref}"

    def label_pattern(self, labels: Sequence[str] | str) -> str:
        """``:`A`:`B``` for a MATCH/CREATE pattern."""
        if isinstance(labels, str):
            labels = (labels,)
        return "".join(":" + self.quote(label) for label in labels)

    def subtype_filter(self, alias: str, labels: Sequence[str] | str) -> str | None:
        """A WHERE condition restricting ``alias`` to nodes carrying ``labels``, or None
        when the MATCH pattern already does it."""
        return None

    def label_properties(self, labels: Sequence[str]) -> dict[str, Any]:
        """Properties a created node needs to carry its labels (AGE keeps extra labels in
        ``_labels``); empty where labels are native."""
        return {}

    # -- values ------------------------------------------------------------------
    def param_ref(self, expr: str, field_info: FieldInfo | None = None) -> str:
        """Wrap a parameter expression (``$p0`` or ``row.emb``) for the field's db type."""
        return expr

    def id_function(self, alias: str) -> str:
        return f"id({alias})"

    def id_param(self, expr: str) -> str:
        """How an id parameter is compared with ``id_function`` (e.g. ``toInteger($p)``)."""
        return expr

    def var_length(self, min_hops: int | None, max_hops: int | None) -> str:
        lo = "" if min_hops is None else str(int(min_hops))
        hi = "" if max_hops is None else str(int(max_hops))
        if min_hops is not None and max_hops is not None and min_hops == max_hops:
            return f"*{lo}"
        return f"*{lo}..{hi}"

    # -- statements ----------------------------------------------------------------
    def pattern_name(self, name: str) -> str:
        """A label or property name as a CREATE pattern writes it: bare when it is a plain
        identifier and no keyword, backtick-quoted otherwise."""
        if is_plain_identifier(name) and name.lower() not in CYPHER_KEYWORDS:
            return name
        return self.quote(name)

    def create_node_pattern(self, labels: Sequence[str] | str, refs: Iterable[tuple[str, str]], alias: str = "n") -> str:
        """``CREATE (n:Person {name: <ref>, ...})``: the one place a node CREATE is written.

        ``refs`` pairs each property name with the expression its value is read from
        (``$n_name``, ``row.p0``, ``vecf32(row[1])``). The labels go in as the backend
        stores them (``stored_labels``); ``render_create_node`` and the session's flush and
        bulk writers all render their node creates here.
        """
        if isinstance(labels, str):
            labels = (labels,)
        names = "".join(":" + self.pattern_name(label) for label in self.stored_labels(tuple(labels)))
        body = ", ".join(f"{self.pattern_name(key)}: {ref}" for key, ref in refs)
        return f"CREATE ({alias}{names}{' {' + body + '}' if body else ''})"

    def render_create_node(
        self,
        label: str | Sequence[str],
        props: Mapping[str, Any],
        fields: Mapping[str, FieldInfo] | None = None,
    ) -> Clause:
        """``CREATE (n:Person {name: $n_name, ...})`` with the values in ``.params``.

        ``fields`` maps property names to ``FieldInfo``: a value is sent in its field's
        stored form and referenced as ``node_value`` says (e.g. ``vecf32($n_emb)``). The
        node also gets its ``label_properties`` (AGE: ``_labels``); the text comes from
        ``create_node_pattern``.
        """
        labels = (label,) if isinstance(label, str) else tuple(label)
        params: dict[str, Any] = {}
        refs: list[tuple[str, str]] = []
        for i, (key, value) in enumerate({**props, **self.label_properties(labels)}.items()):
            pname = f"n_{key}" if is_plain_identifier(key) else f"n_{i}"
            while pname in params:
                pname += "_"
            info = fields.get(key) if fields else None
            ref, params[pname] = self.node_value("$" + pname, value, info)
            refs.append((key, ref))
        return Clause(self.create_node_pattern(labels, refs), params)

    def stored_labels(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels a created node carries in the pattern (all of them, by default)."""
        return labels

    def node_value(self, ref: str, value: Any, info: FieldInfo | None) -> tuple[str, Any]:
        """``(reference, value sent)`` of one property of a created node: a model value
        (not a plain str/number/bool/list/dict) goes through its field's ``to_db``, and
        the reference is wrapped by ``param_ref`` for the field's db type."""
        to_db = getattr(info, "to_db", None) if info is not None else None
        if callable(to_db) and not isinstance(value, _PLAIN_VALUES):
            value = to_db(value)
        return self.param_ref(ref, info), value

    def render_index(self, label: str, field: str) -> str:
        return f"CREATE INDEX FOR (n{self.label_pattern(label)}) ON (n.{self.quote(field)})"

    def fulltext_scope(self, text: str, fields: list[str]) -> str:
        """The fulltext query ``text`` limited to some of the index's ``fields``
        (RediSearch's ``@a|b:(text)`` form unless a dialect says otherwise)."""
        return f"@{'|'.join(fields)}:({text})"

    #: the ``CALL ... YIELD`` of a fulltext search, None where there is none. Placeholders:
    #: ``{index}`` (the index name, else the label) and ``{label}`` as string literals,
    #: ``{query}`` (the parameter), ``{alias}`` and ``{score}`` (the names to yield)
    fulltext_procedure: str | None = None
    #: the ``CALL ... YIELD`` of a k-NN search (score = distance), None where there is none.
    #: Placeholders: ``{index}`` (the index name, else ``vector_index_name``), ``{label}``
    #: and ``{field}`` as string literals, ``{k}``, ``{vector}``, ``{alias}``, ``{score}``
    vector_procedure: str | None = None
    #: the name of a label's vector index when a search names none
    vector_index_name: str = "{label}_{field}"

    def fulltext_call(self, label: str, index_name: str | None, query_param: str, alias: str, score: str) -> str:
        """``CALL ... YIELD node AS <alias>, score AS <score>`` for a fulltext search."""
        if self.fulltext_procedure is not None:
            return self.fulltext_procedure.format(
                index=escape_string(index_name or label), label=escape_string(label), query=query_param, alias=alias, score=score
            )
        raise UnsupportedFeatureError(
            f"{self.name} has no fulltext search",
            backend=self.name,
            feature="fulltext",
            hint="use FalkorDB, Neo4j or Memgraph for fulltext search",
        )

    def vector_call(self, label: str, field: str, index_name: str | None, k_param: str, vector_param: str, alias: str, score: str) -> str:
        """``CALL ... YIELD node AS <alias>, score AS <score>`` for a k-NN search; score = distance."""
        if self.vector_procedure is not None:
            index = index_name or self.vector_index_name.format(label=label, field=field)
            return self.vector_procedure.format(
                index=escape_string(index),
                label=escape_string(label),
                field=escape_string(field),
                k=k_param,
                vector=vector_param,
                alias=alias,
                score=score,
            )
        raise UnsupportedFeatureError(
            f"{self.name} has no vector search",
            backend=self.name,
            feature="vector",
            hint="use FalkorDB, Neo4j or Memgraph for vector search",
        )

    def check_written_names(self, query: str, params: Any) -> None:
        """Refuse, before sending, a write that stores a property name this backend cannot
        give back (ArcadeDB: names starting with ``@``). Most backends take any name."""

    def vector_distance(self, expr: str, vector_param: str, similarity: str | None) -> str:
        """A Cypher expression: the exact distance between ``expr`` and ``vector_param``
        (``cosine``: 1 − cosine similarity, the default; ``euclidean``: L2), for vector
        search without a usable index."""
        v, a, b = "_vi", expr, vector_param

        def total(term: str) -> str:
            return f"reduce(_vs = 0.0, {v} IN range(0, size({b}) - 1) | _vs + {term})"

        if similarity == "euclidean":
            return f"sqrt({total(f'({a}[{v}] - {b}[{v}]) * ({a}[{v}] - {b}[{v}])')})"
        dot = total(f"{a}[{v}] * {b}[{v}]")
        norms = f"sqrt({total(f'{a}[{v}] * {a}[{v}]')}) * sqrt({total(f'{b}[{v}] * {b}[{v}]')})"
        return f"1.0 - {dot} / ({norms})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class DriverState:
    """What every driver shell reports about itself, written once: the I/O-free core
    (``_core``) knows the redacted URL, the graph and the read-only default; ``_closed``
    says whether ``close()`` was called."""

    _core: Any
    _closed: bool
    backend: Any

    @property
    def url(self) -> str:
        """Redacted URL of this connection (``***`` for a password)."""
        return self._core.url

    @property
    def readonly(self) -> bool:
        return self._core.readonly

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise DriverError(f"this driver for {self.url} is closed", backend=self.backend, url=self.url, hint="create a new driver")


class GraphNamed(DriverState):
    """``DriverState`` of a driver bound to one named graph (FalkorDB, AGE)."""

    @property
    def graph_name(self) -> str:
        return self._core.graph_name


@runtime_checkable
class SchemaOps(Protocol):
    """Live schema access of one connection (``driver.schema``).

    Besides reading and changing the schema, it declares what the backend can do:
    ``supports(spec)`` (can it hold this index kind at all), ``unsupported_reason(spec)``
    (why not, as a message), ``can_list(spec)`` (does it list such indexes, so they can
    be verified), ``inspect_indexes()`` (live specs plus problems found while reading
    them) and ``ensure_entity_types(labels, types)`` (create node/edge types where the
    backend needs them declared). ``SchemaCapabilities`` gives the defaults.
    """

    def labels(self) -> list[str]: ...
    def relationship_types(self) -> list[str]: ...
    def property_keys(self) -> list[str]: ...
    def list_indexes(self) -> list[IndexSpec]: ...
    def create_index(self, spec: IndexSpec) -> None: ...
    def drop_index(self, spec: IndexSpec) -> None: ...
    def supports(self, spec: IndexSpec) -> bool: ...
    def unsupported_reason(self, spec: IndexSpec) -> str: ...
    def can_list(self, spec: IndexSpec) -> bool: ...
    def inspect_indexes(self) -> tuple[list[IndexSpec], list[str]]: ...
    def ensure_entity_types(self, labels: Sequence[str], types: Sequence[str]) -> None: ...


class SchemaCapabilities:
    """The defaults of ``SchemaOps``' capability members: every index kind is held and
    listed, reading the indexes reports no problems, no types need declaring."""

    def supports(self, spec: IndexSpec) -> bool:
        return True

    def unsupported_reason(self, spec: IndexSpec) -> str:
        return f"this backend cannot hold a {spec.index_type} index ({spec.label}.{spec.field})"

    def can_list(self, spec: IndexSpec) -> bool:
        return True

    def inspect_indexes(self) -> tuple[list[IndexSpec], list[str]]:
        return self.list_indexes(), []  # type: ignore[attr-defined]

    def ensure_entity_types(self, labels: Sequence[str], types: Sequence[str]) -> None:
        return None


class AsyncSchemaCapabilities(SchemaCapabilities):
    """``SchemaCapabilities`` for an async ``driver.schema`` (the I/O members are coroutines)."""

    async def inspect_indexes(self) -> tuple[list[IndexSpec], list[str]]:  # type: ignore[override]
        return await self.list_indexes(), []  # type: ignore[attr-defined]

    async def ensure_entity_types(self, labels: Sequence[str], types: Sequence[str]) -> None:  # type: ignore[override]
        return None


@runtime_checkable
class GraphDriver(Protocol):
    """A synchronous connection to one graph."""

    dialect: GraphDialect
    backend: str

    @property
    def url(self) -> str: ...  # redacted, never holds a password

    def execute(self, query: str, params: dict[str, Any] | None = None, *, readonly: bool = False, timeout: float | None = None) -> GraphResult: ...
    def explain(self, query: str, params: dict[str, Any] | None = None, *, profile: bool = False) -> list[str]: ...
    def close(self) -> None: ...


@runtime_checkable
class TransactionalGraphDriver(GraphDriver, Protocol):
    """A driver with explicit transactions (Bolt, AGE)."""

    def begin(self, readonly: bool = False) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def in_transaction(self) -> bool: ...


@runtime_checkable
class AsyncGraphDriver(Protocol):
    """The asyncio twin of ``GraphDriver``: the same members, as coroutines."""

    dialect: GraphDialect
    backend: str

    @property
    def url(self) -> str: ...

    async def execute(self, query: str, params: dict[str, Any] | None = None, *, readonly: bool = False, timeout: float | None = None) -> GraphResult: ...
    async def explain(self, query: str, params: dict[str, Any] | None = None, *, profile: bool = False) -> list[str]: ...
    async def close(self) -> None: ...
