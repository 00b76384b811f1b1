"""What the sync and async repositories share: argument checks, filter building,
result conversion, and every data method as a flow (no I/O).

A data method is a flow of ``runic.ogm.query._flows``: it yields the session calls to make
(``session.get``, ``session.flush``, ``session.execute``, a query terminal's own flow) and
receives their answers. ``Repository`` runs it with plain calls, ``AsyncRepository``
awaits each call; that is their only difference."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from runic.ogm.core.metadata import fields_of, get_metadata
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import inspect
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import UnboundQueryError, did_you_mean
from runic.ogm.query import select
from runic.ogm.query._flows import Flow, call

__all__ = ["BaseRepository", "RepositoryCore", "model_from_generic"]

T = TypeVar("T")


def model_from_generic(cls: type) -> type | None:
    """``class PersonRepo(Repository[Person])`` → ``Person``."""
    for base in getattr(cls, "__orig_bases__", ()):
        for arg in typing.get_args(base):
            if isinstance(arg, type) and issubclass(arg, (Node, Edge)):
                return arg
    return None


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, (Node, Edge))


class RepositoryCore:
    """Builds the statements of one model's repository."""

    def __init__(self, owner: type, session: Any, model: Any, session_type: type) -> None:
        if _is_model(session) and (model is None or isinstance(model, session_type)):
            raise TypeError(
                f"{owner.__name__}({session.__name__}, session) has its arguments swapped — "
                f"write {owner.__name__}(session, {session.__name__})"
            )
        model = model if model is not None else model_from_generic(owner)
        if not _is_model(model):
            raise TypeError(
                f"{owner.__name__} needs a Node or Edge model — {owner.__name__}(session, Person) "
                f"or class PersonRepo({owner.__name__}[Person])"
            )
        if session is not None and not isinstance(session, session_type):
            raise TypeError(f"{owner.__name__} needs a {session_type.__name__}, got {type(session).__name__}")
        self.model = model
        self.session = session
        self.session_type = session_type

    # -- session -------------------------------------------------------------------
    def resolve_session(self) -> Any:
        session = self.session if self.session is not None else self.session_type.current()
        if session is None:
            raise UnboundQueryError(
                f"{self.model.__name__} repository has no session",
                hint=f"pass one: Repository(session, {self.model.__name__}), or use it inside 'with {self.session_type.__name__}(driver):'",
            )
        return session

    # -- statements ----------------------------------------------------------------
    @property
    def key_field(self) -> Any:
        for name, info in fields_of(self.model).items():
            if info.primary_key:
                return self.model.__fields__[name]
        return None

    def select(self, session: Any) -> Any:
        return select(self.model).bind(session)

    def filtered(self, session: Any, filters: dict[str, Any]) -> Any:
        """``select(model)`` with one equality filter per keyword (``None`` → IS NULL)."""
        query = self.select(session)
        fields = fields_of(self.model)
        for name, value in filters.items():
            if issubclass(self.model, Edge) and name in ("source", "target"):
                query = query.where(*self._endpoint_filter(name, value), on="src" if name == "source" else "dst")
                continue
            info = fields.get(name)
            if info is None:
                hint = did_you_mean(name, fields) or f"fields are: {', '.join(fields)}"
                raise TypeError(f"{self.model.__name__} has no field {name!r} to filter on — {hint}")
            if info.is_relation:
                raise TypeError(
                    f"{self.model.__name__}.{name} is a relation; filter across it with "
                    f"repo.query().traverse({self.model.__name__}.{name}).where(...)"
                )
            query = query.where(self.model.__fields__[name] == value)
        return query

    def _endpoint_filter(self, end: str, value: Any) -> list[Any]:
        node_cls = type(value) if isinstance(value, Node) else None
        key = inspect(value).key if isinstance(value, Node) else value
        if node_cls is None:
            meta = get_metadata().get_edge_meta(self.model)
            node_cls = meta.source_model if end == "source" else meta.target_model
        if node_cls is None:
            raise TypeError(f"{self.model.__name__} does not declare its {end} class; pass the {end} entity itself")
        key_name = next(n for n, i in fields_of(node_cls).items() if i.primary_key)
        return [node_cls.__fields__[key_name] == key]

    def by_ids(self, session: Any, ids: list[Any]) -> Any:
        return self.select(session).where(self.key_field.in_(ids))

    @staticmethod
    def order_by_ids(entities: Iterable[Any], ids: list[Any]) -> list[Any]:
        by_key = {inspect(e).key: e for e in entities}
        return [by_key[i] for i in ids if i in by_key]

    # -- raw Cypher --------------------------------------------------------------------
    def convert(self, result: GraphResult, returns: Any, session: Any) -> list[Any]:
        """Rows of ``result`` as ``returns`` asks: None → [], dict → records, a model →
        entities of column 0, a scalar type → column 0."""
        if returns is None:
            return []
        if returns is dict:
            return result.records
        if _is_model(returns):
            out = []
            for value in result.values(0):
                if isinstance(value, (NodeRecord, EdgeRecord)):
                    out.append(session.hydrate(value, returns))
                elif value is not None:
                    raise TypeError(
                        f"column {result.columns[0]!r} holds {type(value).__name__}, not nodes — "
                        f"RETURN the node itself to get {returns.__name__} entities"
                    )
            return out
        return [returns(v) if v is not None and not isinstance(v, returns) else v for v in result.values(0)] if result.columns else []

    # -- data methods as flows -------------------------------------------------------------
    def get_flow(self, id: Any, fetch: Iterable[Any] | None, *, required: bool = False) -> Flow[Any]:
        session = self.resolve_session()
        method = session.get_one if required else session.get
        return (yield call(method, self.model, id, fetch=fetch))

    def find_flow(self, filters: dict[str, Any], *, first: bool = False) -> Flow[Any]:
        query = self.filtered(self.resolve_session(), filters)
        return (yield from (query.limit(1)._terminal("one") if first else query._terminal("all")))

    def add_flow(self, entities: list[Any]) -> Flow[None]:
        session = self.resolve_session()
        session.add_all(entities)
        yield call(session.flush)

    def delete_flow(self, entity: Any) -> Flow[None]:
        session = self.resolve_session()
        session.delete(entity)  # staging only (an AsyncSession's answer is an awaitable no-op)
        yield call(session.flush)

    def find_all_flow(self, fetch: Iterable[Any] | None, skip: int, limit: int | None) -> Flow[list[Any]]:
        session = self.resolve_session()
        entities = yield from self.select(session).skip(skip or None).limit(limit)._terminal("all")
        return (yield from self._fetch_flow(session, entities, fetch))

    def find_all_by_ids_flow(self, ids: Iterable[Any], fetch: Iterable[Any] | None) -> Flow[list[Any]]:
        session = self.resolve_session()
        wanted = list(ids)
        if not wanted:
            return []
        found = yield from self.by_ids(session, wanted)._terminal("all")
        return (yield from self._fetch_flow(session, self.order_by_ids(found, wanted), fetch))

    @staticmethod
    def _fetch_flow(session: Any, entities: list[Any], fetch: Iterable[Any] | None) -> Flow[list[Any]]:
        if fetch and entities:
            yield call(session.load_relations, entities, list(fetch))
        return entities

    def count_flow(self) -> Flow[int]:
        return (yield from self.select(self.resolve_session())._terminal("count"))

    def exists_flow(self, id: Any) -> Flow[bool]:
        return (yield from self.by_ids(self.resolve_session(), [id])._terminal("count")) > 0

    def cypher_flow(self, query: str, params: dict[str, Any] | None, returns: Any, write: bool, *, first: bool = False, raw: bool = False) -> Flow[Any]:
        session = self.resolve_session()
        result = yield call(session.execute, query, params, write=write)
        if raw:
            return result
        rows = self.convert(result, returns, session)
        return (rows[0] if rows else None) if first else rows


class BaseRepository(Generic[T]):
    """What ``Repository`` and ``AsyncRepository`` share besides running flows (no I/O)."""

    _session_type: type

    def __init__(self, session: Any = None, model: type[T] | None = None) -> None:
        self._core = RepositoryCore(type(self), session, model, self._session_type)

    @property
    def model(self) -> type[T]:
        return self._core.model

    @property
    def session(self) -> Any:
        return self._core.resolve_session()

    def query(self) -> Any:
        """A ``select(model)`` builder bound to this repository's session."""
        return self._core.select(self.session)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model.__name__}>"
