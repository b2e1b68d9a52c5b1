"""The `isi` commands with hostile input and unwritable output (issue #12, point 6).

Every case runs the real program: it must end with exit status ≠ 0, one line on stderr without a
traceback, and write nothing. The helpers behind it (``isi.core.cli_input``) are tested in-process
below.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isi.core.cli_input import (
    Fehler,
    check_target,
    parse_json,
    read_bounded,
    read_json,
    whole_number,
    write_atomic,
)

ISI = Path(sys.executable).parent / "isi"
REPO_DIR = Path(__file__).resolve().parents[2]
DEEP = b"[" * 100_000

# Its own database (SQLite file or PostgreSQL server), whatever DATABASE_URL says: the same run in
# either pass, so the PostgreSQL pass of `make test` leaves it out (marker `own_database`).
pytestmark = pytest.mark.own_database


def isi(
    *args: str, database: Path, stdin: bytes | None = None, debug: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ISI_")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    if debug:
        env["ISI_DEBUG"] = "true"
    return subprocess.run(
        [str(ISI), *args],
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=REPO_DIR,
        timeout=120,
        check=False,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0, result.stdout[:500]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[:2000]
    for text in expected:
        assert text in lines[0]


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database path without tables: commands that fail before the database never notice."""
    return tmp_path_factory.mktemp("empty") / "isi.sqlite3"


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("db") / "isi.sqlite3"
    result = isi("migrate", "--verbosity", "0", database=database)
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def random_file(tmp_path: Path) -> Path:
    path = tmp_path / "random.bin"
    path.write_bytes(b"\xff\xfe\x00" + os.urandom(200_000))
    return path


@pytest.fixture
def deep_file(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    return path


# --- input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_import_from_an_endless_device(device: str, empty_db: Path) -> None:
    assert_clean_failure(isi("import", "nap-i", device, database=empty_db), "zu groß", "8 MiB")


def test_import_of_random_bytes(random_file: Path, empty_db: Path) -> None:
    assert_clean_failure(isi("import", "nap-i", str(random_file), database=empty_db))


def test_import_of_a_file_larger_than_the_limit(tmp_path: Path, empty_db: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        out.truncate(9 * 1024 * 1024)  # sparse: nothing is really written
    assert_clean_failure(isi("import", "nap-i", str(path), database=empty_db), "zu groß", "8 MiB")


def test_import_of_deeply_nested_facts(deep_file: Path, empty_db: Path) -> None:
    assert_clean_failure(
        isi("import", "nap-i", "--facts", str(deep_file), database=empty_db), "zu tief verschachtelt"
    )


def test_import_of_a_directory(tmp_path: Path, empty_db: Path) -> None:
    assert_clean_failure(isi("import", "nap-i", str(tmp_path), database=empty_db), "Ordner")


@pytest.mark.parametrize("source", ["/dev/zero", "/dev/urandom"])
def test_finder_from_an_endless_device(source: str, empty_db: Path) -> None:
    assert_clean_failure(isi("finder", "--answers", source, database=empty_db), "zu groß", "64 KiB")


def test_finder_with_random_bytes(random_file: Path, empty_db: Path) -> None:
    assert_clean_failure(isi("finder", "--answers", str(random_file), database=empty_db), "zu groß")
    small = random_file.with_name("small.bin")
    small.write_bytes(random_file.read_bytes()[:1000])
    assert_clean_failure(isi("finder", "--answers", str(small), database=empty_db), "UTF-8")


def test_finder_with_deeply_nested_json(deep_file: Path, empty_db: Path) -> None:
    # 100,000 brackets are more than the 64 KiB the finder reads; 60,000 fit and nest too deeply.
    assert_clean_failure(isi("finder", "--answers", str(deep_file), database=empty_db), "zu groß")
    deep_file.write_bytes(DEEP[:60_000])
    assert_clean_failure(isi("finder", "--answers", str(deep_file), database=empty_db), "verschachtelt")
    assert_clean_failure(
        isi("finder", "--answers", str(deep_file), "--lang", "en", database=empty_db), "nested too deeply"
    )


def test_finder_with_deep_json_on_stdin(empty_db: Path) -> None:
    result = isi("finder", "--answers", "-", "--json", database=empty_db, stdin=DEEP[:60_000])
    assert_clean_failure(result, "verschachtelt")
    assert json.loads(result.stdout)["errors"][0]["message"].startswith("JSON in Standardeingabe")


def test_finder_with_too_much_on_stdin(empty_db: Path) -> None:
    result = isi("finder", "--answers", "-", database=empty_db, stdin=b" " * (65 * 1024))
    assert_clean_failure(result, "zu groß", "64 KiB")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--measures", "10000000000000"], "höchstens 10.000.000"),
        (["--measures", "9" * 5000], "höchstens"),
        (["--measures", "²"], "ganze Zahl"),
        (["--measures", "１２"], "ganze Zahl"),
        (["--measures", "10", "--seed", "99999999999999999999"], "--seed darf höchstens"),
        (["--measures", "10", "--batch-size", "10000000"], "--batch-size darf höchstens"),
    ],
)
def test_generate_refuses_unbounded_numbers(args: list[str], expected: str, empty_db: Path) -> None:
    assert_clean_failure(isi("generate", *args, database=empty_db), expected)


def test_similar_and_search_index_bounds(empty_db: Path) -> None:
    assert_clean_failure(isi("similar", "--text", "x" * 30_000, database=empty_db), "zu lang")
    assert_clean_failure(isi("similar", "--text", "Sprachkurs", "--top", "²", database=empty_db), "--top")
    assert_clean_failure(isi("search_index", "--batch-size", "0", database=empty_db), "--batch-size")


# --- output -----------------------------------------------------------------------------------


def test_export_to_a_missing_directory(tmp_path: Path, empty_db: Path) -> None:
    target = tmp_path / "fehlt" / "measures.json"
    assert_clean_failure(isi("export", "json", "-o", str(target), database=empty_db), "Ordner nicht gefunden")
    assert not target.parent.exists()


def test_export_to_a_directory(tmp_path: Path, empty_db: Path) -> None:
    assert_clean_failure(isi("export", "json", "-o", str(tmp_path), database=empty_db), "Ordner")
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_full_disk(migrated_db: Path) -> None:
    assert_clean_failure(
        isi("export", "json", "-o", "/dev/full", database=migrated_db), "No space left on device"
    )


def test_export_works_and_replaces_the_file(tmp_path: Path, migrated_db: Path) -> None:
    target = tmp_path / "measures.json"
    target.write_text("alt", encoding="utf-8")
    result = isi("export", "json", "-o", str(target), database=migrated_db)
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == {"measures": []} or target.read_text() != "alt"
    assert [p.name for p in tmp_path.iterdir()] == ["measures.json"]  # no temporary file left


def test_an_unexpected_error_is_one_line_without_traceback(empty_db: Path) -> None:
    result = isi("export", "json", database=empty_db)  # no tables: the database raises
    assert_clean_failure(result, "Fehler: OperationalError", "ISI_DEBUG")
    assert result.returncode == 1
    debug = isi("export", "json", database=empty_db, debug=True)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


# --- the helpers in-process ------------------------------------------------------------------


def test_read_bounded_refuses_large_regular_files_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 11)
    assert read_bounded(path, max_bytes=11) == b"x" * 11
    with pytest.raises(Fehler, match="höchstens 10 Bytes"):
        read_bounded(path, max_bytes=10)


def test_read_bounded_from_stdin() -> None:
    assert read_bounded("-", max_bytes=3, stdin=io.BytesIO(b"abc")) == b"abc"
    with pytest.raises(Fehler, match="Standardeingabe"):
        read_bounded("-", max_bytes=3, stdin=io.BytesIO(b"abcd"))


def test_read_bounded_missing_file(tmp_path: Path) -> None:
    with pytest.raises(Fehler, match="Datei nicht gefunden") as caught:
        read_bounded(tmp_path / "fehlt", max_bytes=10)
    assert caught.value.returncode == 2
    assert caught.value.en.startswith("file not found")


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_parse_json_bounds_the_depth(depth: int) -> None:
    with pytest.raises(Fehler, match="zu tief verschachtelt"):
        parse_json("[" * depth + "]" * depth, "x.json")
    with pytest.raises(Fehler, match="zu tief verschachtelt"):
        parse_json('{"a": ' * depth + "1" + "}" * depth, "x.json")


def test_parse_json_accepts_the_limit_and_reports_syntax() -> None:
    assert parse_json("[" * 64 + "]" * 64, "x.json") is not None
    with pytest.raises(Fehler, match="Zeile 1, Spalte 2"):
        parse_json("{x", "x.json")
    with pytest.raises(Fehler, match="Kein gültiges JSON"):
        parse_json("1" * 5000, "x.json")  # more digits than Python converts


def test_read_json_of_the_committed_facts() -> None:
    facts = REPO_DIR / "src" / "isi" / "imports" / "data" / "nap_i_facts.json"
    assert isinstance(read_json(facts, max_bytes=1024 * 1024), dict)


def test_write_atomic_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("alt", encoding="utf-8")

    def refuse(source: str, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(Fehler, match="No space left on device"):
        write_atomic(target, "neu")
    assert target.read_text(encoding="utf-8") == "alt"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_atomic_writes_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "neu.json"
    write_atomic(target, "ä")
    assert target.read_text(encoding="utf-8") == "ä"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_check_target(tmp_path: Path) -> None:
    check_target(tmp_path / "neu.json")
    with pytest.raises(Fehler, match="Ordner nicht gefunden"):
        check_target(tmp_path / "a" / "b.json")
    with pytest.raises(Fehler, match="Das Ziel ist ein Ordner"):
        check_target(tmp_path)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("²", "ganze Zahl"),
        ("١٢", "ganze Zahl"),
        ("0", "mindestens 1"),
        ("101", "höchstens 100"),
        ("9" * 500, "höchstens"),
    ],
)
def test_whole_number_refuses(raw: str, message: str) -> None:
    with pytest.raises(Fehler, match=message):
        whole_number(raw, option="--top", minimum=1, maximum=100)


def test_whole_number_accepts() -> None:
    assert whole_number("007", option="--top", minimum=1, maximum=100) == 7
    assert whole_number(100, option="--top", minimum=1, maximum=100) == 100
