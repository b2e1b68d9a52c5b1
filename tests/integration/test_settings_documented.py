"""The README's settings table and settings.py cannot drift apart (issue #12, point 9).

Every variable the table names is read from the environment by settings.py through a typed
reader of isi.env, every variable settings.py reads is in the table, and every ``ISI_*`` setting
the code uses exists in settings.py. Values are checked at start-up: a bad one stops ISI with a
message naming it. The settings that were documented but never read now reach their users.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rdflib import Graph, URIRef

from isi import settings as settings_module
from tests.integration.isi_process import run_isi as isi

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SETTINGS = ROOT / "src" / "isi" / "settings.py"
SRC = ROOT / "src" / "isi"
NAME = re.compile(r"`((?:ISI_[A-Z0-9_]+)|DATABASE_URL)`")
READERS = {
    "env_str",
    "env_bool",
    "env_int",
    "env_float",
    "env_list",
    "env_url",
    "env_email",
    "env_choice",
    "env_networks",
}
# getattr(settings, "ISI_…"), settings.ISI_…, and isi.opendata.dcat's _setting("ISI_…").
SETTING_READ = re.compile(
    r'settings, "(ISI_[A-Z0-9_]+)"|settings\.(ISI_[A-Z0-9_]+)|_setting\("(ISI_[A-Z0-9_]+)"\)'
)
# Read outside settings.py, before Django starts (isi.cli): documented, not settings.
READ_BY_THE_COMMAND = {"ISI_DEBUG", "ISI_DEMO_MODE"}


def readme_table() -> set[str]:
    """Names in the first column of the table under "Settings come from the environment"."""
    text = README.read_text(encoding="utf-8")
    start = text.index("Settings come from the environment")
    table = text[text.index("| variable |", start) :].split("\n\n", 1)[0]
    names: set[str] = set()
    for line in table.splitlines()[2:]:
        first_column = line.split("|")[1]
        found = NAME.findall(first_column)
        assert found, f"README settings row without a variable: {line}"
        names.update(found)
    return names


def read_by_settings() -> set[str]:
    """Names settings.py passes to a typed reader; it must not touch os.environ itself."""
    tree = ast.parse(SETTINGS.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
            pytest.fail(f"settings.py line {node.lineno} reads the environment without a typed reader")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in READERS:
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), ast.unparse(node)
            names.add(first.value)
    return names


def used_in_code() -> tuple[set[str], set[str]]:
    """ISI_* names the code outside settings.py mentions, and those it reads as settings
    (``getattr(settings, "ISI_…"``, ``settings.ISI_…``, dcat's ``_setting("ISI_…")``)."""
    mentioned: set[str] = set()
    as_setting: set[str] = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        if path in (SETTINGS, SRC / "env.py"):
            continue
        text = path.read_text(encoding="utf-8")
        mentioned.update(re.findall(r"\bISI_[A-Z0-9_]*[A-Z0-9]\b", text))
        for found in SETTING_READ.findall(text):
            as_setting.update(name for name in found if name)
    return mentioned, as_setting


def test_every_documented_variable_is_read_by_settings() -> None:
    assert readme_table() - read_by_settings() - READ_BY_THE_COMMAND == set()


def test_every_variable_settings_reads_is_documented() -> None:
    assert read_by_settings() - readme_table() == set()


def test_every_isi_setting_the_code_uses_comes_from_settings() -> None:
    mentioned, as_setting = used_in_code()
    assert as_setting, "the search for settings in the code found nothing"
    # A setting the code reads must exist in settings.py under its own name, read from the
    # environment under the same name (so getattr(…, default) never silently hides a typo).
    assert {name for name in as_setting if not hasattr(settings_module, name)} == set()
    assert as_setting - read_by_settings() == set()
    # Any other mention (messages, docstrings) names an environment variable ISI reads.
    assert mentioned - read_by_settings() - READ_BY_THE_COMMAND == set()


# --- read from the environment and validated at start-up --------------------------------------


def test_the_formerly_unread_settings_come_from_the_environment() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.ISI_OPEN_DATA_CONTRIBUTOR_ID, s.ISI_OPEN_DATA_CONTACT_EMAIL, s.ISI_API_TRUSTED_PROXIES, "
        "s.ISI_ADMIN_ALLOWED_NETWORKS, s.ISI_UPLOAD_MAX_BYTES, s.ISI_UPLOAD_CHECK_SECONDS)"
    )
    result = isi(
        "shell",
        "-c",
        code,
        ISI_OPEN_DATA_CONTRIBUTOR_ID="http://dcat-ap.de/def/contributors/bundesministeriumDesInnern",
        ISI_OPEN_DATA_CONTACT_EMAIL="opendata@bmi.example",
        ISI_API_TRUSTED_PROXIES="10.0.0.1, 10.0.1.0/24",
        ISI_ADMIN_ALLOWED_NETWORKS="192.0.2.0/24",
        ISI_UPLOAD_MAX_BYTES="1000",
        ISI_UPLOAD_CHECK_SECONDS="2.5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "http://dcat-ap.de/def/contributors/bundesministeriumDesInnern opendata@bmi.example "
        "['10.0.0.1/32', '10.0.1.0/24'] ['192.0.2.0/24'] 1000 2.5"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ISI_API_TRUSTED_PROXIES", "2"),  # the old "number of proxies" would be read as 0.0.0.2
        ("ISI_API_TRUSTED_PROXIES", "10.0.0.300"),
        ("ISI_ADMIN_ALLOWED_NETWORKS", "irgendwo"),
        ("ISI_ADMIN_ENABLED", "vielleicht"),
        ("ISI_OPEN_DATA_CONTACT_EMAIL", "keine adresse"),
        ("ISI_OPEN_DATA_CONTRIBUTOR_ID", "bmi"),
        ("ISI_PUBLIC_BASE_URL", "isi.example.org"),
        ("ISI_API_RATE", "viele"),
        ("ISI_LOG_LEVEL", "LAUT"),
        ("ISI_UPLOAD_MAX_BYTES", "-1"),
        ("ISI_UPLOAD_CHECK_SECONDS", "nan"),
        ("ISI_SESSION_IDLE_SECONDS", "１２"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(name: str, value: str) -> None:
    result = isi("check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


# --- the settings reach their users ----------------------------------------------------------


@pytest.mark.django_db
@override_settings(
    ISI_OPEN_DATA_CONTRIBUTOR_ID="http://dcat-ap.de/def/contributors/bundesministeriumDesInnern",
    ISI_OPEN_DATA_CONTACT_EMAIL="opendata@bmi.example",
)
def test_the_dcat_catalogue_carries_contributor_and_contact() -> None:
    response = Client().get("/daten/katalog.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    dcatde = "http://dcat-ap.de/def/dcatde/"
    datasets = set(
        graph.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/ns/dcat#Dataset"),
        )
    )
    assert datasets
    contributor = URIRef(settings.ISI_OPEN_DATA_CONTRIBUTOR_ID)
    for dataset in datasets:
        assert (dataset, URIRef(dcatde + "contributorID"), contributor) in graph
    assert URIRef("mailto:opendata@bmi.example") in set(
        graph.objects(None, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))
    )


@pytest.mark.django_db
def test_without_a_contributor_id_the_catalogue_has_none() -> None:
    graph = Graph().parse(data=Client().get("/daten/katalog.ttl").content.decode(), format="turtle")
    assert not list(graph.triples((None, URIRef("http://dcat-ap.de/def/dcatde/contributorID"), None)))
