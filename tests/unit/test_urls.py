"""Connection URLs: every accepted form, redaction, and create_driver's argument checks."""

from __future__ import annotations

import pytest

from runic.ogm.driver.factory import create_driver
from runic.ogm.driver.urls import Secret, parse_url, redact_url

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    "url, backend, host, port, graph, tls",
    [
        ("falkordb://db.example:6380/social", "falkordb", "db.example", 6380, "social", False),
        ("falkordb://db.example", "falkordb", "db.example", 6379, "runic", False),
        ("redis://localhost/social?graph=other", "falkordb", "localhost", 6379, "other", False),
        ("falkor://h", "falkordb", "h", 6379, "runic", False),
        ("falkordbs://h/g", "falkordb", "h", 6379, "g", True),
        ("rediss://h:7000/g", "falkordb", "h", 7000, "g", True),
        ("falkors://h/g", "falkordb", "h", 6379, "g", True),
    ],
)
def test_falkordb_urls(url, backend, host, port, graph, tls):
    t = parse_url(url)
    assert (t.backend, t.host, t.port, t.graph, t.tls) == (backend, host, port, graph, tls)


def test_numeric_path_on_redis_is_the_redis_db():
    t = parse_url("redis://h/3?graph=g")
    assert t.redis_db == 3 and t.graph == "g"
    assert parse_url("falkordb://h/3").graph == "3"


def test_unix_socket_url():
    t = parse_url("unix:///run/falkordb.sock?graph=g")
    assert t.backend == "falkordb" and t.unix_socket_path == "/run/falkordb.sock" and t.graph == "g"


def test_embedded_urls():
    t = parse_url("falkordb+embedded://")
    assert t.embedded and t.data_dir is None and t.graph == "runic"
    t = parse_url("falkordb+embedded:///data/dir?graph=g")
    assert t.embedded and t.data_dir == "/data/dir" and t.graph == "g"


@pytest.mark.parametrize(
    "scheme, tls",
    [
        ("bolt", False),
        ("bolt+s", True),
        ("bolt+ssc", True),
        ("neo4j", False),
        ("neo4j+s", True),
        ("neo4j+ssc", True),
    ],
)
def test_bolt_family(scheme, tls):
    t = parse_url(f"{scheme}://alice:pw@h/movies")
    assert (t.backend, t.port, t.database, t.tls, t.username) == (
        "bolt",
        7687,
        "movies",
        tls,
        "alice",
    )
    assert t.password.reveal() == "pw"
    assert t.client_uri() == f"{scheme}://h:7687"


def test_bolt_database_key_wins_and_dialect_is_read():
    t = parse_url("bolt://h/movies?database=films&dialect=Memgraph")
    assert t.database == "films" and t.dialect == "memgraph"
    with pytest.raises(ValueError, match="dialect"):
        parse_url("bolt://h?dialect=oracle")


def test_bolt_without_database_uses_the_server_default():
    assert parse_url("neo4j://h").database is None


def test_memgraph_and_arcadedb():
    assert parse_url("memgraph+s://h").backend == "memgraph"
    assert parse_url("memgraph+s://h").tls
    t = parse_url("arcadedb://root:pw@h/mydb?http_port=2481")
    assert (t.backend, t.database, t.http_port, t.port) == ("arcadedb", "mydb", 2481, 7687)
    assert parse_url("arcadedb+s://h/db").http_port == 2480
    with pytest.raises(ValueError, match="needs one"):
        parse_url("arcadedb://h")


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "age"])
def test_age_urls(scheme):
    t = parse_url(f"{scheme}://u:pw@h/app?graph=social&sslmode=require")
    assert (t.backend, t.port, t.database, t.graph) == ("age", 5432, "app", "social")
    assert t.options == {"sslmode": "require"}
    assert parse_url(f"{scheme}://h").graph == "runic"


def test_runic_keys_readonly_and_timeout():
    t = parse_url("falkordb://h/g?readonly=true&timeout=2.5")
    assert t.readonly is True and t.timeout == 2.5
    with pytest.raises(ValueError):
        parse_url("falkordb://h/g?readonly=maybe")


def test_percent_encoded_credentials_are_decoded():
    t = parse_url("bolt://al%40ice:p%3Aw%2F@h")
    assert t.username == "al@ice" and t.password.reveal() == "p:w/"


def test_unknown_scheme_suggests_the_closest_and_lists_accepted_forms():
    with pytest.raises(ValueError) as info:
        parse_url("falkrdb://user:hunter2@h")
    text = str(info.value)
    assert "did you mean 'falkordb://'" in text
    assert "bolt://" in text and "postgresql://" in text
    assert "hunter2" not in text


def test_bad_port_error_hides_the_password():
    with pytest.raises(ValueError) as info:
        parse_url("bolt://u:hunter2@h:notaport")
    assert "hunter2" not in str(info.value)


def test_redact_url_masks_passwords_everywhere():
    assert redact_url("bolt://alice:hunter2@h:7687/db") == "bolt://alice:***@h:7687/db"
    assert (
        redact_url("unix:///s.sock?graph=g&password=hunter2")
        == "unix:///s.sock?graph=g&password=***"
    )
    assert (
        redact_url("postgresql://u:p%40ss@h/db?sslpassword=x")
        == "postgresql://u:***@h/db?sslpassword=***"
    )
    assert redact_url("falkordb://h/g") == "falkordb://h/g"
    assert "hunter2" not in redact_url("weird://a:hunter2@@b")


def test_target_url_and_repr_are_redacted():
    t = parse_url("neo4j+s://alice:hunter2@db:7687/neo4j")
    assert t.url == "neo4j+s://alice:***@db:7687/neo4j"
    assert "hunter2" not in repr(t)
    assert "hunter2" not in repr(t.password) and str(t.password) == "***"


def test_secret_never_pickles():
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Secret("x"))


def test_create_driver_rejects_unknown_backends_with_a_suggestion():
    with pytest.raises(ValueError, match="did you mean 'memgraph'"):
        create_driver("memgrap")


def test_create_driver_rejects_unknown_schemes_without_leaking_the_password():
    with pytest.raises(ValueError) as info:
        create_driver("mysql://root:hunter2@h/db")
    assert "hunter2" not in str(info.value)
    assert "falkordb://" in str(info.value)


def test_create_driver_rejects_unknown_keywords_with_a_url():
    with pytest.raises(TypeError, match="did you mean 'graph'"):
        create_driver("falkordb://h/g", grap="x")


@pytest.fixture
def recorded(monkeypatch):
    """create_driver's routing with each backend factory replaced by a recorder."""
    from runic.ogm.driver import factory

    calls = []

    def fake_factory(module, name):
        def record(*args, **kwargs):
            calls.append((module, name, args, kwargs))
            return name

        return record

    monkeypatch.setattr(factory, "_factory", fake_factory)
    return calls


def test_create_driver_routes_falkordb_urls(recorded):
    create_driver("falkordbs://u:pw@h:7000/g?readonly=1", timeout=3)
    module, name, args, kwargs = recorded[-1]
    assert (module, name, args) == ("falkordb", "create_falkordb_driver", ("h", 7000))
    assert (
        kwargs["ssl"]
        and kwargs["graph"] == "g"
        and kwargs["readonly"] is True
        and kwargs["timeout"] == 3
    )
    assert kwargs["username"] == "u" and kwargs["password"] == "pw"
    create_driver("falkordb+embedded:///data?graph=x")
    assert recorded[-1][3]["data_dir"] == "/data" and recorded[-1][3]["graph"] == "x"


def test_create_driver_routes_bolt_family_to_bolt_driver(recorded):
    create_driver("neo4j+s://alice:pw@db/movies", async_=True)
    module, name, args, kwargs = recorded[-1]
    assert (module, name) == ("bolt", "AsyncBoltDriver")
    assert (
        args == ("neo4j+s://db:7687",)
        and kwargs["auth"] == ("alice", "pw")
        and kwargs["database"] == "movies"
    )


def test_create_driver_routes_memgraph_arcadedb_and_age(recorded):
    create_driver("memgraph://h", readonly=True)
    assert (
        recorded[-1][:2] == ("bolt", "create_memgraph_driver")
        and recorded[-1][3]["readonly"] is True
    )
    create_driver("arcadedb+s://root:pw@h/db?http_port=2490")
    kwargs = recorded[-1][3]
    assert recorded[-1][:2] == ("arcadedb", "create_arcadedb_driver")
    assert kwargs["database"] == "db" and kwargs["encrypted"] and kwargs["http_port"] == 2490
    create_driver("postgresql://u:pw@h/app?graph=social&sslmode=require", password="override")
    kwargs = recorded[-1][3]
    assert recorded[-1][:2] == ("age", "create_age_driver")
    assert (
        kwargs["database"] == "app"
        and kwargs["graph"] == "social"
        and kwargs["sslmode"] == "require"
    )
    assert kwargs["password"] == "override"


def test_create_driver_takes_backend_names_with_factory_keywords(recorded):
    create_driver("neo4j", host="h", database="d", username="u", password="p")
    assert recorded[-1][:2] == ("bolt", "create_neo4j_driver")
    assert recorded[-1][3] == {"host": "h", "database": "d", "username": "u", "password": "p"}
    create_driver()
    assert recorded[-1][:2] == ("falkordb", "create_falkordb_driver")
