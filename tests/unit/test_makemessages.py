"""`isi makemessages` keeps the texts that live in data and fills their English from the data."""

from __future__ import annotations

import pytest

from isi.portal.management.commands.makemessages import data_texts, fill_from_data, po_string, po_unquote

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: finder/countries.py
msgid "Syrien"
msgstr ""

#: finder/data/eligibility.json
#, fuzzy
#| msgid "Berechtigt"
msgid "Berechtigt, weil "
msgstr "Eligible"

#: finder/data/eligibility.json
msgid "Kosten: "
msgstr "What it costs: "

#: templates/base.html
msgid "Impressum"
msgstr ""
"""


def test_data_texts_name_countries_and_rule_texts() -> None:
    texts = {t.de: t for t in data_texts()}
    assert texts["Syrien"].en == "Syria"
    assert texts["Berechtigt, weil "].reference == "finder/data/eligibility.json"
    assert "" not in texts


def test_empty_and_fuzzy_data_entries_get_the_english_of_the_data() -> None:
    english = {"Syrien": "Syria", "Berechtigt, weil ": "Eligible because ", "Kosten: ": "Cost: "}
    filled = fill_from_data(PO, english)
    assert 'msgid "Syrien"\nmsgstr "Syria"' in filled
    assert 'msgid "Berechtigt, weil "\nmsgstr "Eligible because "' in filled
    assert "fuzzy" not in filled and "#|" not in filled
    assert 'msgstr "What it costs: "' in filled  # a hand-made translation stays
    assert 'msgid "Impressum"\nmsgstr ""' in filled  # not a data text: left alone
    assert filled.endswith('msgstr ""\n')


@pytest.mark.parametrize("text", ['Ein „Zitat“ mit "Anführungszeichen"', "Zeile\nzwei", "Pfad C:\\isi"])
def test_po_strings_round_trip(text: str) -> None:
    assert po_unquote([f"msgid {po_string(text)}"]) == text
