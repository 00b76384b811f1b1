"""runic's notebook layer: ``%runic`` magics, results, converters and rich reprs.

Everything the magics do is available from Python:

>>> from runic.notebook import connect, run, to_dataframe, from_networkx
>>> conn = connect()                                   # embedded FalkorDB
>>> result = run("MATCH (n) RETURN n", connection=conn)

Decisions where the spec left room:

- ``displaylimit`` (default 1000) is both the rows fetched for an autolimited read and
  the rows the HTML table shows (in a scroll box); ``text/plain`` shows the first 20.
  ``autolimit`` is an on/off switch. A read query counts as autolimitable when it has no
  write clause, no unknown procedure call, no ``UNION``, ends in ``RETURN`` at the top
  level and has no trailing ``LIMIT``; ``LIMIT n+1`` is appended, and an error the
  appended text provokes is reported for the query as written.
- ``%%runic name <<`` stores *and* shows the result; iteration and ``[i]`` give records
  (dicts), ``["col"]`` a column's values.
- Errors reach the notebook as IPython ``UsageError`` (one line, no traceback); a kernel
  interrupt drops the connection's pending reply, so the next cell runs normally.
- URL-less connections share one embedded FalkorDB per kernel, stopped at exit.
- The OGM in a notebook uses the notebook's connection through ``current_driver()``:
  ``with Session(current_driver()) as session`` reads and writes the graph the
  ``%%runic`` cells see; the session does not close the connection.
- ``# comment`` may end any ``%runic`` line and the ``%%runic`` line of a cell (a ``#``
  inside quotes is text). A one-line ``%runic WORD`` whose word is neither a subcommand
  nor the start of a Cypher statement is refused with a did-you-mean, never sent.
- ``from_networkx`` keeps networkx node keys (and multigraph edge keys) in a property
  (``_nx_key`` unless ``key=`` names one); ``to_networkx(..., node_key=, edge_key=)``
  reads them back, which makes the round trip lossless.
"""

from .connections import Connection, close, connect, current, current_driver, list_connections, use
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
    "current_driver",
    "explain",
    "from_dataframe",
    "from_networkx",
    "list_connections",
    "run",
    "to_dataframe",
    "to_networkx",
    "use",
]
