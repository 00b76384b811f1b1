"""Schema and data operations inside revisions, autogenerate from the models, and snapshots,
on every live backend."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import MigrationFailedError, Runic, SchemaManifest, create_adapter
from runic.migrate.autogen import diff_schema, render_downgrade_body, render_upgrade_body
from runic.ogm import Node
from runic.ogm.core.descriptors import Field
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec


class MgAuthor(Node):
    __label__ = "MgAuthor"
    email: str = Field(primary_key=True, unique=True)
    name: str = Field(default=None, index=True)


class MgPaper(Node):
    __label__ = "MgPaper"
    doi: str = Field(primary_key=True)
    year: int = Field(default=None, index=True)


def _kinds(adapter) -> set[tuple[str, str, str, bool]]:
    return {(s.label, s.field, s.index_type, s.unique) for s in adapter.live_specs()}


def test_index_and_constraint_operations_round_trip(runic, location, adapter):
    write_revision(
        location,
        "idx001",
        None,
        """
        op.create_range_index("Person", "name")
        op.create_constraint("UNIQUE", "NODE", "Person", ["email"])
        op.create_range_index("KNOWS", "since", rel=True)
        """,
        """
        op.drop_range_index("KNOWS", "since", rel=True)
        op.drop_constraint("UNIQUE", "NODE", "Person", ["email"])
        op.drop_range_index("Person", "name")
        """,
    )
    runic.upgrade()
    assert {("Person", "name", "exact", False), ("Person", "email", "exact", True), ("KNOWS", "since", "exact", False)} <= _kinds(adapter)
    runic.downgrade("base")
    assert not {k for k in _kinds(adapter) if k[0] in ("Person", "KNOWS")}


def test_fulltext_and_vector_where_the_backend_has_them(runic, location, adapter, backend):
    write_revision(
        location,
        "ftv001",
        None,
        """
        op.create_fulltext_index("Post", "body")
        op.create_vector_index("Doc", "embedding", 3, "euclidean")
        """,
        """
        op.drop_vector_index("Doc", "embedding")
        op.drop_fulltext_index("Post", "body")
        """,
    )
    if not adapter.supports(IndexSpec("Post", "body", "fulltext")):
        with pytest.raises(MigrationFailedError, match="fulltext") as info:
            runic.upgrade()
        assert isinstance(info.value.__cause__, UnsupportedFeatureError)
        assert runic.current() is None
        return
    runic.upgrade()
    assert {("Post", "body", "fulltext", False), ("Doc", "embedding", "vector", False)} <= _kinds(adapter)
    runic.downgrade("base")
    assert not {k for k in _kinds(adapter) if k[0] in ("Post", "Doc")}


def test_rename_property_moves_every_value_in_batches(runic, location, driver):
    driver.execute("UNWIND range(1, 25) AS i CREATE (:Person {fname: 'p' + toString(i)})")
    write_revision(location, "ren001", None, 'op.rename_property("Person", "fname", "first_name", batch=7)', 'op.rename_property("Person", "first_name", "fname", batch=7)')
    runic.upgrade()
    assert driver.execute("MATCH (p:Person) WHERE p.fname IS NOT NULL RETURN count(p)").rows[0][0] == 0
    assert driver.execute("MATCH (p:Person) WHERE p.first_name IS NOT NULL RETURN count(p)").rows[0][0] == 25
    assert "(25 nodes)" in runic.last_applied[0][1][0]
    runic.downgrade("base")
    assert driver.execute("MATCH (p:Person) WHERE p.fname IS NOT NULL RETURN count(p)").rows[0][0] == 25


def test_seed_merges_rows_in_batches_and_is_idempotent(runic, location, driver):
    rows = [{"code": f"C{i:02d}", "name": f"Country {i}"} for i in range(23)]
    write_revision(
        location,
        "seed01",
        None,
        f"op.seed('MERGE (c:Country {{code: row.code}}) SET c.name = row.name', {rows!r}, batch=5)\n"
        f"op.seed('MERGE (c:Country {{code: row.code}}) SET c.name = row.name', {rows[:3]!r})",
        "op.run_cypher('MATCH (c:Country) DELETE c')",
    )
    runic.upgrade()
    assert driver.execute("MATCH (c:Country) RETURN count(c)").rows[0][0] == 23
    assert driver.execute("MATCH (c:Country {code: 'C07'}) RETURN c.name").rows[0][0] == "Country 7"
    runic.downgrade("base")
    assert driver.execute("MATCH (c:Country) RETURN count(c)").rows[0][0] == 0


def test_relabel_nodes_where_labels_can_change(runic, location, driver, adapter):
    driver.execute("UNWIND range(1, 12) AS i CREATE (:User {i: i})")
    write_revision(location, "rel001", None, 'op.relabel_nodes("User", "Member", batch=5)', 'op.relabel_nodes("Member", "User", batch=5)')
    if not adapter.supports_multi_label:
        with pytest.raises(MigrationFailedError, match="cannot relabel") as info:
            runic.upgrade()
        assert isinstance(info.value.__cause__, UnsupportedFeatureError)
        assert driver.execute("MATCH (u:User) RETURN count(u)").rows[0][0] == 12
        return
    runic.upgrade()
    assert driver.execute("MATCH (u:Member) RETURN count(u)").rows[0][0] == 12
    assert driver.execute("MATCH (u:User) RETURN count(u)").rows[0][0] == 0
    runic.downgrade("base")
    assert driver.execute("MATCH (u:User) RETURN count(u)").rows[0][0] == 12


def test_data_operations_in_preview_send_nothing(adapter, location, driver):
    driver.execute("CREATE (:Person {fname: 'a'})")
    write_revision(location, "prv001", None, 'op.rename_property("Person", "fname", "first_name")\nop.seed("MERGE (:Tag {t: row.t})", [{"t": 1}])')
    preview = Runic(adapter, location, preview=True)
    preview.upgrade()
    assert preview.preview_log[1:] == ["RENAME PROPERTY: Person.fname → first_name (batch 10000)", "SEED: 1 rows via MERGE (:Tag {t: row.t})"]
    assert driver.execute("MATCH (p:Person) RETURN p.fname").rows == [["a"]]
    assert driver.execute("MATCH (t:Tag) RETURN count(t)").rows[0][0] == 0


def test_autogenerate_from_models_writes_a_revision_that_closes_the_gap(runic, location, adapter):
    manifest = SchemaManifest.from_models([MgAuthor, MgPaper])
    ops = runic.autogenerate(manifest)
    calls = [op.op_call for op in ops]
    assert calls == [
        "op.create_range_index('MgAuthor', 'name')",
        "op.create_range_index('MgPaper', 'year')",
        "op.create_constraint('UNIQUE', 'NODE', 'MgAuthor', ['email'])",
        "op.create_constraint('UNIQUE', 'NODE', 'MgPaper', ['doi'])",
    ]
    path = runic.create_revision("models", upgrade_body=render_upgrade_body(ops), downgrade_body=render_downgrade_body(ops))
    text = path.read_text()
    assert "review before applying" in text and "op.drop_constraint('UNIQUE', 'NODE', 'MgAuthor', ['email'])" in text
    runic.reload()
    runic.upgrade()
    assert runic.autogenerate(manifest) == []
    runic.downgrade("base")
    assert [op.op_call for op in runic.autogenerate(manifest)] == calls


def test_autogenerate_drops_live_indexes_the_target_lacks(runic, location, adapter):
    adapter.create_range_index("Legacy", "code")
    ops = diff_schema(SchemaManifest(), adapter.read_live_schema())
    assert [str(op) for op in ops] == ["- op.drop_range_index('Legacy', 'code')"]
    assert ops[0].inverse_call == "op.create_range_index('Legacy', 'code')"


@pytest.mark.integration
@pytest.mark.falkordb
def test_snapshot_restores_the_graph_when_an_upgrade_fails(falkordb_driver, location):
    """FalkorDB only: GRAPH.COPY snapshots (the transactional backends roll back instead)."""
    driver = falkordb_driver
    adapter = create_adapter(driver)
    runic = Runic(adapter, location)
    driver.execute("CREATE (:Mig {n: 1})")
    write_revision(location, "ok0001", None, "op.create_range_index('Mig', 'n')", date="2026-01-01T00:00:00+00:00")
    write_revision(
        location,
        "snap01",
        "ok0001",
        "op.run_cypher('MATCH (m:Mig) DELETE m')\nop.create_range_index('Mig', 'other')\nraise RuntimeError('half way')",
        snapshot=True,
        date="2026-01-02T00:00:00+00:00",
    )
    with pytest.raises(MigrationFailedError, match="restored from its snapshot") as info:
        runic.upgrade()
    assert info.value.rolled_back
    assert driver.execute("MATCH (m:Mig) RETURN m.n").rows == [[1]]
    assert ("Mig", "other", "exact", False) not in _kinds(adapter)
    assert runic.current() == "ok0001"
    assert not adapter.snapshot_exists(f"{adapter.name}__premig_snap01")


def test_mandatory_constraint_where_the_backend_has_one(runic, location, adapter, driver):
    write_revision(location, "man001", None, 'op.create_constraint("MANDATORY", "NODE", "Person", ["name"])', 'op.drop_constraint("MANDATORY", "NODE", "Person", ["name"])')
    if adapter.list_mandatory() is None:
        with pytest.raises(MigrationFailedError, match="mandatory"):
            runic.upgrade()
        assert runic.current() is None
        return
    runic.upgrade()
    assert [c.label for c in adapter.list_mandatory()] == ["Person"]
    live = adapter.read_live_schema()
    assert live.mandatory and live.mandatory[0].props == ("name",)
    runic.downgrade("base")
    assert adapter.list_mandatory() == []


def test_baseline_writes_the_live_schema_as_a_first_revision(runic, location, adapter, driver):
    from runic.migrate import GraphAlreadyManagedError

    adapter.create_range_index("Legacy", "code")
    adapter.create_constraint("UNIQUE", "NODE", "Legacy", ["key"])
    path = runic.baseline("existing schema")
    text = path.read_text()
    assert "op.create_range_index('Legacy', 'code')" in text and "op.create_constraint('UNIQUE', 'NODE', 'Legacy', ['key'])" in text
    rev = runic.reload().get_revision("head")
    assert runic.current() == rev.revision and runic.validate() == []
    with pytest.raises(GraphAlreadyManagedError, match="runic upgrade"):
        runic.baseline()
    runic.downgrade("base")
    assert not {k for k in _kinds(adapter) if k[0] == "Legacy"}
    runic.upgrade()
    assert {("Legacy", "code", "exact", False), ("Legacy", "key", "exact", True)} <= _kinds(adapter)
