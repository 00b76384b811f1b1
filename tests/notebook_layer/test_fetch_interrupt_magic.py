"""``%%runic`` tells how many rows had arrived when a fetch was interrupted."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell
from IPython.core.error import UsageError

from runic.notebook import fetching

pytestmark = [pytest.mark.notebook, pytest.mark.falkordb]


def test_an_interrupted_fetch_names_the_rows_that_had_arrived(shell, monkeypatch):
    cell(shell, "", "UNWIND range(1, 2500) AS i CREATE (:Fi {i: i})")
    original = fetching.FetchProgress.__call__

    def interrupt(self, rows):
        original(self, rows)
        raise KeyboardInterrupt

    monkeypatch.setattr(fetching.FetchProgress, "__call__", interrupt)
    with pytest.raises(UsageError, match=r"query interrupted after 2,500 rows had arrived \(they are dropped\)"):
        cell(shell, "--no-limit", "MATCH (f:Fi) RETURN f.i AS i")
    monkeypatch.undo()
    assert cell(shell, "", "MATCH (f:Fi) RETURN count(f) AS c").value() == 2500
