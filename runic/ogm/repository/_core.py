"""What the sync and async repositories share: argument checks, filter building,
result conversion. No I/O here; the shells only run what this builds."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from runic.ogm.core.metadata import fields_of, get_metadata
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import inspect
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import UnboundQueryError, did_you_mean
from runic.ogm.query import select

__all__ = ["RepositoryCore", "model_from_generic"]


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
