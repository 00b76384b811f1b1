"""Migration adapters: one per backend, each over a runic driver.

``create_adapter`` takes a URL (``create_adapter("falkordb://localhost:6379/g")``), a
runic driver, or the reference implementation's form: a backend name and keywords
(``create_adapter("falkordb", url=..., graph_name=...)``, ``create_adapter("age",
graph=..., host=...)``, ``create_adapter("arcadedb", database=...)``,
``create_adapter("neo4j", ...)``, ``create_adapter("memgraph", ...)``).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from runic.ogm.exceptions import did_you_mean

from ._base import GraphAdapterBase
from .age import AGEAdapter
from .bolt import ArcadeDBAdapter, MemgraphAdapter, Neo4jAdapter
from .falkordb import FalkorDBAdapter

__all__ = [
    "AGEAdapter",
    "ArcadeDBAdapter",
    "FalkorDBAdapter",
    "GraphAdapter",
    "GraphAdapterBase",
    "MemgraphAdapter",
    "Neo4jAdapter",
    "UnknownBackendError",
    "adapter_for",
    "create_adapter",
]

#: backend name of a driver → adapter class
ADAPTERS: dict[str, type[GraphAdapterBase]] = {
    "falkordb": FalkorDBAdapter,
    "arcadedb": ArcadeDBAdapter,
    "age": AGEAdapter,
    "neo4j": Neo4jAdapter,
    "memgraph": MemgraphAdapter,
}


@runtime_checkable
class GraphAdapter(Protocol):
    """What ``Runic`` needs from an adapter."""

    @property
    def name(self) -> str: ...

    def execute(self, cypher: str, params: dict[str, Any] | None = None) -> Any: ...
    def get_version(self) -> list[str]: ...
    def set_version(self, revisions: list[str]) -> None: ...
    def create_range_index(self, label: str, prop: str, *, rel: bool = False) -> None: ...
    def drop_range_index(self, label: str, prop: str, *, rel: bool = False) -> None: ...


class UnknownBackendError(KeyError):
    """``create_adapter`` got a backend name it does not know (a ``KeyError``, as in the reference)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def adapter_for(driver: Any, *, owns_driver: bool = False) -> GraphAdapterBase:
    """The adapter of a runic sync driver (its backend picks the class)."""
    if hasattr(driver, "run") and hasattr(driver, "read_record"):
        return driver  # already an adapter
    backend = getattr(driver, "backend", None)
    cls = ADAPTERS.get(str(backend))
    if cls is None:
        raise TypeError(f"no migration adapter for {type(driver).__name__} (backend {backend!r}) — pass a runic driver")
    import inspect

    if inspect.iscoroutinefunction(getattr(driver, "execute", None)):
        raise TypeError(f"{type(driver).__name__} is asynchronous — use AsyncRunic for async drivers, or a sync driver here")
    return cls(driver, owns_driver=owns_driver)


def create_adapter(target: Any, /, **kwargs: Any) -> GraphAdapterBase:
    """An adapter from a URL, a driver, or a backend name with keywords (see the module doc)."""
    if not isinstance(target, str):
        return adapter_for(target, owns_driver=False)
    if "://" in target:
        from runic.ogm.driver.factory import create_driver

        graph = kwargs.pop("graph_name", None)
        if graph is not None:
            kwargs.setdefault("graph", graph)
        return adapter_for(create_driver(target, **kwargs), owns_driver=True)
    name = target.strip().lower()
    if name == "falkordb":
        graph = kwargs.pop("graph_name", None) or kwargs.pop("graph", None)
        if graph is None:
            raise TypeError("create_adapter('falkordb', ...) needs graph_name= (the graph to migrate)")
        url = kwargs.pop("url", None)
        if url is not None:
            return FalkorDBAdapter.from_url(url, graph, username=kwargs.get("username"), password=kwargs.get("password"))
        return FalkorDBAdapter.from_params(graph, **kwargs)
    if name == "arcadedb":
        if "database" not in kwargs:
            raise TypeError("create_adapter('arcadedb', ...) needs database=")
        return ArcadeDBAdapter.from_params(kwargs.pop("database"), **kwargs)
    if name == "age":
        if "graph" not in kwargs:
            raise TypeError("create_adapter('age', ...) needs graph=")
        return AGEAdapter.from_params(kwargs.pop("graph"), **kwargs)
    if name == "neo4j":
        return Neo4jAdapter.from_params(kwargs.pop("database", "neo4j"), **kwargs)
    if name == "memgraph":
        return MemgraphAdapter.from_params(kwargs.pop("database", "memgraph"), **kwargs)
    hint = did_you_mean(name, ADAPTERS)
    raise UnknownBackendError(
        f"unknown adapter backend {target!r} — use one of {', '.join(ADAPTERS)} or a URL"
        + (f" ({hint})" if hint else "")
    )
