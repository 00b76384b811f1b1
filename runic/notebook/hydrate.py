"""Turning node/edge records into instances of their registered models.

With a session, records go through ``session.hydrate(record, model)`` and so through its
identity map. Without one, an entity is built the way the mapper builds loaded
entities: ``Model.__new__`` plus an ``InstanceState`` (detached), fields decoded with
their converters, unknown properties kept in ``extra_properties``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm.driver.result import EdgeRecord, NodeRecord

__all__ = ["hydrate_records", "model_for"]


def model_for(record: NodeRecord | EdgeRecord) -> Any:
    """The registered model class of a record (most specific label first), or None."""
    try:
        from runic.ogm.core.metadata import get_metadata
    except ImportError:
        return None
    meta = get_metadata()
    if isinstance(record, NodeRecord):
        nodes = getattr(meta, "nodes", {}) or {}
        candidates = [nodes[label].model_cls for label in record.labels if label in nodes]
        if not candidates:
            return None
        # the class that is a subclass of all others is the most specific one
        for cls in candidates:
            if all(issubclass(cls, other) for other in candidates):
                return cls
        return candidates[-1]
    edges = getattr(meta, "edges", {}) or {}
    em = edges.get(record.type)
    return em.model_cls if em is not None else None


def _build_detached(record: NodeRecord | EdgeRecord, model: Any) -> Any:
    from runic.ogm.core.state import STATE_ATTR, EntityState, InstanceState

    try:
        from runic.ogm.core.metadata import fields_of

        fields = fields_of(model)
    except ImportError:
        fields = {}
    entity = model.__new__(model)
    state = InstanceState(entity)
    state.state = EntityState.DETACHED
    state.element_id = record.id
    props = dict(record.properties)
    for name, info in fields.items():
        if getattr(info, "is_relation", False):
            continue
        if name in props:
            raw = props.pop(name)
            entity.__dict__[name] = info.from_db(raw) if hasattr(info, "from_db") else raw
            state.committed[name] = raw
        else:
            entity.__dict__[name] = None
        if getattr(info, "primary_key", False):
            state.key = entity.__dict__.get(name)
    state.extra_properties = props
    object.__setattr__(entity, STATE_ATTR, state)
    return entity


def hydrate_records(records: Iterable[NodeRecord | EdgeRecord], session: Any = None) -> list[Any]:
    """Entities for ``records``; a record without a registered model is returned as is."""
    out = []
    for record in records:
        model = model_for(record)
        if model is None:
            out.append(record)
        elif session is not None and hasattr(session, "hydrate"):
            out.append(session.hydrate(record, model))
        else:
            out.append(_build_detached(record, model))
    return out
