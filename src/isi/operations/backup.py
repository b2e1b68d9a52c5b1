"""Backups of ISI's database as one archive file, checked before anything is restored (issue #13.6).

An archive is an uncompressed tar file with two members:

- ``manifest.json`` – what the backup holds: ISI and Django version, database vendor, the applied
  migrations per app, the row count of every table, and size and SHA-256 checksum of the dump;
- the dump itself – ``database.sqlite3`` (a copy made with SQLite's online backup API, so the
  server may keep running) or ``database.pgdump`` (``pg_dump -Fc``; the custom format is already
  compressed).

On PostgreSQL the row counts and migrations are read in the same snapshot that ``pg_dump`` dumps
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so the manifest describes exactly the dump even
while ISI keeps writing. Connection details go to ``pg_dump``/``pg_restore``/``psql`` through the
``PG*`` environment variables only (the password as ``PGPASSWORD``), never on the command line.

A restore checks, before it changes anything: the archive's structure, the dump's checksum, the
vendor, that the backup's schema is not newer than this ISI (no migration the code does not
know), and that the target holds no measures, users or change records (``--force`` overrides
only the last). Then it replaces the whole database in one step – SQLite's backup API into the
target file, or on PostgreSQL one ``psql --single-transaction`` that drops and recreates the
``public`` schema and replays ``pg_restore``'s script – and compares the row counts with the
manifest. A failed restore leaves the target as it was.

The archive is written to a temporary file beside the target and renamed over it when complete,
with permissions 0600 (it holds password hashes and personal data).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from isi.core.cli_input import Fehler, check_target, parse_json

ARCHIVE_FORMAT = "isi-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024
PG_BIN_FALLBACK = Path("/usr/lib/postgresql/15/bin")
# A restore refuses to overwrite data when any of these tables has a row (unless --force).
DATA_TABLES = {
    "measures_measure": ("Maßnahmen", "measures"),
    "accounts_user": ("Benutzer", "users"),
    "core_changerecord": ("Änderungseinträge", "change records"),
}
EXIT_REFUSED = 1


@dataclass(frozen=True)
class Manifest:
    isi_version: str
    django_version: str
    created_at: str
    vendor: str
    server_version: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    dump_name: str
    dump_bytes: int
    dump_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "format": ARCHIVE_FORMAT,
            "format_version": FORMAT_VERSION,
            "isi_version": self.isi_version,
            "django_version": self.django_version,
            "created_at": self.created_at,
            "database": {"vendor": self.vendor, "server_version": self.server_version},
            "migrations": self.migrations,
            "row_counts": self.row_counts,
            "dump": {"name": self.dump_name, "bytes": self.dump_bytes, "sha256": self.dump_sha256},
        }


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    missing_migrations: list[str]
    seconds: float


def isi_version() -> str:
    try:
        return importlib.metadata.version("isi")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "unbekannt"


def database_vendor(conn: BaseDatabaseWrapper = connection) -> str:
    if conn.vendor not in DUMP_NAMES:
        raise Fehler(
            f"Sicherung für die Datenbank {conn.vendor!r} nicht möglich (nur SQLite und PostgreSQL)",
            f"backup of a {conn.vendor!r} database is not supported (only SQLite and PostgreSQL)",
        )
    return conn.vendor


def sqlite_path(conn: BaseDatabaseWrapper = connection) -> Path:
    name = str(conn.settings_dict["NAME"])
    if name in {"", ":memory:"} or name.startswith("file::memory:") or "mode=memory" in name:
        raise Fehler(
            "Eine SQLite-Datenbank im Arbeitsspeicher kann nicht gesichert oder wiederhergestellt werden",
            "an in-memory SQLite database cannot be backed up or restored",
        )
    return Path(name)


def default_target(vendor: str) -> Path:
    """var/backups/isi-<vendor>-<UTC time>.tar (the folder is created with mode 0700)."""
    folder = Path(settings.VAR_DIR) / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"isi-{vendor}-{stamp}.tar"


# --- reading the state of a database ------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(str(app), []).append(str(name))
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _sqlite_state(path: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = _sqlite_tables(db)
        cursor = db.cursor()
        return _migrations(cursor, tables), _row_counts(cursor, tables)
    except sqlite3.DatabaseError as exc:
        raise Fehler(
            f"Die gesicherte SQLite-Datenbank ist nicht lesbar ({exc})",
            f"the SQLite database in the backup cannot be read ({exc})",
        ) from None
    finally:
        db.close()


def _live_tables(conn: BaseDatabaseWrapper) -> list[str]:
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
            return [str(row[0]) for row in cursor.fetchall()]
    with conn.cursor() as cursor:
        return [str(name) for name in conn.introspection.table_names(cursor)]


def live_row_counts(conn: BaseDatabaseWrapper = connection) -> dict[str, int]:
    tables = _live_tables(conn)
    with conn.cursor() as cursor:
        return _row_counts(cursor, tables)


def data_present(conn: BaseDatabaseWrapper = connection) -> dict[str, int]:
    """Rows in the tables that make a database "in use" (measures, users, change records)."""
    tables = set(_live_tables(conn))
    present: dict[str, int] = {}
    with conn.cursor() as cursor:
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608
                count = int(cursor.fetchone()[0])
                if count:
                    present[table] = count
    return present


def known_migrations() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration this ISI ships, applied or not."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return set(loader.disk_migrations)


# --- the PostgreSQL tools ---------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    fallback = PG_BIN_FALLBACK / name
    if fallback.exists():
        return str(fallback)
    raise Fehler(
        f"Das PostgreSQL-Programm {name} wurde nicht gefunden (PATH, {PG_BIN_FALLBACK}); "
        "bitte das Paket postgresql-client installieren",
        f"the PostgreSQL program {name} was not found (PATH, {PG_BIN_FALLBACK}); install postgresql-client",
    )


def pg_environment(conn: BaseDatabaseWrapper = connection) -> dict[str, str]:
    """The connection of DATABASES["default"] as PG* variables (the password never on a command line)."""
    params = conn.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    pairs = {
        "PGHOST": params.get("HOST"),
        "PGPORT": params.get("PORT"),
        "PGUSER": params.get("USER"),
        "PGPASSWORD": params.get("PASSWORD"),
        "PGDATABASE": params.get("NAME"),
    }
    options: Mapping[str, Any] = params.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ):
        pairs[variable] = options.get(option)
    for variable, value in pairs.items():
        if value not in (None, ""):
            env[variable] = str(value)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    env["PGAPPNAME"] = "isi-backup"
    return env


def _tool_error(tool: str, stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    relevant = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()] or lines
    text = relevant[0] if relevant else "ohne Meldung / no message"
    return f"{tool}: {text[:300]}"


# --- backup ---------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_sqlite(conn: BaseDatabaseWrapper, dump: Path) -> tuple[str, dict[str, list[str]], dict[str, int]]:
    source_path = sqlite_path(conn)
    if not source_path.exists():
        raise Fehler(
            f"SQLite-Datenbank nicht gefunden: {source_path}", f"SQLite database not found: {source_path}"
        )
    source = sqlite3.connect(str(source_path), timeout=30)
    target = sqlite3.connect(str(dump))
    try:
        source.backup(target)  # online: consistent copy while ISI keeps running
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        version = str(target.execute("SELECT sqlite_version()").fetchone()[0])
    except sqlite3.Error as exc:
        raise Fehler(
            f"SQLite-Sicherung fehlgeschlagen ({exc}); nichts geschrieben",
            f"SQLite backup failed ({exc}); nothing written",
        ) from None
    finally:
        target.close()
        source.close()
    migrations, counts = _sqlite_state(dump)
    return version, migrations, counts


def _dump_postgresql(
    conn: BaseDatabaseWrapper, dump: Path
) -> tuple[str, dict[str, list[str]], dict[str, int]]:
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        # One snapshot for the manifest and for pg_dump: the counts describe exactly the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, version = cursor.fetchone()
        tables = [str(name) for name in conn.introspection.table_names(cursor)]
        migrations = _migrations(cursor, tables)
        counts = _row_counts(cursor, tables)
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ],
            env=pg_environment(conn),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise Fehler(
            f"pg_dump fehlgeschlagen – {_tool_error('pg_dump', result.stderr)}; nichts geschrieben",
            "pg_dump failed; nothing written",
        )
    return str(version), migrations, counts


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    info.uname = info.gname = ""
    return info


def _write_archive(target: Path, manifest: Manifest, dump: Path) -> None:
    """manifest.json + dump as a tar, written beside the target and renamed over it (mode 0600)."""
    manifest_bytes = (json.dumps(manifest.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.addfile(_tar_info(MANIFEST_NAME, len(manifest_bytes)), _bytes_reader(manifest_bytes))
                with open(dump, "rb") as dump_handle:
                    tar.addfile(_tar_info(manifest.dump_name, manifest.dump_bytes), dump_handle)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        temporary = ""
        with contextlib.suppress(OSError):
            directory = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise Fehler(
            f"Sicherung kann nicht geschrieben werden: {target} ({reason}); nichts geschrieben",
            f"cannot write the backup: {target} ({reason}); nothing written",
        ) from None
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _bytes_reader(data: bytes) -> IO[bytes]:
    import io

    return io.BytesIO(data)


@contextlib.contextmanager
def _workdir(near: Path | None = None, target: Path | None = None) -> Iterator[Path]:
    """A private temporary folder (mode 0700), removed afterwards whatever happens."""
    try:
        folder = tempfile.mkdtemp(prefix=".isi-backup-", dir=near)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = target or near or Path(tempfile.gettempdir())
        raise Fehler(
            f"Kein Platz für temporäre Dateien: {where} ({reason}); nichts geändert",
            f"cannot create temporary files: {where} ({reason}); nothing changed",
        ) from None
    try:
        os.chmod(folder, 0o700)
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_backup(target: Path | None = None, conn: BaseDatabaseWrapper = connection) -> BackupResult:
    """Dump the database of `conn` into one archive at `target` (default: var/backups/…)."""
    started = time.monotonic()
    vendor = database_vendor(conn)
    if vendor == "sqlite":
        sqlite_path(conn)  # refuse :memory: before anything else
    path = Path(target) if target is not None else default_target(vendor)
    check_target(path)
    # The dump is made beside the archive: same file system, and /tmp may be too small.
    with _workdir(path.parent, path) as workdir:
        dump = workdir / DUMP_NAMES[vendor]
        if vendor == "sqlite":
            version, migrations, counts = _dump_sqlite(conn, dump)
        else:
            version, migrations, counts = _dump_postgresql(conn, dump)
        manifest = Manifest(
            isi_version=isi_version(),
            django_version=django.get_version(),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            vendor=vendor,
            server_version=version,
            migrations=migrations,
            row_counts=counts,
            dump_name=dump.name,
            dump_bytes=dump.stat().st_size,
            dump_sha256=_sha256(dump),
        )
        _write_archive(path, manifest, dump)
    return BackupResult(path=path, manifest=manifest, seconds=time.monotonic() - started)


# --- reading and checking an archive -------------------------------------------------------------


def _not_a_backup(path: Path, why_de: str, why_en: str) -> Fehler:
    return Fehler(
        f"{path} ist keine gültige ISI-Sicherung ({why_de}); nichts geändert",
        f"{path} is not a valid ISI backup ({why_en}); nothing changed",
    )


def _manifest_from_json(path: Path, data: object) -> Manifest:
    def bad(field: str) -> Fehler:
        return _not_a_backup(
            path, f"Manifest: Feld {field} fehlt oder ist ungültig", f"manifest: bad field {field}"
        )

    if not isinstance(data, dict) or data.get("format") != ARCHIVE_FORMAT:
        raise bad("format")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise bad("format_version")
    if version > FORMAT_VERSION:
        raise Fehler(
            f"Die Sicherung hat das Format {version}, dieses ISI kennt höchstens {FORMAT_VERSION}; "
            "bitte ISI aktualisieren; nichts geändert",
            f"the backup has format {version}, this ISI reads at most {FORMAT_VERSION}; "
            "upgrade ISI; nothing changed",
        )
    database = data.get("database")
    dump = data.get("dump")
    migrations = data.get("migrations")
    counts = data.get("row_counts")
    if not isinstance(database, dict) or database.get("vendor") not in DUMP_NAMES:
        raise bad("database.vendor")
    if not isinstance(dump, dict) or dump.get("name") != DUMP_NAMES[str(database["vendor"])]:
        raise bad("dump.name")
    sha = dump.get("sha256")
    if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise bad("dump.sha256")
    size = dump.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise bad("dump.bytes")
    if not isinstance(migrations, dict) or not all(
        isinstance(app, str) and isinstance(names, list) and all(isinstance(n, str) for n in names)
        for app, names in migrations.items()
    ):
        raise bad("migrations")
    if not isinstance(counts, dict) or not all(
        isinstance(table, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 0
        for table, n in counts.items()
    ):
        raise bad("row_counts")
    return Manifest(
        isi_version=str(data.get("isi_version", "")),
        django_version=str(data.get("django_version", "")),
        created_at=str(data.get("created_at", "")),
        vendor=str(database["vendor"]),
        server_version=str(database.get("server_version", "")),
        migrations={str(app): [str(n) for n in names] for app, names in migrations.items()},
        row_counts={str(table): int(n) for table, n in counts.items()},
        dump_name=str(dump["name"]),
        dump_bytes=size,
        dump_sha256=sha,
    )


def read_archive(path: Path, workdir: Path) -> tuple[Manifest, Path]:
    """The manifest and the extracted dump of the archive at `path`, checksum verified.

    Raises `Fehler` for anything that is not exactly an ISI archive: other members, links, a
    missing or invalid manifest, a dump whose size or SHA-256 differs from the manifest.
    """
    if not path.exists():
        raise Fehler(f"Datei nicht gefunden: {path}", f"file not found: {path}")
    if not path.is_file():
        raise Fehler(f"Das ist keine Datei: {path}", f"not a file: {path}")
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed in the finally below
    except (tarfile.TarError, OSError) as exc:
        raise _not_a_backup(path, f"kein tar-Archiv: {exc}", f"not a tar archive: {exc}") from None
    try:
        members = tar.getmembers()
        names = [member.name for member in members]
        if len(names) != 2 or names[0] != MANIFEST_NAME or names[1] not in DUMP_NAMES.values():
            raise _not_a_backup(path, f"unerwarteter Inhalt {names[:5]}", f"unexpected members {names[:5]}")
        if not all(member.isreg() for member in members):
            raise _not_a_backup(path, "Einträge sind keine Dateien", "members are not regular files")
        manifest_member, dump_member = members
        if manifest_member.size > MAX_MANIFEST_BYTES:
            raise _not_a_backup(path, "Manifest zu groß", "manifest too large")
        handle = tar.extractfile(manifest_member)
        assert handle is not None  # a regular file
        raw = handle.read(MAX_MANIFEST_BYTES + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_backup(path, "Manifest ist kein UTF-8", "manifest is not UTF-8") from None
        manifest = _manifest_from_json(path, parse_json(text, f"{path}:{MANIFEST_NAME}"))
        if dump_member.name != manifest.dump_name:
            raise _not_a_backup(path, "Dump passt nicht zum Manifest", "dump does not match the manifest")
        dump = workdir / manifest.dump_name
        digest = hashlib.sha256()
        source = tar.extractfile(dump_member)
        assert source is not None
        written = 0
        with open(dump, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                written += len(chunk)
    except (tarfile.TarError, EOFError) as exc:
        raise _not_a_backup(path, f"beschädigtes Archiv: {exc}", f"damaged archive: {exc}") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise Fehler(
            f"Sicherung kann nicht gelesen werden: {path} ({reason}); nichts geändert",
            f"cannot read the backup: {path} ({reason}); nothing changed",
        ) from None
    finally:
        tar.close()
    if written != manifest.dump_bytes or digest.hexdigest() != manifest.dump_sha256:
        raise Fehler(
            f"Prüfsumme stimmt nicht: {path} ist beschädigt (SHA-256 des Dumps {digest.hexdigest()[:12]}…, "
            f"erwartet {manifest.dump_sha256[:12]}…); nichts geändert",
            f"checksum mismatch: {path} is damaged; nothing changed",
        )
    return manifest, dump


def check_compatible(manifest: Manifest, conn: BaseDatabaseWrapper = connection) -> list[str]:
    """Refuse a backup of another vendor or from a newer schema; return the migrations it lacks."""
    vendor = database_vendor(conn)
    if manifest.vendor != vendor:
        raise Fehler(
            f"Die Sicherung ist von {manifest.vendor}, die Zieldatenbank ist {vendor}; nichts geändert",
            f"the backup is from {manifest.vendor}, the target database is {vendor}; nothing changed",
        )
    known = known_migrations()
    backup = {(app, name) for app, names in manifest.migrations.items() for name in names}
    newer = sorted(f"{app}.{name}" for app, name in backup - known)
    if newer:
        shown = ", ".join(newer[:3]) + (" …" if len(newer) > 3 else "")
        raise Fehler(
            f"Die Sicherung stammt aus einem neueren Datenbankschema (ISI {manifest.isi_version}; unbekannte "
            f"Migrationen: {shown}); bitte zuerst ISI aktualisieren; nichts geändert",
            f"the backup is from a newer schema (ISI {manifest.isi_version}; unknown migrations: {shown}); "
            "upgrade ISI first; nothing changed",
        )
    return sorted(f"{app}.{name}" for app, name in known - backup)


# --- restore --------------------------------------------------------------------------------------


def _restore_sqlite(conn: BaseDatabaseWrapper, dump: Path, manifest: Manifest) -> None:
    # Check the extracted copy first: a dump that does not match its manifest changes nothing.
    _migrations_found, counts = _sqlite_state(dump)
    if counts != manifest.row_counts:
        raise Fehler(
            "Die gesicherte Datenbank passt nicht zu ihrem Manifest (Zeilenzahlen); nichts geändert",
            "the database in the backup does not match its manifest (row counts); nothing changed",
        )
    target_path = sqlite_path(conn)
    conn.close()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(str(target_path), timeout=30)
    try:
        source.backup(target)  # replaces the whole target database in one transaction
    except sqlite3.Error as exc:
        raise Fehler(
            f"Wiederherstellung fehlgeschlagen ({exc}); die Datenbank ist unverändert",
            f"restore failed ({exc}); the database is unchanged",
        ) from None
    finally:
        target.close()
        source.close()


# Sent to psql after the script when pg_restore failed: the error rolls the single transaction back.
ABORT_SQL = b"\nDO $$ BEGIN RAISE EXCEPTION 'isi restore: pg_restore failed, nothing changed'; END $$;\n"


def _restore_postgresql(conn: BaseDatabaseWrapper, dump: Path) -> None:
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    env = pg_environment(conn)
    # A dump pg_restore cannot read at all is refused before anything is touched.
    listing = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [pg_restore, "--list", str(dump)], env=env, capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise Fehler(
            f"Wiederherstellung fehlgeschlagen – {_tool_error('pg_restore', listing.stderr)}; "
            "die Datenbank ist unverändert",
            "restore failed (pg_restore cannot read the dump); the database is unchanged",
        )
    conn.close()
    # pg_restore writes the SQL script; psql runs it after dropping the schema, all in one
    # transaction: either the backup replaces everything, or nothing changes. The script is
    # passed on here, so that a pg_restore failing half-way ends in an error inside the
    # transaction (ABORT_SQL) instead of a commit of half a database.
    with tempfile.TemporaryFile() as producer_err, tempfile.TemporaryFile() as consumer_err:
        producer = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=producer_err,
        )
        consumer = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                "--command=DROP SCHEMA IF EXISTS public CASCADE",
                "--command=CREATE SCHEMA public",
                "--file=-",
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=consumer_err,
        )
        assert producer.stdout is not None and consumer.stdin is not None
        try:
            while chunk := producer.stdout.read(CHUNK):
                consumer.stdin.write(chunk)
            producer.stdout.close()
            producer.wait()
            if producer.returncode != 0:
                consumer.stdin.write(ABORT_SQL)
            consumer.stdin.close()
        except BrokenPipeError:  # psql stopped at an error: it rolled back
            producer.kill()
            producer.wait()
        consumer.wait()
        producer_err.seek(0)
        consumer_err.seek(0)
        producer_text = producer_err.read().decode("utf-8", "replace")
        consumer_text = consumer_err.read().decode("utf-8", "replace")
    if producer.returncode != 0 and consumer.returncode != 0:
        raise Fehler(
            f"Wiederherstellung fehlgeschlagen – {_tool_error('pg_restore', producer_text)}; "
            "die Datenbank ist unverändert",
            "restore failed (pg_restore); the database is unchanged",
        )
    if consumer.returncode != 0:
        raise Fehler(
            f"Wiederherstellung fehlgeschlagen – {_tool_error('psql', consumer_text)}; "
            "die Datenbank ist unverändert",
            "restore failed (psql); the database is unchanged",
        )
    if producer.returncode != 0:  # pragma: no cover - psql cannot succeed after ABORT_SQL
        raise Fehler(
            "Wiederherstellung in unklarem Zustand: pg_restore schlug fehl, psql nicht; bitte prüfen",
            "restore in an unclear state: pg_restore failed, psql did not; please check",
        )


def restore_backup(
    path: Path, *, force: bool = False, conn: BaseDatabaseWrapper = connection
) -> RestoreResult:
    started = time.monotonic()
    vendor = database_vendor(conn)
    if vendor == "sqlite":
        sqlite_path(conn)
    with _workdir() as workdir:
        manifest, dump = read_archive(Path(path), workdir)
        missing = check_compatible(manifest, conn)
        if not force:
            present = data_present(conn)
            if present:
                what_de = ", ".join(f"{n} {DATA_TABLES[t][0]}" for t, n in present.items())
                what_en = ", ".join(f"{n} {DATA_TABLES[t][1]}" for t, n in present.items())
                raise Fehler(
                    f"Die Zieldatenbank enthält Daten ({what_de}); mit --force überschreiben; "
                    "nichts geändert",
                    f"the target database holds data ({what_en}); use --force to overwrite; nothing changed",
                    returncode=EXIT_REFUSED,
                )
        if vendor == "sqlite":
            _restore_sqlite(conn, dump, manifest)
        else:
            _restore_postgresql(conn, dump)
    counts = live_row_counts(conn)
    if counts != manifest.row_counts:
        differing = sorted(
            table
            for table in set(counts) | set(manifest.row_counts)
            if counts.get(table) != manifest.row_counts.get(table)
        )
        shown = ", ".join(
            f"{t} {manifest.row_counts.get(t, '–')}→{counts.get(t, '–')}" for t in differing[:3]
        )
        raise Fehler(
            f"Nach der Wiederherstellung weichen die Zeilenzahlen vom Manifest ab ({shown}); bitte prüfen",
            f"after the restore the row counts differ from the manifest ({shown}); please check",
            returncode=EXIT_REFUSED,
        )
    return RestoreResult(manifest=manifest, missing_migrations=missing, seconds=time.monotonic() - started)
