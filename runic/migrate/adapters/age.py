"""Apache AGE adapter: revisions run in one PostgreSQL transaction, schema changes included;
throw-away graphs on the same connection."""

from __future__ import annotations

from typing import Any

from ._base import GraphAdapterBase

__all__ = ["AGEAdapter"]


class AGEAdapter(GraphAdapterBase):
    """A migration adapter for one AGE graph."""

    transactional_ddl = True
    supports_multi_label = False

    @classmethod
    def from_params(cls, graph: str, *, host: str = "localhost", port: int = 5432, database: str = "postgres", username: str = "postgres", password: str = "", **kwargs: Any) -> AGEAdapter:
        from runic.ogm.driver.age import create_age_driver

        return cls(create_age_driver(host, port, database, graph, username, password, **kwargs))

    def fork(self, graph_name: str) -> AGEAdapter:
        from runic.ogm.driver.age import AGEDriver

        return AGEAdapter(AGEDriver(self.driver.connection, graph_name), owns_driver=False)

    def delete_graph(self) -> None:
        if self.driver.in_transaction():
            self.driver.rollback()
        self.driver.drop_graph()
