"""Connection of this migration environment; the runic CLI runs this file.

The URL comes from RUNIC_URL (or 'runic --url ...'), never from this file, so no
password is committed. Examples:
    falkordb://localhost:6379/my_graph        redis://:password@host:6379/my_graph
    arcadedb://root:password@localhost:7687/my_db?http_port=2480
    postgresql://postgres:password@localhost:5432/postgres?graph=my_graph
    bolt://neo4j:password@localhost:7687/neo4j   memgraph://localhost:7687
"""

import os

from runic.migrate import context
from runic.migrate.adapters import create_adapter

adapter = create_adapter(os.environ.get("RUNIC_URL", "falkordb://localhost:6379/my_graph"))

# The schema the graph should have, for 'runic check' and 'runic revision --autogenerate'.
# From the models (import the module that defines them first):
#   from runic.migrate import SchemaManifest
#   import myapp.models  # noqa: F401
#   target_manifest = SchemaManifest.from_models()
# or by hand:
#   from runic.migrate import RangeIndex, SchemaManifest, UniqueConstraint
#   target_manifest = SchemaManifest(range_indexes=[RangeIndex("Person", "name")],
#                                    constraints=[UniqueConstraint("NODE", "Person", ["email"])])
target_manifest = None

# file names of new revisions: "%(rev)s_%(slug)s" (also year, month, day, hour, minute)
# file_template = "%(year)d_%(month).2d_%(day).2d-%(rev)s_%(slug)s"
# truncate_slug_length = 40

context.configure(
    adapter,
    target_manifest=target_manifest,
    track_checksums=True,
    track_installed_by=True,
)
