"""Reads: statements that fetch one entity by key or refresh it, and the node and relation
patterns every statement matches by (no I/O)."""

from __future__ import annotations

from typing import Any

from runic.ogm.driver.result import GraphResult
from runic.ogm.mapper.mapper import ElementKey, is_edge_model, node_labels

from ._core_state import CoreState
from ._entity import state_of
from ._statement import Statement

__all__ = ["Reads"]


class Reads(CoreState):
    """Statements reading one entity, and how statements match stored nodes."""

    # -- read statements ------------------------------------------------------------------------------
    def match_node(self, alias: str, cls: type | None, key_expr: str, *, anchor_only: bool = False, by_id: bool = False) -> tuple[str, str]:
        """``(pattern, condition)`` matching one node of ``cls`` by key expression ``key_expr``
        (``by_id``: the expression holds element ids, for nodes stored without their key)."""
        mapper = self.mapper
        dialect = self.dialect
        if cls is None:  # a relation without a declared target: any node, by element id
            return f"({alias})", f"{dialect.id_function(alias)} = {dialect.id_param(key_expr)}"
        root = mapper.root_class(cls)
        labels = node_labels(root) if anchor_only else node_labels(cls)
        pattern = f"({alias}{dialect.label_pattern(labels[:1] if anchor_only else labels)})"
        if by_id or mapper.has_database_key(cls):
            cond = f"{dialect.id_function(alias)} = {dialect.id_param(key_expr)}"
        else:
            cond = f"{dialect.property_ref(alias, mapper.pk_name(cls))} = {key_expr}"
        if not anchor_only:
            extra = dialect.subtype_filter(alias, labels)
            if extra:
                cond = f"{cond} AND {extra}"
        return pattern, cond

    def edge_key_condition(self, alias: str, cls: type, key_expr: str, *, by_id: bool = False) -> str:
        """The condition finding edge ``alias`` of ``cls`` by key expression ``key_expr``: its
        element id when the key is the database's (or ``by_id``), else its key property."""
        dialect = self.dialect
        if by_id or self.mapper.has_database_key(cls):
            return f"{dialect.id_function(alias)} = {dialect.id_param(key_expr)}"
        return f"{dialect.property_ref(alias, self.mapper.pk_name(cls))} = {key_expr}"

    def get_statement(self, model: type, key: Any) -> Statement:
        """Read one entity of ``model`` by key (the key goes through its converter)."""
        mapper = self.mapper
        db_key = mapper.db_key(model, key)
        if is_edge_model(model):
            etype = self.dialect.quote(model.__type__)
            cond = self.edge_key_condition("r", model, "$key")
            cypher = f"MATCH (a)-[r:{etype}]->(b) WHERE {cond} RETURN r, a, b LIMIT 1"

            def on_edge(result: GraphResult) -> Any:
                if not result.rows:
                    return None
                r, a, b = result.rows[0]
                src = self.hydrate(a)
                dst = self.hydrate(b)
                edge = self.hydrate(r, model)
                edge.__dict__.setdefault("source", src)
                if edge.__dict__.get("source") is None:
                    edge.__dict__["source"] = src
                if edge.__dict__.get("target") is None:
                    edge.__dict__["target"] = dst
                return edge

            return Statement(cypher, {"key": db_key}, on_edge, step="get")
        pattern, cond = self.match_node("n", model, "$key")
        cypher = f"MATCH {pattern} WHERE {cond} RETURN n LIMIT 1"

        def on_node(result: GraphResult) -> Any:
            if not result.rows:
                return None
            return self.hydrate(result.rows[0][0], model)

        return Statement(cypher, {"key": db_key}, on_node, step="get")

    def refresh_statement(self, entity: Any) -> Statement:
        cls = type(entity)
        state = state_of(entity)
        mapper = self.mapper
        by_id = self.by_element_id(entity)
        if mapper.has_database_key(cls) or by_id:
            key = state.element_id
        else:
            key = state.committed.get(mapper.pk_name(cls), mapper.db_key(cls, mapper.key_of(entity)))
        if is_edge_model(cls):
            etype = self.dialect.quote(cls.__type__)
            cond = self.edge_key_condition("r", cls, "$key", by_id=by_id)
            cypher = f"MATCH ()-[r:{etype}]->() WHERE {cond} RETURN r LIMIT 1"
        else:
            pattern, cond = self.match_node("n", cls, "$key", anchor_only=True, by_id=by_id)
            cypher = f"MATCH {pattern} WHERE {cond} RETURN n LIMIT 1"

        def on_result(result: GraphResult) -> Any:
            record = result.rows[0][0] if result.rows else None
            return self.refresh_from(entity, record)

        return Statement(cypher, {"key": key}, on_result, step="refresh")

    def relation_pattern(self, info: Any, a: str, b: str, r: str = "") -> str:
        """``(a)-[r:T]->(b)`` for the relation's direction (``a`` is the owner)."""
        rtype = self.dialect.quote(info.relation_type)
        rel = f"[{r}:{rtype}]"
        direction = getattr(info, "direction", "outgoing")
        if direction == "incoming":
            return f"({a})<-{rel}-({b})"
        if direction == "both":
            return f"({a})-{rel}-({b})"
        return f"({a})-{rel}->({b})"

    def relation_key(self, info: Any, target: Any) -> Any:
        """How a relation remembers ``target``: its identity (``key_of``); by element id when
        the relation declares no target model (no label or key property to match on)."""
        if info.target_model is None:
            element_id = state_of(target).element_id
            if element_id is not None:
                return ElementKey(element_id)
        return self.mapper.key_of(target)

    def by_element_id(self, entity: Any) -> bool:
        """Is ``entity`` stored without its key property (written by another tool)? Then
        statements find it by its element id."""
        state = state_of(entity)
        if state.element_id is None:
            return False
        cls = type(entity)
        mapper = self.mapper
        return not mapper.has_database_key(cls) and state.committed.get(mapper.pk_name(cls)) is None

    def _match_key(self, entity: Any) -> Any:
        """The db-form key that matches ``entity``'s node as stored (its element id when
        ``by_element_id(entity)``)."""
        cls = type(entity)
        mapper = self.mapper
        state = state_of(entity)
        if mapper.has_database_key(cls) or self.by_element_id(entity):
            return state.element_id
        pk = mapper.pk_name(cls)
        if pk in state.committed and state.committed[pk] is not None:
            return state.committed[pk]
        return mapper.db_key(cls, entity.__dict__.get(pk))

