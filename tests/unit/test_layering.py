"""The architecture, checked from the code: lower apps do not import higher ones, and one function
writes measures (issue 15, point 1; DESIGN "imports run downward").

No database: these tests read the source files.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "isi"

LOWER_APPS = ("core", "organisations", "catalog", "measures", "accounts")
HIGHER_APPS = (
    "search",
    "coordination",
    "rounds",
    "consultations",
    "reports",
    "monitoring",
    "imports",
    "workspace",
    "portal",
    "api",
    "opendata",
    "operations",
    "finder",
)
IMPORT_UP = re.compile(r"^\s*(from|import) isi\.(" + "|".join(HIGHER_APPS) + r")\b")

# The one writer of measures, and the one justified exception: the synthetic generator's bulk
# path (``isi generate``, up to a million measures for scale tests) inserts with bulk_create,
# because the service's per-measure checks, snapshots and row locks would take hours for data
# that is valid by construction and never edited by a person; it writes the same change records
# and announces each batch through isi.measures.signals (see its module docstring).
WRITER = SRC / "measures" / "services.py"
BULK_EXCEPTION = SRC / "measures" / "synthetic" / "writer.py"
WRITE_METHODS = {
    "save",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# Receivers that stand for a measure or a queryset of measures.
MEASURE_NAME = re.compile(r"(^|_)measures?$")


def python_files(*roots: Path) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_lower_apps_import_no_app_above_them() -> None:
    offending = [
        f"{path.relative_to(SRC.parent)}:{number}: {line.strip()}"
        for path in python_files(*(SRC / app for app in LOWER_APPS))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IMPORT_UP.match(line)
    ]
    assert offending == []


def test_core_stands_on_accounts_only() -> None:
    """Core is the lowest floor (change records, generic role permissions, middleware): the
    measure predicates, labels and the JSON export live in measures, the demo in operations."""
    upward = re.compile(r"^\s*(from|import) isi\.(?!core\b|accounts\b)\w+")
    offending = [
        f"{path.relative_to(SRC.parent)}:{number}: {line.strip()}"
        for path in python_files(SRC / "core")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if upward.match(line)
    ]
    assert offending == []


def test_the_grep_of_the_issue_prints_nothing() -> None:
    """The check as the issue states it (grep), so a reader can run the same line by hand."""
    pattern = r"^\s*(from|import) isi\.(" + "|".join(HIGHER_APPS) + r")\b"
    found = subprocess.run(
        ["grep", "-rnE", pattern, *(str(SRC / app) for app in LOWER_APPS)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in found.stdout.splitlines() if "migrations" not in line]
    assert lines == []


def _root(node: ast.expr) -> ast.expr:
    """The start of a call chain: `Measure` in `Measure.objects.filter(...).update`."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


QUERYSET_STEPS = {
    "filter",
    "exclude",
    "all",
    "active",
    "public",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "order_by",
    "distinct",
    "only",
    "defer",
    "using",
}


def _last_name(node: ast.expr) -> str:
    """The name the method is called on, looking through queryset steps (`.filter(…)`)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute) and node.attr in QUERYSET_STEPS:
            node = node.value
        elif isinstance(node, ast.Attribute):
            return node.attr
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return ""


def measure_writes(source: str) -> list[tuple[int, str]]:
    """Calls that write measures: `Measure.objects….update/create/…`, `measure.save()`,
    `measures.update(…)`, `visible_measures(…).update(…)` and the like."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITE_METHODS:
            continue
        receiver = node.func.value
        root = _root(receiver)
        if isinstance(root, ast.Name) and root.id == "Measure":
            found.append((node.lineno, f"Measure….{method}()"))
        elif MEASURE_NAME.search(_last_name(receiver)) and method in {"save", "update", "bulk_create"}:
            found.append((node.lineno, f"{_last_name(receiver)}.{method}()"))
    return found


def test_the_scanner_finds_each_kind_of_measure_write() -> None:
    source = """
Measure.objects.create(title="x")
Measure.objects.filter(pk=1).update(version=2)
Measure.objects.bulk_create([])
measure.save()
self.measure.save(update_fields=["title"])
measures.update(title="y")
visible_measures(user).filter(pk=1).update(title="z")
item.save()
ChangeRecord.objects.create()
measure.evaluation.save()
"""
    assert [line for line, _ in measure_writes(source)] == [2, 3, 4, 5, 6, 7, 8]


def test_only_the_write_service_writes_measures() -> None:
    offending = []
    for path in python_files(SRC):
        if path in (WRITER, BULK_EXCEPTION):
            continue
        for line, what in measure_writes(path.read_text(encoding="utf-8")):
            offending.append(f"{path.relative_to(SRC.parent)}:{line}: {what}")
    assert offending == []


def test_the_bulk_exception_writes_measures_only_with_bulk_create() -> None:
    writes = {what for _, what in measure_writes(BULK_EXCEPTION.read_text(encoding="utf-8"))}
    assert writes == {"Measure….bulk_create()"}
