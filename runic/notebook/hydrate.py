"""Turning node/edge records into instances of their registered models.

There is one hydration path, the mapper's. With a session, records go through
``session.hydrate(record, model)`` and so through its identity map; without one, the
mapper builds a detached entity (``Mapper.detached_from_record``). A record whose labels
or type no registered model declares is returned as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm import MetadataError
from runic.ogm.driver.result import EdgeRecord, NodeRecord
from runic.ogm.mapper import Mapper

__all__ = ["hydrate_records", "model_for"]


def model_for(record: NodeRecord | EdgeRecord, mapper: Mapper | None = None) -> Any:
    """The registered model class of a record (the most specific one), or None."""
    mapper = mapper or Mapper()
    try:
        if isinstance(record, NodeRecord):
            return mapper.class_for_labels(record.labels)
        return mapper.class_for_type(record.type)
    except MetadataError:
        return None


def hydrate_records(records: Iterable[NodeRecord | EdgeRecord], session: Any = None) -> list[Any]:
    """Entities for ``records``; a record without a registered model is returned as is."""
    mapper = Mapper()  # a fresh one: models declared since the last call are seen
    out = []
    for record in records:
        model = model_for(record, mapper)
        if model is None:
            out.append(record)
        elif session is not None and hasattr(session, "hydrate"):
            out.append(session.hydrate(record, model))
        else:
            out.append(mapper.detached_from_record(record, model))
    return out
