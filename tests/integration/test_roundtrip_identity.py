"""Uploading an unchanged download changes nothing, whatever the texts hold (issue #12, point 5).

The real round-trip downloads (XLSX and CSV) of measures whose text fields start with formula
triggers, blanks, quotes and line breaks are uploaded again untouched: the preview must propose
no change at all.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from isi.accounts.models import User
from isi.catalog.models import Level
from isi.imports.models import UploadJob
from isi.imports.roundtrip.columns import COLUMNS, TEXT
from isi.measures.models import Measure
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db

NASTY = [
    "\r=1+1",
    "\r\n=SUMME(A1)",
    "   =1+1",
    " +1+1",
    '"=1',
    "\t@SUM(1)",
    "-",
    "'=1",
    "''=1",
    " '=1",
    '=HYPERLINK("http://evil.example")',
    "\n=1",
    "\u00a0=1",
    "＝1",
    "'Zitat'",
    "  Leerzeichen  ",
    "Zeile 1\r\nZeile 2\rZeile 3",
    "\r",
]
TEXT_FIELDS = [column.field for column in COLUMNS if column.kind == TEXT]


@pytest.fixture
def desk_officer() -> Client:
    bmi = Organisation.objects.get(key="bmi")
    user = User.objects.create_user(username="bmi", password="x", role="desk_officer", organisation=bmi)
    level = Level.objects.get(key="bund")
    texts = itertools.cycle(NASTY)
    for _ in range(len(NASTY)):
        fields = {name: next(texts) for name in TEXT_FIELDS}
        fields["title"] = "Titel " + fields["title"]  # the title is required: never blank
        Measure.objects.create(owner=bmi, level=level, **fields)
        next(texts)  # shift, so that every field meets every text
    client = Client()
    client.force_login(user)
    return client


def upload_unchanged(client: Client, name: str, url: str) -> dict[str, Any]:
    download = client.get(reverse(url))
    assert download.status_code == 200
    response = client.post(reverse("roundtrip:upload"), {"file": SimpleUploadedFile(name, download.content)})
    assert response.status_code == 302
    job = UploadJob.objects.order_by("-pk").first()
    assert job is not None
    preview: dict[str, Any] = job.preview
    return preview


@pytest.mark.parametrize(
    ("name", "url"), [("x.xlsx", "roundtrip:download_xlsx"), ("x.csv", "roundtrip:download_csv")]
)
def test_unchanged_download_proposes_no_change(desk_officer: Client, name: str, url: str) -> None:
    preview = upload_unchanged(desk_officer, name, url)
    assert preview["change_count"] == 0, preview["rows"]
    assert preview["error_count"] == 0, preview["rows"]
