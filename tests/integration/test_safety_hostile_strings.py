"""Hostile strings never run as Cypher: as labels (refused or quoted), as property names
(quoted through runic.cypher) and as values (always parameters, round-tripped exactly)."""

from __future__ import annotations

import itertools
import re

import pytest

from runic.cypher import escape_identifier, is_plain_identifier
from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Edge, Node
from runic.ogm.exceptions import MetadataError, QueryError, UnsupportedFeatureError
from runic.ogm.session import Session

pytestmark = [pytest.mark.integration]

_FRAGMENTS = [
    "'",
    '"',
    "`",
    "``",
    "\\",
    "\\'",
    "}",
    "{",
    ")",
    "(",
    "]",
    "//",
    "/*",
    "*/",
    ";",
    "$p0",
    "$rows",
    "row.p0",
    "MATCH (n) DETACH DELETE n",
    "}) MATCH (m) DETACH DELETE m //",
    "'}) CREATE (:Evil) //",
    '"}) CREATE (:Evil) //',
    "`) CREATE (:Evil) //",
    "` RETURN 1 //",
    "RETURN",
    "CREATE",
    "DELETE",
    "MERGE",
    "WHERE",
    "CALL db.labels()",
    "UNION MATCH (x) RETURN x",
    "\n",
    "\r\n",
    "\t",
    "line1\nline2",
    "ünïcødé",
    "日本語",
    "emoji 🚀🔥",
    "\u202e reversed",
    "zero\u200bwidth",
    "%s %d",
    "{0}",
    "null",
    "NULL",
    "true",
    "0x41",
    "-- comment",
    "' OR '1'='1",
    " ",
    "$runic$",
    "$$",
    "$1",
    "%(p)s",
    "::agtype",
    "$runic$, NULL) AS (a agtype); DROP TABLE t; --",
]
#: backends whose parser refuses a doubled backtick inside a quoted name
_REFUSES_ESCAPED_BACKTICK = {"falkordb"}
#: backends that keep only so many UTF-8 bytes of a name; runic refuses longer ones there
_MAX_NAME_BYTES = {"age": 63}

_WRAPPERS = ["{}", "a{}", "{}z", "x {} y", "{}{}"]


def hostile_strings() -> list[str]:
    out: list[str] = []
    for fragment, wrapper in itertools.product(_FRAGMENTS, _WRAPPERS):
        text = wrapper.replace("{}", fragment)
        if text not in out:
            out.append(text)
    return out


HOSTILE = hostile_strings()
#: what escape_identifier refuses in a name
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class HxDoc(Node):
    text: str = Field(default=None)
    note: str = Field(default=None)


class HxCites(Edge):
    source: HxDoc
    target: HxDoc
    why: str = Field(default=None)


def test_there_are_at_least_two_hundred_hostile_strings():
    assert len(HOSTILE) >= 200


def test_hostile_values_round_trip_and_never_run(driver):
    with Session(driver, batch_size=50) as session:
        docs = [HxDoc(text=s, note=s[::-1]) for s in HOSTILE]
        session.add_all(docs)
    assert driver.execute("MATCH (n) RETURN count(n)").value() == len(HOSTILE)
    assert driver.execute("MATCH (n) WHERE NOT n:HxDoc RETURN count(n)").value() == 0
    with Session(driver) as session:
        loaded_docs = [session.get(HxDoc, doc.id) for doc in docs]
        for doc, loaded in zip(docs, loaded_docs):
            assert loaded is not doc
            assert loaded.text == doc.text
            assert loaded.note == doc.note
        # updates travel as parameters too
        for loaded in loaded_docs:
            loaded.note = "updated " + loaded.text
    stored = dict(driver.execute("MATCH (n:HxDoc) RETURN n.text, n.note").rows)
    assert stored == {s: "updated " + s for s in HOSTILE}
    assert driver.execute("MATCH (n) RETURN count(n)").value() == len(HOSTILE)


def test_hostile_labels_are_refused_or_quoted(driver):
    refused = quoted = 0
    with Session(driver) as session:
        for i, label in enumerate(HOSTILE):
            namespace = {"__label__": label, "__module__": __name__, "__qualname__": f"HxLabel{i}"}
            if not is_plain_identifier(label):
                with pytest.raises(MetadataError):
                    type(f"HxLabel{i}", (Node,), namespace)
                refused += 1
                continue
            model = type(f"HxLabel{i}", (Node,), namespace)
            entity = model()
            session.add(entity)
            session.flush()
            assert session.get(model, entity.id) is entity
            assert driver.execute(f"MATCH (n:{escape_identifier(label)}) RETURN count(n)").value() == 1
            quoted += 1
    assert refused > 150 and quoted > 5
    assert driver.execute("MATCH (n) RETURN count(n)").value() == quoted


def test_hostile_property_names_round_trip_when_quoted(driver):
    """Quoted names round-trip. FalkorDB's parser takes no escaped backtick inside a quoted
    name, so there a name holding one is rejected as a whole (QueryError) and nothing runs;
    AGE cuts names to 63 bytes, so runic refuses a longer one there before sending it;
    names with control characters or lone surrogates are refused by escape_identifier, and
    ArcadeDB refuses names starting with '@' (it would not give them back); otherwise the
    name is stored exactly."""
    names = [s for s in HOSTILE if s.strip()]
    refuses_backticks = driver.backend in _REFUSES_ESCAPED_BACKTICK
    max_bytes = _MAX_NAME_BYTES.get(driver.backend)
    stored: list[str] = []
    rejected = too_long = unprintable = 0
    with Session(driver) as session:
        for name in names:
            if _UNPRINTABLE.search(name):
                with pytest.raises(ValueError, match="control character|lone surrogate"):
                    escape_identifier(name)
                unprintable += 1
                continue
            query = f"CREATE (n:HxProp {{i: $i, {escape_identifier(name)}: $value}})"
            if driver.backend == "arcadedb" and name.startswith("@"):
                with pytest.raises(UnsupportedFeatureError, match="reserves property names that start with '@'"):
                    session.execute(query, {"i": len(stored), "value": name}, write=True)
                continue
            if max_bytes is not None and len(name.encode()) > max_bytes:
                with pytest.raises(QueryError) as err:
                    session.execute(query, {"i": len(stored), "value": name}, write=True)
                assert f"only the first {max_bytes} bytes" in str(err.value) and repr(name) in str(err.value)
                too_long += 1
                continue
            if "`" in name and refuses_backticks:
                with pytest.raises(QueryError) as err:
                    session.execute(query, {"i": len(stored), "value": name}, write=True)
                assert err.value.backend == driver.backend
                assert "rejected the query" in str(err.value) and err.value.hint
                rejected += 1
                continue
            session.execute(query, {"i": len(stored), "value": name}, write=True)
            stored.append(name)
        result = session.execute("MATCH (n:HxProp) RETURN n ORDER BY n.i")
    assert len(stored) > 100 and unprintable > 0
    assert (rejected > 0) is refuses_backticks
    assert (too_long > 0) is (max_bytes is not None)
    assert len(result.rows) == len(stored)
    for (record,), name in zip(result.rows, stored):
        assert record.properties[name] == name
        assert set(record.properties) == {"i", name}
    assert driver.execute("MATCH (n) RETURN count(n)").value() == len(stored)


def test_hostile_values_in_filters_match_exactly_one_node(driver):
    with Session(driver, batch_size=50) as session:
        session.add_all([HxDoc(text=s) for s in HOSTILE])
    with Session(driver) as session:
        for text in HOSTILE:
            found = session.query(HxDoc).where(HxDoc.text == text).all()
            assert [doc.text for doc in found] == [text]
        assert session.query(HxDoc).where(HxDoc.text.in_(HOSTILE[:40])).count() == 40
    assert driver.execute("MATCH (n) RETURN count(n)").value() == len(HOSTILE)


def test_hostile_values_on_edges_and_in_bulk_save_round_trip(driver):
    sample = HOSTILE[::5]
    with Session(driver) as session:
        written = session.bulk_save(HxDoc, [{"text": s, "note": s} for s in sample], key="text", batch_size=20)
        assert written == len(sample)
        anchor = HxDoc(text="anchor")
        session.add(anchor)
        for doc in session.query(HxDoc).where(HxDoc.text != "anchor").all():
            session.add(HxCites(source=anchor, target=doc, why=doc.text))
    rows = driver.execute("MATCH (:HxDoc)-[r:HXCITES]->(t:HxDoc) RETURN r.why, t.note").rows
    assert sorted(why for why, _ in rows) == sorted(sample)
    assert all(why == note for why, note in rows)
    assert driver.execute("MATCH (n) RETURN count(n)").value() == len(sample) + 1


def test_hostile_primary_keys_load_through_get_and_delete(driver):
    sample = HOSTILE[::3]
    with Session(driver, batch_size=50) as session:
        session.add_all([HxDoc(id=s, text=s) for s in sample])
    with Session(driver) as session:
        for key in sample:
            doc = session.get_one(HxDoc, key)
            assert (doc.id, doc.text) == (key, key)
            assert session.get(HxDoc, key) is doc
        for key in sample[::2]:
            session.delete(session.get(HxDoc, key))
    remaining = sorted(driver.execute("MATCH (n:HxDoc) RETURN n.id").values())
    assert remaining == sorted(sample[1::2])


def test_hostile_edge_types_are_refused_or_quoted(driver):
    refused = quoted = 0
    with Session(driver) as session:
        ends = HxDoc(text="from"), HxDoc(text="to")
        session.add_all(ends)
        for i, edge_type in enumerate(HOSTILE):
            namespace = {
                "__type__": edge_type,
                "__module__": __name__,
                "__qualname__": f"HxType{i}",
                "__annotations__": {"source": HxDoc, "target": HxDoc, "why": str},
                "why": Field(default=None),
            }
            if not is_plain_identifier(edge_type):
                with pytest.raises(MetadataError):
                    type(f"HxType{i}", (Edge,), namespace)
                refused += 1
                continue
            model = type(f"HxType{i}", (Edge,), namespace)
            session.add(model(source=ends[0], target=ends[1], why=edge_type))
            session.flush()
            found = session.query(model).all()
            assert [edge.why for edge in found] == [edge_type]
            assert driver.execute(f"MATCH ()-[r:{escape_identifier(edge_type)}]->() RETURN r.why").rows == [[edge_type]]
            quoted += 1
    assert refused > 150 and quoted > 5
    assert driver.execute("MATCH ()-[r]->() RETURN count(r)").value() == quoted
