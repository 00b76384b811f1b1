"""runic's notebook layer: ``%runic`` magics, results, converters and rich reprs.

Everything the magics do is available from Python:

>>> from runic.notebook import connect, run, to_dataframe, from_networkx
>>> conn = connect()                                   # embedded FalkorDB
>>> result = run("MATCH (n) RETURN n", connection=conn)
"""

from .connections import Connection, close, connect, current, list_connections, use
from .convert import BulkWriteReport, from_dataframe, from_networkx, to_dataframe, to_networkx
from .result import QueryResult
from .run import Plan, explain, run

__all__ = [
    "BulkWriteReport",
    "Connection",
    "Plan",
    "QueryResult",
    "close",
    "connect",
    "current",
    "explain",
    "from_dataframe",
    "from_networkx",
    "list_connections",
    "run",
    "to_dataframe",
    "to_networkx",
    "use",
]
