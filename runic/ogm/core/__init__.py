"""Models and fields: ``Node``, ``Edge``, ``Field``, ``Relation``, metadata and converters."""

from .descriptors import MISSING, Field, FieldDescriptor, FieldInfo, Relation
from .metadata import EdgeMeta, MetaData, NodeMeta, fields_of, get_metadata, metadata
from .models import Edge, Node
from .state import EntityState, InstanceState, inspect
from .types import (
    DatetimeConverter,
    EnumConverter,
    GeoLocation,
    GeoLocationConverter,
    TypeConverter,
    Vector,
    VectorConverter,
)

__all__ = [
    "MISSING", "Field", "FieldDescriptor", "FieldInfo", "Relation",
    "EdgeMeta", "MetaData", "NodeMeta", "fields_of", "get_metadata", "metadata",
    "Edge", "Node", "EntityState", "InstanceState", "inspect",
    "DatetimeConverter", "EnumConverter", "GeoLocation", "GeoLocationConverter",
    "TypeConverter", "Vector", "VectorConverter",
]
