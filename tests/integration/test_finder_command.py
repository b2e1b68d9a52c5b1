"""`isi finder --answers FILE.json [--json] [--lang de|en]` (DESIGN §7), in process and as a program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO_DIR = Path(__file__).resolve().parents[2]
ISI = Path(sys.executable).parent / "isi"

TOLERATED: dict[str, Any] = {
    "nationality": "third_country",
    "status": "tolerated_other",
    "labour_market_near": True,
    "months_tolerated": 6,
    "needs_language_qualification": True,
}


def write(tmp_path: Path, data: Any, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("finder", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_result(tmp_path: Path) -> None:
    out, err = run("--answers", str(write(tmp_path, TOLERATED)), "--json")
    data = json.loads(out)
    assert data["errors"] == []
    results = {r["offer"]: r for r in data["results"]}
    assert list(results) == ["integration_course", "job_language_course"]
    assert results["integration_course"]["eligible"] is False
    assert results["job_language_course"]["eligible"] is True
    # The old key labour_market_near is still understood under the law in force (§ 45a AufenthG).
    assert "§ 45a Abs. 2 AufenthG" in results["job_language_course"]["reasons"][0]
    assert results["job_language_course"]["basis"] == "admission"
    assert results["job_language_course"]["legal_state"] == "2026-01-01"
    assert results["job_language_course"]["next_steps"]
    assert results["job_language_course"]["binding"] is False
    assert err == ""


def test_json_result_in_english(tmp_path: Path) -> None:
    out, _ = run("--answers", str(write(tmp_path, TOLERATED)), "--json", "--lang", "en")
    reasons = json.loads(out)["results"][1]["reasons"]
    assert reasons[0].startswith("Eligible because")


def test_undecided_result_names_the_missing_keys(tmp_path: Path) -> None:
    out, _ = run("--answers", str(write(tmp_path, {"nationality": "third_country"})), "--json")
    first = json.loads(out)["results"][0]
    assert first["eligible"] is None
    assert first["missing"][0] == "status"
    assert first["missing_questions"][0] == "Ihr Aufenthaltsstatus"


def test_readable_german_text_without_json(tmp_path: Path) -> None:
    out, _ = run("--answers", str(write(tmp_path, TOLERATED)))
    assert "Integrationskurs: Nein" in out
    assert "Berufssprachkurs): Ja – Sie können teilnehmen." in out
    assert "Berechtigt, weil" in out
    assert "keine verbindliche Entscheidung" in out


def test_invalid_answers_exit_2_with_key_and_message(tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    path = write(tmp_path, {"status": "martian", "months_tolerated": -1})
    with pytest.raises(CommandError) as caught:
        call_command("finder", "--answers", str(path), "--json", stdout=out, stderr=err)
    assert caught.value.returncode == 2
    assert "2 Fehler" in str(caught.value)
    assert "status: Ungültiger Wert" in err.getvalue()
    assert "months_tolerated:" in err.getvalue()
    data = json.loads(out.getvalue())
    assert data["results"] == []
    assert [e["key"] for e in data["errors"]] == ["status", "months_tolerated"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Datei nicht gefunden"),
        ("{not json", "Kein gültiges JSON"),
        ("[1, 2]", "JSON-Objekt"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "missing.json" if content is None else write(tmp_path, content)
    with pytest.raises(CommandError, match=message) as caught:
        run("--answers", str(path))
    assert caught.value.returncode == 2


def test_future_dates_are_judged_against_the_given_day(tmp_path: Path) -> None:
    path = write(tmp_path, {"entry_date": "2024-01-01"})
    with pytest.raises(CommandError):
        run("--answers", str(path), "--today", "2023-12-31")
    out, _ = run("--answers", str(path), "--today", "2024-01-01", "--json")
    assert json.loads(out)["errors"] == []


# --- as a program: the `isi` entry point ------------------------------------------------------


@pytest.fixture
def installed() -> None:
    """The `isi` program next to this Python (`make install`); CI must have it."""
    if not ISI.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{ISI} missing (CI runs `make install` first)")
        pytest.skip("the isi command is installed by `make install`")


def isi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ISI), "finder", *args], capture_output=True, text=True, cwd=REPO_DIR, timeout=120, check=False
    )


@pytest.mark.usefixtures("installed")
def test_program_prints_json_and_exits_0(tmp_path: Path) -> None:
    done = isi("--answers", str(write(tmp_path, TOLERATED)), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [(r["offer"], r["eligible"]) for r in data["results"]] == [
        ("integration_course", False),
        ("job_language_course", True),
    ]
    assert all({"offer", "eligible", "reasons"} <= set(r) for r in data["results"])


@pytest.mark.usefixtures("installed")
def test_program_exits_2_on_invalid_answers_without_traceback(tmp_path: Path) -> None:
    done = isi("--answers", str(write(tmp_path, {"nationality": "mars"})), "--json")
    assert done.returncode == 2
    assert "nationality: Ungültiger Wert" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["errors"][0]["key"] == "nationality"


@pytest.mark.usefixtures("installed")
def test_program_exits_non_zero_on_missing_file_and_bad_json(tmp_path: Path) -> None:
    missing = isi("--answers", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "Datei nicht gefunden" in missing.stderr
    broken = isi("--answers", str(write(tmp_path, "{")), "--json")
    assert broken.returncode == 2
    assert "Kein gültiges JSON" in broken.stderr
    for done in (missing, broken):
        assert "Traceback" not in done.stderr


def test_directory_and_non_utf8_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Ordner") as caught:
        run("--answers", str(tmp_path))
    assert caught.value.returncode == 2
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"nationality": "ä"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run("--answers", str(latin1))


def test_readable_english_text(tmp_path: Path) -> None:
    out, _ = run("--answers", str(write(tmp_path, {})), "--lang", "en")
    assert "Integration course: Not decided yet." in out
    assert "We still need to know:" in out
