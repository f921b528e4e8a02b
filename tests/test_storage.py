"""The database of parks and scenarios: round trips, names, validation, restarts,
several processes writing at once, and crashes in the middle of a save. Every test
that takes ``url`` runs on SQLite and on a real PostgreSQL (tests/services.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, text

from dashboard import model, paths, storage
from dashboard.model.generate import generate_park
from dashboard.model.writing import park_json

SPAWN = multiprocessing.get_context("spawn")  # children open their own connections


def park_bytes(seed: int = 1) -> bytes:
    return park_json(generate_park(6, 10, seed)).encode()


def candidates(park: model.Park) -> list[str]:
    """Ids of exchanges off in the baseline (switching them on is a real toggle)."""
    return [e.id for e in park.exchanges if e.id not in park.baseline_active]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'eco.sqlite3'}"


@pytest.fixture
def store(url: str):
    store = storage.Store(url)
    yield store
    store.close()


@pytest.fixture
def saved(store: storage.Store) -> tuple[storage.ParkRecord, model.Park]:
    record = store.add_park("p.json", park_bytes(), uploaded_by="ana")
    return record, store.get_park(record.content_hash)


def integrity(url: str) -> str:
    """SQLite's own check of the file; on PostgreSQL (which recovers from its write-ahead
    log) that every table can be read through."""
    check = storage.make_engine(url)
    try:
        with check.connect() as conn:
            if conn.dialect.name == "sqlite":
                return conn.execute(text("PRAGMA integrity_check")).scalar()
            for table in storage.repository.metadata.sorted_tables:
                conn.execute(table.select()).all()
            return "ok"
    finally:
        check.dispose()


# Parks ----------------------------------------------------------------------------


def test_park_round_trip(store):
    data = park_bytes()
    expected = model.load_park_bytes("p.json", data)
    before = datetime.now(UTC)
    record = store.add_park("uploads/p.json", data, uploaded_by="  ana ")
    assert record.content_hash == expected.content_hash
    assert (record.name, record.filename, record.format, record.size, record.uploaded_by) == (
        expected.name, "p.json", "json", len(data), "ana")
    assert record.uploaded_at.tzinfo is UTC and before <= record.uploaded_at <= datetime.now(UTC)
    assert store.get_park(record.content_hash).content_hash == expected.content_hash
    assert store.list_parks() == [record]
    assert store.get_park_record(record.content_hash) == record


def test_same_park_twice_is_stored_once(store):
    first = store.add_park("p.json", park_bytes(), uploaded_by="ana")
    again = store.add_park("copy.json", park_bytes(), uploaded_by="ben")
    assert again == first
    assert len(store.list_parks()) == 1


def test_zip_and_shipped_folder(store, tmp_path):
    folder = paths.shipped_park()
    record = store.add_park_folder(folder)
    assert record.format == "folder" and record.filename == folder.name
    assert record.content_hash == model.load_park(folder).content_hash
    assert storage.zip_park_folder(folder) == storage.zip_park_folder(folder)  # deterministic
    assert store.add_park_folder(folder) == record
    (tmp_path / "park.zip").write_bytes(storage.zip_park_folder(folder))
    assert model.load_park(tmp_path / "park.zip").content_hash == record.content_hash


@pytest.mark.parametrize("filename, data", [("p.json", b"{}"), ("p.json", b"not json"),
                                            ("p.zip", b"PK nonsense"), ("p.txt", b"hello")])
def test_invalid_park_is_refused_and_nothing_stored(store, filename, data):
    with pytest.raises(model.ParkError):
        store.add_park(filename, data, uploaded_by="ana")
    assert store.list_parks() == []


def test_rename_and_delete_park(store, saved):
    record, park = saved
    other = store.add_park("q.json", park_bytes(seed=2), uploaded_by="ana")
    store.save_scenario(record.content_hash, "kept?", candidates(park)[:1], [], "ana")
    kept = store.save_scenario(other.content_hash, "kept", [], [], "ana")
    renamed = store.rename_park(record.content_hash, "  Harbour park ")
    assert renamed.name == "Harbour park" and store.get_park_record(record.content_hash) == renamed
    store.delete_park(record.content_hash)
    assert store.list_parks() == [other]
    assert store.list_scenarios() == [kept]
    with pytest.raises(storage.NotFoundError):
        store.get_park(record.content_hash)
    with pytest.raises(storage.NotFoundError):
        store.delete_park(record.content_hash)
    with pytest.raises(storage.NotFoundError):
        store.rename_park(record.content_hash, "x")


def test_deleted_park_is_not_served_from_another_stores_cache(url, store, saved):
    record, _ = saved
    storage.Store(url).delete_park(record.content_hash)  # another server process
    with pytest.raises(storage.NotFoundError):
        store.get_park(record.content_hash)


# Scenarios ------------------------------------------------------------------------


def test_scenario_round_trip(store, saved):
    record, park = saved
    on = candidates(park)[:2]
    existing = sorted(park.baseline_active)[0]
    # switching on what is already on is dropped: the shortest toggles are stored
    scenario = store.save_scenario(record.content_hash, " Steam swap ", on + [existing], [], author="ana")
    assert (scenario.park_hash, scenario.name, scenario.on, scenario.off, scenario.author) == (
        record.content_hash, "Steam swap", tuple(on), (), "ana")
    assert scenario.created_at == scenario.updated_at and scenario.created_at.tzinfo is UTC
    assert store.get_scenario(scenario.id) == scenario
    assert store.list_scenarios(record.content_hash) == [scenario] == store.list_scenarios()
    assert model.scenario_active(park, scenario.on, scenario.off) == park.baseline_active | set(on)
    off = store.save_scenario(record.content_hash, "No existing", [], [existing], author="ben")
    assert off.off == (existing,) and off.id != scenario.id


def test_unknown_or_contradictory_ids_are_refused(store, saved):
    record, park = saved
    with pytest.raises(model.ParkError, match="unknown exchange id 'nope'"):
        store.save_scenario(record.content_hash, "bad", ["nope"], [], "ana")
    some = candidates(park)[0]
    with pytest.raises(model.ParkError, match="both on and off"):
        store.save_scenario(record.content_hash, "bad", [some], [some], "ana")
    with pytest.raises(storage.NotFoundError):
        store.save_scenario("0" * 64, "bad", [], [], "ana")
    assert store.list_scenarios() == []


def test_scenario_names_are_unique_per_park(store, saved):
    record, park = saved
    ids = candidates(park)
    first = store.save_scenario(record.content_hash, "Plan A", ids[:1], [], "ana")
    with pytest.raises(storage.DuplicateNameError, match="'Plan A' already exists"):
        store.save_scenario(record.content_hash, " Plan A", ids[1:2], [], "ben")
    replaced = store.save_scenario(record.content_hash, "Plan A", ids[1:2], [], "ben", overwrite=True)
    assert (replaced.id, replaced.created_at, replaced.on, replaced.author) == (
        first.id, first.created_at, tuple(ids[1:2]), "ben")
    assert replaced.updated_at >= first.updated_at
    other = store.add_park("q.json", park_bytes(seed=2), uploaded_by="ana")
    store.save_scenario(other.content_hash, "Plan A", [], [], "ana")  # another park: fine
    second = store.save_scenario(record.content_hash, "Plan B", [], [], "ana")
    with pytest.raises(storage.DuplicateNameError):
        store.rename_scenario(second.id, "Plan A")
    assert store.rename_scenario(second.id, "Plan B") == second  # its own name: no change
    renamed = store.rename_scenario(second.id, " Plan C ")
    assert renamed.name == "Plan C" and renamed.created_at == second.created_at
    assert [s.name for s in store.list_scenarios(record.content_hash)] == ["Plan A", "Plan C"]


@pytest.mark.parametrize("bad", ["", "   ", "x" * 121, None])
def test_names_must_be_1_to_120_characters(store, saved, bad):
    record, _ = saved
    with pytest.raises(storage.StorageError, match="scenario name"):
        store.save_scenario(record.content_hash, bad, [], [], "ana")
    with pytest.raises(storage.StorageError, match="author"):
        store.save_scenario(record.content_hash, "ok", [], [], bad)
    assert store.save_scenario(record.content_hash, "x" * 120, [], [], "ana").name == "x" * 120
    with pytest.raises(storage.StorageError, match="park name"):
        store.rename_park(record.content_hash, bad)


def test_delete_scenario(store, saved):
    record, _ = saved
    gone = store.save_scenario(record.content_hash, "gone", [], [], "ana")
    kept = store.save_scenario(record.content_hash, "kept", [], [], "ana")
    store.delete_scenario(gone.id)
    assert store.list_scenarios() == [kept]
    for call in (store.get_scenario, store.delete_scenario, lambda i: store.rename_scenario(i, "x")):
        with pytest.raises(storage.NotFoundError, match=f"number {gone.id}"):
            call(gone.id)
    assert store.save_scenario(record.content_hash, "new", [], [], "ana").id > kept.id  # ids not reused


# Restarts, location, schema ----------------------------------------------------------


def test_a_restarted_server_sees_everything(url, saved, store):
    record, park = saved
    scenario = store.save_scenario(record.content_hash, "Plan A", candidates(park)[:1], [], "ana")
    store.close()
    restarted = storage.Store(url)
    assert restarted.list_parks() == [record]
    assert restarted.list_scenarios() == [scenario]
    assert restarted.get_park(record.content_hash).content_hash == park.content_hash  # from the blob


def test_database_location(monkeypatch, tmp_path):
    for name in (storage.DB_ENV, storage.DATA_DIR_ENV, "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert storage.data_dir() == tmp_path / "home" / ".local" / "share" / "eco-park"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert storage.data_dir() == tmp_path / "xdg" / "eco-park"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(tmp_path / "data"))
    assert storage.resolve_url() == f"sqlite+pysqlite:///{tmp_path / 'data' / 'eco-park.sqlite3'}"
    store = storage.Store()
    store.add_park("p.json", park_bytes(), uploaded_by="ana")
    store.close()
    assert (tmp_path / "data" / "eco-park.sqlite3").is_file()
    monkeypatch.setenv(storage.DB_ENV, "sqlite:///elsewhere.db")
    assert storage.resolve_url() == "sqlite:///elsewhere.db"
    assert storage.resolve_url("postgresql://u@h/eco") == "postgresql://u@h/eco"


def test_sqlite_settings(tmp_path):
    store = storage.Store(f"sqlite:///{tmp_path / 'eco.sqlite3'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == storage.database.BUSY_TIMEOUT_MS


def test_schema_version(url, store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all() == [storage.SCHEMA_VERSION]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE schema_version SET version = 99")
    with pytest.raises(storage.SchemaVersionError, match="version 99"):
        storage.Store(url)


def test_a_version_1_database_is_migrated_keeping_its_data(url, store, saved):
    record, park = saved
    scenario = store.save_scenario(record.content_hash, "Plan A", candidates(park)[:1], [], "ana")
    with store.engine.begin() as conn:  # make it what version 1 wrote: no changes table
        conn.exec_driver_sql("DROP TABLE changes")
        conn.exec_driver_sql("UPDATE schema_version SET version = 1")
    store.close()
    migrated = storage.Store(url)
    with migrated.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all() == [2]
    assert migrated.list_parks() == [record] and migrated.list_scenarios() == [scenario]
    assert migrated.changes() == []  # nothing was recorded before version 2
    migrated.rename_scenario(scenario.id, "Plan B", by="ben")
    assert [(c.by, c.action, c.detail) for c in migrated.changes()] == [("ben", "rename scenario", "Plan A -> Plan B")]
    assert storage.Store(url).list_scenarios()[0].name == "Plan B"  # opening it again migrates nothing


def test_every_write_records_who_made_it(store):
    record = store.add_park("p.json", park_bytes(), uploaded_by="ana")
    store.add_park("p.json", park_bytes(), uploaded_by="ben")  # already there: no write, no record
    first = store.save_scenario(record.content_hash, "Plan A", [], [], "ana")
    store.save_scenario(record.content_hash, "Plan A", [], [], "ben", overwrite=True)
    store.rename_scenario(first.id, "Plan B", by="cem")
    store.rename_park(record.content_hash, "Harbour", by="dan")
    store.delete_scenario(first.id, by="eva")
    store.delete_park(record.content_hash, by="fay")
    with pytest.raises(storage.NotFoundError):
        store.delete_park(record.content_hash, by="gus")  # nothing deleted: nothing recorded
    got = [(c.by, c.action, c.park_hash, c.scenario_id, c.detail) for c in reversed(store.changes())]
    key = record.content_hash
    assert got == [("ana", "add park", key, None, f"{record.name} (p.json)"),
                   ("ana", "save scenario", key, first.id, "Plan A"),
                   ("ben", "replace scenario", key, first.id, "Plan A"),
                   ("cem", "rename scenario", key, first.id, "Plan A -> Plan B"),
                   ("dan", "rename park", key, None, "Harbour"),
                   ("eva", "delete scenario", key, first.id, "Plan B"),
                   ("fay", "delete park", key, None, "Harbour")]
    assert all(c.at.tzinfo is UTC for c in store.changes())
    assert len(store.changes(limit=2)) == 2


# Failures inside a transaction --------------------------------------------------------


def _fail_after(engine, prefix: str, action):
    """Run ``action`` right after the first statement starting with ``prefix``."""
    def hook(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(prefix):
            assert conn.in_transaction()
            action()
    event.listen(engine, "after_cursor_execute", hook)
    return hook


def test_an_error_inside_the_transaction_rolls_back(store, saved):
    record, park = saved
    earlier = store.save_scenario(record.content_hash, "earlier", candidates(park)[:1], [], "ana")

    def boom():
        raise RuntimeError("simulated failure")

    hook = _fail_after(store.engine, "INSERT INTO scenarios", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        store.save_scenario(record.content_hash, "half", [], [], "ana")
    event.remove(store.engine, "after_cursor_execute", hook)
    hook = _fail_after(store.engine, "DELETE FROM parks", boom)  # scenarios already deleted by then
    with pytest.raises(RuntimeError, match="simulated"):
        store.delete_park(record.content_hash)
    event.remove(store.engine, "after_cursor_execute", hook)
    assert store.list_scenarios() == [earlier]
    assert store.list_parks() == [record]
    assert store.save_scenario(record.content_hash, "after", [], [], "ana").name == "after"


def _save_then_get_killed(url: str, park_hash: str, on: list[str], prefix: str, name: str) -> None:
    """Child process: commit three scenarios, then save ``name`` (overwriting) and be
    SIGKILLed inside that transaction, after its first ``prefix`` statement, before COMMIT."""
    store = storage.Store(url)
    for i in range(3):
        store.save_scenario(park_hash, f"child-{i}", on, [], "child")
    _fail_after(store.engine, prefix, lambda: os.kill(os.getpid(), signal.SIGKILL))
    store.save_scenario(park_hash, name, [], [], "doomed", overwrite=True)
    raise AssertionError("should have been killed")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("prefix, name", [("INSERT INTO scenarios", "half-written"),  # a new scenario
                                          ("UPDATE scenarios", "parent-0")])  # overwriting one
def test_a_server_killed_mid_save_loses_nothing(url, store, saved, prefix, name):
    record, park = saved
    on = candidates(park)[:1]
    for i in range(3):
        store.save_scenario(record.content_hash, f"parent-{i}", on, [], "ana")
    before = store.list_scenarios()
    child = SPAWN.Process(target=_save_then_get_killed, args=(url, record.content_hash, on, prefix, name))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    store.close()
    after = storage.Store(url)
    assert integrity(url) == "ok"
    survivors = after.list_scenarios()
    assert {s.name for s in survivors} == {"parent-0", "parent-1", "parent-2", "child-0", "child-1", "child-2"}
    assert [s for s in survivors if s.name.startswith("parent")] == before  # parent-0 as it was
    assert after.save_scenario(record.content_hash, "half-written", [], [], "ana").name == "half-written"


# Several processes ------------------------------------------------------------------


def _save_many(url: str, data: bytes, who: str, count: int, barrier) -> None:
    store = storage.Store(url)
    barrier.wait(30)
    record = store.add_park("p.json", data, uploaded_by=who)  # both add the same park
    on = candidates(store.get_park(record.content_hash))
    for i in range(count):
        store.save_scenario(record.content_hash, f"{who}-{i}", on[i % len(on):][:1], [], who)


def test_two_processes_writing_at_once_lose_nothing(url, store):
    barrier = SPAWN.Barrier(2)
    data = park_bytes()
    workers = [SPAWN.Process(target=_save_many, args=(url, data, who, 30, barrier)) for who in ("w1", "w2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(store.list_parks()) == 1
    names = {s.name for s in store.list_scenarios()}
    assert names == {f"{who}-{i}" for who in ("w1", "w2") for i in range(30)}
    assert integrity(url) == "ok"
