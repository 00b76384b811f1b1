"""The async builder and the fulltext / vector search builders (sync and async twins).

All of them share ``BaseQueryBuilder``'s chaining and compilation; the async classes
only ``await`` the session, and the search builders only replace the root ``MATCH`` by
the backend's index call (``dialect.fulltext_call`` / ``dialect.vector_call``), which
raises ``UnsupportedFeatureError`` on backends without that index kind.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any, TypeVar

from runic.ogm.core import vector_indexes
from runic.ogm.core.metadata import fields_of
from runic.ogm.exceptions import FieldValidationError, MetadataError

from ._flows import run, run_async
from .builder import BaseQueryBuilder, QueryBuilder
from .compiler import SearchSpec

__all__ = [
    "AsyncFulltextQueryBuilder",
    "AsyncQueryBuilder",
    "AsyncVectorQueryBuilder",
    "FulltextQueryBuilder",
    "VectorQueryBuilder",
]

T = TypeVar("T")


class AsyncQueryBuilder(BaseQueryBuilder[T]):
    """``QueryBuilder`` for ``AsyncSession``: the same chain; terminals are coroutines.

    ``build()`` stays synchronous (it does no I/O).
    """

    __slots__ = ()
    _is_async = True

    async def all(self) -> list[T]:
        """Every entity the query returns (null rows skipped, duplicates kept)."""
        return await run_async(self._terminal("all"))

    async def one(self) -> T | None:
        """The first entity (``LIMIT 1``), or ``None``."""
        return await run_async(self._terminal("one"))

    async def first(self) -> T | None:
        """Alias of ``one()``."""
        return await run_async(self._terminal("one"))

    async def count(self) -> int:
        """How many rows ``all()``/``all_rows()`` would give, ignoring order/skip/limit."""
        return await run_async(self._terminal("count"))

    async def all_rows(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name; entity columns hydrated."""
        return await run_async(self._terminal("rows"))

    async def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in RETURN order."""
        return await run_async(self._terminal("edges"))

    async def scalar(self) -> Any:
        """The first column of the first row, or ``None``."""
        return await run_async(self._terminal("scalar"))

    async def scalars(self) -> list[Any]:
        """The first column of every row."""
        return await run_async(self._terminal("scalars"))

    async def execute(self) -> Any:
        """The raw ``GraphResult``."""
        return await run_async(self._terminal("execute"))


# -- search support ------------------------------------------------------------------------------


def _fields_of(model: type) -> dict[str, Any]:
    return dict(fields_of(model))


def _field_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    info = getattr(value, "field_info", None)
    if info is None:
        raise TypeError(f"expected a model field or its name, got {value!r}")
    return getattr(value, "field_name", None) or info.name


def _declaring_label(model: type, info: Any) -> str:
    owner = getattr(info, "owner", None) or model
    return getattr(owner, "__label__", None) or owner.__name__


def _subtype(model: type, label: str) -> tuple[str, ...] | None:
    own = getattr(model, "__label__", None) or model.__name__
    return None if own == label else (own,)


def _looks_like_session(value: Any) -> bool:
    return hasattr(value, "dialect") and not isinstance(value, (str, type))


def _split_ctor(cls_name: str, args: tuple[Any, ...], kwargs: dict[str, Any], names: tuple[str, ...]):
    """(model, session, extra) from ``(Model, ...)`` or the reference ``(session, Model, ...)`` form."""
    if not args:
        model = kwargs.pop("model", None) or kwargs.pop("cls", None)
        if model is None:
            raise TypeError(f"{cls_name}() needs a model class")
        return model, kwargs.pop("session", None), kwargs
    if isinstance(args[0], type):
        model, rest = args[0], args[1:]
        session = kwargs.pop("session", None)
        if rest and _looks_like_session(rest[0]):
            session, rest = rest[0], rest[1:]
        extra = dict(zip(names[:1], rest))  # the SEED form takes at most the vector field positionally
        extra.update(kwargs)
        return model, session, extra
    if len(args) < 2 or not isinstance(args[1], type):
        raise TypeError(f"{cls_name}() takes (Model) or (session, Model, ...), got {args!r}")
    session, model, rest = args[0], args[1], args[2:]
    extra = dict(zip(names, rest))
    extra.update(kwargs)
    return model, session, extra


class _SearchConstructor:
    """``(Model, ...)`` or the reference ``(session, Model, ...)``; the options go to ``_start``."""

    __slots__ = ()
    _ctor_names: tuple[str, ...] = ()  # positional options, in order
    _options: tuple[str, ...] = ()  # every option ``_start`` takes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        model, session, extra = _split_ctor(type(self).__name__, args, kwargs, self._ctor_names)
        BaseQueryBuilder.__init__(self, model, session)  # type: ignore[arg-type]
        unknown = sorted(set(extra) - set(self._options))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected arguments: {', '.join(unknown)}")
        self._start(**extra)

    def _start(self, **options: Any) -> None:
        raise NotImplementedError


class _FulltextSearch(_SearchConstructor):
    __slots__ = ()
    _ctor_names = ("query", "fields")
    _options = ("query", "fields", "index")

    def _start(self, query: str | None = None, fields: Any = None, index: str | None = None) -> None:
        if query is not None:
            self._state = self.search(query, fields=fields, index=index)._state  # type: ignore[attr-defined]

    def search(self, text: str, *, fields: Any = None, index: str | None = None):
        """Match ``text`` against the model's fulltext index (``fields``: a subset of its fields)."""
        state = self._state  # type: ignore[attr-defined]
        model = state.model
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"search() takes a non-empty text, got {text!r}")
        infos = _fields_of(model)
        fulltext = {n: i for n, i in infos.items() if getattr(i, "index_type", None) == "fulltext"}
        chosen: tuple[str, ...] | None = None
        if fields is not None:
            names = [fields] if isinstance(fields, str) or hasattr(fields, "field_info") else list(fields)
            chosen = tuple(_field_name(f) for f in names)
            for name in chosen:
                if name not in fulltext:
                    raise MetadataError(
                        f"{model.__name__}.{name} has no fulltext index",
                        model=model,
                        field=name,
                        hint=f"declare it with Field(fulltext=True) or search {', '.join(sorted(fulltext)) or 'another model'}",
                    )
        first_info = fulltext[chosen[0]] if chosen else next(iter(fulltext.values()), None)
        label = _declaring_label(model, first_info) if first_info is not None else (getattr(model, "__label__", None) or model.__name__)
        spec = SearchSpec(
            kind="fulltext",
            label=label,
            text=text,
            fields=chosen,
            all_fields=tuple(fulltext),
            index=index,
            subtype_labels=_subtype(model, label),
        )
        return self._with(search=spec)  # type: ignore[attr-defined]

    def _check_ready(self) -> None:
        if self._state.search is None:  # type: ignore[attr-defined]
            raise ValueError(f"{type(self).__name__}: call .search(text) before building or running the query")


class _VectorSearch(_SearchConstructor):
    __slots__ = ()
    _ctor_names = ("field", "vector", "k")
    _options = ("field", "vector", "k", "index", "candidates")

    def _start(self, field: Any = None, vector: Any = None, k: int | None = None, index: str | None = None, candidates: int | None = None) -> None:
        if vector is not None:
            self._state = self.near(vector, 10 if k is None else k, field=field, index=index, candidates=candidates)._state  # type: ignore[attr-defined]
        elif field is not None:
            # remember the field for a later near(): kept in a search spec without a vector
            info = self._vector_field(field)
            self._state = replace(self._state, search=SearchSpec(kind="vector-field", label="", field=info.name))  # type: ignore[attr-defined]

    def _vector_field(self, field: Any) -> Any:
        model = self._state.model  # type: ignore[attr-defined]
        infos = _fields_of(model)
        vectors = {n: i for n, i in infos.items() if getattr(i, "index_type", None) == "vector"}
        if field is None:
            if len(vectors) != 1:
                raise MetadataError(
                    f"{model.__name__} has {'no' if not vectors else len(vectors)} vector-indexed fields"
                    + (f" ({', '.join(sorted(vectors))})" if vectors else ""),
                    model=model,
                    hint="pass field=... to near()" if vectors else "declare one with Field(vector=True, dimension=...)",
                )
            return next(iter(vectors.values()))
        name = _field_name(field)
        if name not in vectors:
            raise MetadataError(
                f"{model.__name__}.{name} has no vector index",
                model=model,
                field=name,
                hint="declare it with Field(vector=True, dimension=...)"
                + (f" or search {', '.join(sorted(vectors))}" if vectors else ""),
            )
        return vectors[name]

    def near(self, vector: Any, k: int = 10, *, field: Any = None, index: str | None = None, candidates: int | None = None):
        """The ``k`` nodes closest to ``vector`` (``__score`` = distance, closest first)."""
        state = self._state  # type: ignore[attr-defined]
        model = state.model
        if field is None and state.search is not None and state.search.field:
            field = state.search.field
        info = self._vector_field(field)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"near() needs k as an int ≥ 1, got {k!r}")
        if candidates is not None and (isinstance(candidates, bool) or not isinstance(candidates, int) or candidates < k):
            raise ValueError(f"candidates must be an int ≥ k ({k}), got {candidates!r}")
        values = _vector_values(vector)
        dimension = getattr(info, "dimension", None)
        if dimension and len(values) != dimension:
            raise FieldValidationError(
                f"{model.__name__}.{info.name}: the query vector has {len(values)} values, expected {dimension}",
                model=model,
                field=info.name,
                value=f"<vector of {len(values)}>",
                rule="dimension",
                hint=f"pass a vector of length {dimension}",
            )
        label = _declaring_label(model, info)
        spec = SearchSpec(
            kind="vector",
            label=label,
            index=index,
            field=info.name,
            vector=tuple(values),
            k=k,
            candidates=candidates,
            field_info=info,
            subtype_labels=_subtype(model, label),
        )
        return self._with(search=spec)  # type: ignore[attr-defined]

    def _for_session(self, session: Any) -> Any:
        """Index search where a usable index exists; else an exact scan, with a notice.

        An index is usable when the field declares its dimension, or when schema
        management created it on this driver after learning the dimension
        (``runic.ogm.core.vector_indexes``). A named ``index=`` is always used.
        """
        search = self._state.search  # type: ignore[attr-defined]
        if search is None or search.kind != "vector" or search.exact or search.index:
            return self
        if getattr(search.field_info, "dimension", None):
            return self
        if vector_indexes.dimension_of(getattr(session, "driver", None), search.label, search.field):
            return self
        model = self._state.model  # type: ignore[attr-defined]
        session.dialect.vector_distance("n.v", "$v", None)  # a backend that cannot scan says so, without a notice
        warnings.warn(
            f"{model.__name__}.{search.field} has no vector index yet (no dimension declared or learned) — "
            f"answering by an exact scan of every {search.label}; declare Field(..., dimension=N) and apply the indexes",
            stacklevel=4,
        )
        return self._with(search=replace(search, exact=True))  # type: ignore[attr-defined]

    def _check_ready(self) -> None:
        search = self._state.search  # type: ignore[attr-defined]
        if search is None or search.kind != "vector":
            raise ValueError(f"{type(self).__name__}: call .near(vector, k) before building or running the query")


def _vector_values(vector: Any) -> list[float]:
    if vector is None or isinstance(vector, (str, bytes)):
        raise TypeError(f"near() takes a list of floats, a Vector or an array, got {vector!r}")
    if hasattr(vector, "tolist"):
        vector = vector.tolist()
    elif not isinstance(vector, list) and hasattr(vector, "values") and not isinstance(vector, dict):
        vector = vector.values
    try:
        return [float(v) for v in vector]
    except (TypeError, ValueError):
        raise TypeError(f"near() takes a list of floats, a Vector or an array, got {vector!r}") from None


class _SyncScores:
    __slots__ = ()

    def all_with_scores(self) -> list[tuple[Any, float | None]]:
        """``(entity, score)`` pairs in result order."""
        return run(self._terminal("scores"))  # type: ignore[attr-defined]


class _AsyncScores:
    __slots__ = ()

    async def all_with_scores(self) -> list[tuple[Any, float | None]]:
        """``(entity, score)`` pairs in result order."""
        return await run_async(self._terminal("scores"))  # type: ignore[attr-defined]


class FulltextQueryBuilder(_FulltextSearch, _SyncScores, QueryBuilder[T]):
    """Fulltext search on a model's fulltext index: ``FulltextQueryBuilder(Post).search("graph")``.

    Results are ordered by relevance (``__score DESC``) unless ``order_by`` is given.
    """

    __slots__ = ()


class VectorQueryBuilder(_VectorSearch, _SyncScores, QueryBuilder[T]):
    """k-nearest-neighbour search: ``VectorQueryBuilder(Doc).near(vec, k=5)``.

    ``__score`` is a distance (lower is closer); results are always ordered by it first.
    With ``where()`` filters the index is asked for ``candidates`` (default ``10 * k``)
    nodes and ``LIMIT k`` applies after filtering.
    """

    __slots__ = ()


class AsyncFulltextQueryBuilder(_FulltextSearch, _AsyncScores, AsyncQueryBuilder[T]):
    """Async twin of ``FulltextQueryBuilder``."""

    __slots__ = ()


class AsyncVectorQueryBuilder(_VectorSearch, _AsyncScores, AsyncQueryBuilder[T]):
    """Async twin of ``VectorQueryBuilder``."""

    __slots__ = ()


def _pair(sync_cls: type, async_cls: type) -> None:
    sync_cls._sync_class = sync_cls
    sync_cls._async_class = async_cls
    async_cls._sync_class = sync_cls
    async_cls._async_class = async_cls


_pair(QueryBuilder, AsyncQueryBuilder)
_pair(FulltextQueryBuilder, AsyncFulltextQueryBuilder)
_pair(VectorQueryBuilder, AsyncVectorQueryBuilder)
