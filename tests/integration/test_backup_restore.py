"""`isi backup` and `isi restore` as the operator runs them (issue #13, point 6).

Every case runs the real `isi` program against its own database: backup → restore into a fresh
database → `isi export json` identical, on SQLite and (in the PostgreSQL run, where DATABASE_URL
points at the throw-away server of scripts/with-postgres) on PostgreSQL; and the refusals – over
existing data without --force, a damaged archive, a backup from a newer schema, another vendor –
each with one line on stderr, exit status ≠ 0 and the target database unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dj_database_url
import pytest
from diskcache import FanoutCache

from isi.operations.backup import pg_environment

ISI = Path(sys.executable).parent / "isi"
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
REPO_DIR = Path(__file__).resolve().parents[2]


def isi(*args: str, url: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ISI_", "PG"))}
    env["DATABASE_URL"] = url
    env["ISI_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [str(ISI), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=REPO_DIR,
        timeout=300,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0, result.stdout[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    assert lines[0].startswith("Fehler: "), lines[0]
    for text in expected:
        assert text in lines[0], lines[0]


def export(url: str, var_dir: Path) -> str:
    return ok(isi("export", "json", url=url, var_dir=var_dir))


def digest(url: str) -> str:
    """Every row of the measures and change records of a SQLite database, as one SHA-256."""
    db = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT * FROM measures_measure ORDER BY id").fetchall()
        rows += db.execute("SELECT * FROM core_changerecord ORDER BY id").fetchall()
    finally:
        db.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def rewrite_archive(
    source: Path, target: Path, *, manifest_change: Any = None, dump_change: Any = None
) -> None:
    """A copy of an archive with its manifest (a dict) and/or its dump (bytes, name) changed."""
    with tarfile.open(source) as tar:
        members = tar.getmembers()
        manifest = json.loads(tar.extractfile(members[0]).read())  # type: ignore[union-attr]
        dump = tar.extractfile(members[1]).read()  # type: ignore[union-attr]
    dump_name = members[1].name
    if manifest_change is not None:
        manifest_change(manifest)
    if dump_change is not None:
        dump, dump_name = dump_change(dump, dump_name)
    with tarfile.open(target, "w") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), (dump_name, dump)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@dataclass
class Source:
    url: str
    var_dir: Path
    archive: Path
    exported: str


def make_source(url: str, workdir: Path) -> Source:
    var_dir = workdir / "var"
    var_dir.mkdir()
    ok(isi("migrate", "-v0", url=url, var_dir=var_dir))
    ok(isi("generate", "--measures", "50", "--seed", "1", url=url, var_dir=var_dir))
    archive = workdir / "backup.tar"
    out = ok(isi("backup", "-o", str(archive), url=url, var_dir=var_dir))
    assert str(archive) in out
    return Source(url=url, var_dir=var_dir, archive=archive, exported=export(url, var_dir))


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    if ON_POSTGRES:  # the SQLite cases do not depend on DATABASE_URL: run them once, in the SQLite run
        pytest.skip("SQLite backups are tested in the SQLite run")
    workdir = tmp_path_factory.mktemp("backup-sqlite")
    return make_source(f"sqlite:///{workdir / 'source.sqlite3'}", workdir)


def test_sqlite_backup_is_one_private_archive_with_a_manifest(sqlite_source: Source) -> None:
    archive = sqlite_source.archive
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert sorted(p.name for p in archive.parent.iterdir()) == [
        "backup.tar",
        "source.sqlite3",
        "var",
    ]  # no temp
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["manifest.json", "database.sqlite3"]
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["format"] == "isi-backup"
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["isi_version"]
    assert "0001_initial" in manifest["migrations"]["measures"]
    assert manifest["row_counts"]["measures_measure"] == 50
    assert manifest["row_counts"]["core_changerecord"] >= 50
    assert len(manifest["dump"]["sha256"]) == 64


def test_sqlite_round_trip_into_a_fresh_database(sqlite_source: Source, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    out = ok(isi("restore", str(sqlite_source.archive), url=url, var_dir=sqlite_source.var_dir))
    assert "50" in out
    assert export(url, sqlite_source.var_dir) == sqlite_source.exported


def test_restore_over_existing_data_needs_force(sqlite_source: Source, tmp_path: Path) -> None:
    target = tmp_path / "in-use.sqlite3"
    shutil.copyfile(str(sqlite_source.url.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    ok(isi("generate", "--measures", "3", "--seed", "2", url=url, var_dir=sqlite_source.var_dir))
    before = digest(url)

    refused(
        isi("restore", str(sqlite_source.archive), url=url, var_dir=sqlite_source.var_dir), "--force", "53"
    )
    assert digest(url) == before

    # A part the web workers kept for the data being replaced (isi.core.cache): the restore
    # empties the shared cache, so it is never served for the restored data.
    with FanoutCache(str(sqlite_source.var_dir / "cache"), shards=4) as shared:
        shared.set("part-of-the-replaced-data", "<p>alt</p>")
    ok(isi("restore", str(sqlite_source.archive), "--force", url=url, var_dir=sqlite_source.var_dir))
    assert export(url, sqlite_source.var_dir) == sqlite_source.exported
    with FanoutCache(str(sqlite_source.var_dir / "cache"), shards=4) as shared:
        assert shared.get("part-of-the-replaced-data") is None


@pytest.fixture(scope="module")
def in_use(sqlite_source: Source, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A target database with more data than the backup (53 measures), and a digest of its rows."""
    target = tmp_path_factory.mktemp("backup-target") / "target.sqlite3"
    url = f"sqlite:///{target}"
    ok(isi("restore", str(sqlite_source.archive), url=url, var_dir=sqlite_source.var_dir))
    ok(isi("generate", "--measures", "3", "--seed", "3", url=url, var_dir=sqlite_source.var_dir))
    return url, digest(url)


def flip_byte(dump: bytes, name: str) -> tuple[bytes, str]:
    middle = len(dump) // 2
    return dump[:middle] + bytes([dump[middle] ^ 0xFF]) + dump[middle + 1 :], name


def add_future_migration(manifest: dict[str, Any]) -> None:
    manifest["migrations"]["measures"].append("9999_from_a_newer_isi")


def claim_postgresql(manifest: dict[str, Any]) -> None:
    manifest["database"]["vendor"] = "postgresql"
    manifest["dump"]["name"] = "database.pgdump"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"dump_change": flip_byte}, "Prüfsumme"),
        ({"manifest_change": add_future_migration}, "measures.9999_from_a_newer_isi"),
        (
            {"manifest_change": claim_postgresql, "dump_change": lambda d, n: (d, "database.pgdump")},
            "von postgresql",
        ),
        ({"manifest_change": lambda m: m.pop("row_counts")}, "row_counts"),
    ],
    ids=["checksum", "newer-schema", "other-vendor", "bad-manifest"],
)
def test_unusable_backup_is_refused_and_changes_nothing(
    sqlite_source: Source, in_use: tuple[str, str], tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    url, before = in_use
    damaged = tmp_path / "damaged.tar"
    rewrite_archive(sqlite_source.archive, damaged, **change)
    # --force: even when overwriting is allowed, the checks come first.
    refused(isi("restore", str(damaged), "--force", url=url, var_dir=sqlite_source.var_dir), expected)
    assert digest(url) == before


def test_backup_errors_are_one_line_and_write_nothing(sqlite_source: Source, tmp_path: Path) -> None:
    missing_dir = tmp_path / "no-such-folder" / "x.tar"
    refused(isi("backup", "-o", str(missing_dir), url=sqlite_source.url, var_dir=sqlite_source.var_dir))
    assert not missing_dir.parent.exists()
    refused(isi("backup", url="sqlite:///:memory:", var_dir=sqlite_source.var_dir), "Arbeitsspeicher")
    refused(isi("restore", str(tmp_path / "none.tar"), url=sqlite_source.url, var_dir=sqlite_source.var_dir))


def test_default_target_is_in_var_backups(sqlite_source: Source, tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    ok(isi("backup", url=sqlite_source.url, var_dir=var_dir))
    [archive] = (var_dir / "backups").iterdir()
    assert archive.name.startswith("isi-sqlite-") and archive.suffix == ".tar"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE((var_dir / "backups").stat().st_mode) == 0o700


def test_postgres_password_goes_through_the_environment_only() -> None:
    conn = SimpleNamespace(
        settings_dict={
            "HOST": "db.example.org",
            "PORT": 5433,
            "USER": "isi",
            "PASSWORD": "s3cret",
            "NAME": "isi",
            "OPTIONS": {"sslmode": "verify-full"},
        }
    )
    env = pg_environment(conn)  # type: ignore[arg-type]
    assert env["PGPASSWORD"] == "s3cret"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.example.org",
        "5433",
        "isi",
        "isi",
    )
    assert env["PGSSLMODE"] == "verify-full"


# --- PostgreSQL: a second database on the same server as the restore target ---------------------------

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="runs in the PostgreSQL run (scripts/with-postgres sets a postgres:// DATABASE_URL)",
)


def _admin(sql: str) -> None:
    import psycopg

    params = dj_database_url.parse(SERVER_URL)
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def _url_for(database: str) -> str:
    params = dj_database_url.parse(SERVER_URL)
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{database}"


@pytest.fixture(scope="module")
def postgres_databases() -> Iterator[tuple[str, str]]:
    names = (f"isi_backup_source_{os.getpid()}", f"isi_backup_target_{os.getpid()}")
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}"')
        _admin(f'CREATE DATABASE "{name}"')
    try:
        yield _url_for(names[0]), _url_for(names[1])
    finally:
        for name in names:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@needs_postgres
def test_postgres_round_trip_into_a_fresh_database(
    postgres_databases: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    source_url, target_url = postgres_databases
    source = make_source(source_url, tmp_path_factory.mktemp("backup-pg"))
    with tarfile.open(source.archive) as tar:
        assert tar.getnames() == ["manifest.json", "database.pgdump"]
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["row_counts"]["measures_measure"] == 50
    assert stat.S_IMODE(source.archive.stat().st_mode) == 0o600

    # The target is an empty database: no tables at all, not even migrated.
    ok(isi("restore", str(source.archive), url=target_url, var_dir=source.var_dir))
    assert export(target_url, source.var_dir) == source.exported

    # Again over the restored data: refused without --force; with --force it is replaced.
    refused(isi("restore", str(source.archive), url=target_url, var_dir=source.var_dir), "--force")
    ok(isi("restore", str(source.archive), "--force", url=target_url, var_dir=source.var_dir))
    assert export(target_url, source.var_dir) == source.exported

    # A dump that passes the checksum but breaks off half-way (its table of contents is intact,
    # the data is not): the restore runs in one transaction and rolls back, nothing changed.
    ok(isi("generate", "--measures", "2", "--seed", "4", url=target_url, var_dir=source.var_dir))
    before = export(target_url, source.var_dir)
    broken = source.archive.parent / "broken.tar"
    with tarfile.open(source.archive) as tar:
        dump = tar.extractfile("database.pgdump").read()  # type: ignore[union-attr]
    truncated = dump[: int(len(dump) * 0.8)]

    def fix_checksum(manifest: dict[str, Any]) -> None:
        manifest["dump"]["sha256"] = hashlib.sha256(truncated).hexdigest()
        manifest["dump"]["bytes"] = len(truncated)

    rewrite_archive(
        source.archive, broken, manifest_change=fix_checksum, dump_change=lambda d, n: (truncated, n)
    )
    refused(isi("restore", str(broken), "--force", url=target_url, var_dir=source.var_dir), "unverändert")
    assert export(target_url, source.var_dir) == before
