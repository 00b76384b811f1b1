"""The read-ahead buffer under the neo4j client's inbox, and column-wise conversion of Bolt values."""

from __future__ import annotations

import pytest

from runic.ogm.driver._bolt_core import convert_column, record_columns
from runic.ogm.driver._bolt_readahead import ReadAhead, install_read_ahead

pytestmark = [pytest.mark.unit]


class Source:
    """A socket wrapper that hands out ``data`` in pieces of at most ``piece`` bytes."""

    def __init__(self, data: bytes, piece: int) -> None:
        self.data, self.piece, self.calls = data, piece, 0
        self.name = "wrapped"

    def recv_into(self, buffer, nbytes=0):
        self.calls += 1
        n = min(self.piece, nbytes or len(buffer), len(self.data))
        buffer[:n] = self.data[:n]
        self.data = self.data[n:]
        return n


def read_exactly(reader, n: int) -> bytes:
    out = bytearray(n)
    view = memoryview(out)
    got = 0
    while got < n:
        k = reader.recv_into(view[got:], n - got)
        assert k, "the source ended early"
        got += k
    return bytes(out)


def test_read_ahead_hands_out_the_bytes_in_order_with_few_source_reads():
    data = bytes(range(256)) * 400  # 102,400 bytes
    source = Source(data, piece=1 << 16)
    reader = ReadAhead(source, size=1 << 16)
    parts = [read_exactly(reader, n) for n in [2, 5, 2, 1000, 2, 60000, 2, 41387]]
    assert b"".join(parts) == data
    assert source.calls <= 3  # a few large reads instead of one per request
    assert reader.buffered == 0


def test_read_ahead_passes_on_a_closed_source_and_other_attributes():
    reader = ReadAhead(Source(b"ab", piece=1))
    assert read_exactly(reader, 2) == b"ab"
    assert reader.recv_into(bytearray(4), 4) == 0
    assert reader.name == "wrapped"


def test_install_read_ahead_leaves_unknown_results_alone():
    assert install_read_ahead(object()) is False


def test_plain_columns_are_taken_as_they_are_and_others_converted():
    plain = [1, None, "a", 2.5, True]
    assert convert_column(plain) is plain
    assert convert_column([(1, 2), None]) == [[1, 2], None]


def test_record_columns_reads_tuples_and_lists_column_by_column():
    assert record_columns([(1, "a"), (2, "b")], 2) == [[1, 2], ["a", "b"]]
    assert record_columns([[1, "a"]], 2) == [[1], ["a"]]
    assert record_columns([], 3) == [[], [], []]
