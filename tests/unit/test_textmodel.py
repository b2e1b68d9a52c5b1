"""ISI's one German text model (isi.textmodel), shared by the search and the similarity engine."""

from __future__ import annotations

import ast
from pathlib import Path

import isi.search.text as search_text
import isi.similarity.text as similarity_text
import isi.textmodel as textmodel
from isi.textmodel import decompound, query_alternatives, stem

PACKAGE = Path(textmodel.__file__).parent


def test_the_text_model_is_pure_and_imports_no_app() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(("isi", "django")), f"{path.name} imports {name}"


def test_search_and_similarity_share_stems_stop_words_and_synonyms() -> None:
    assert search_text.stem is textmodel.stem is similarity_text.stem
    assert search_text.STOPWORDS is textmodel.STOPWORDS is similarity_text.STOPWORDS
    assert similarity_text.SYNONYMS_PATH == textmodel.SYNONYMS_PATH
    # The similarity engine folds a group into one feature; the search expands to its members.
    assert similarity_text.analyse("Geflüchtete") == similarity_text.analyse("Flüchtlinge")
    assert "geflucht" in query_alternatives(stem("Flüchtlinge"))


def test_compounds_split_into_known_modifier_and_head() -> None:
    assert decompound(stem("Deutschkurs")) == ("deutsch", "kur")
    assert decompound(stem("Integrationskurs")) == ("integration", "kur")  # linking s dropped
    assert decompound(stem("Frauen")) is None
    assert decompound(stem("Kursleitung")) is None  # a head at the front is no split


def test_deutschkurs_reaches_the_language_courses() -> None:
    alternatives = query_alternatives(stem("Deutschkurs"))
    assert alternatives[0] == "deutschkur"
    assert {"sprachkur", "integrationskur", "berufssprachkur"} <= set(alternatives)
    assert len(alternatives) <= textmodel.MAX_ALTERNATIVES
    assert query_alternatives(stem("Begegnung")) == (stem("Begegnung"),)


def test_trigram_vocabulary_respells_unknown_words_only() -> None:
    from isi.search.suggest import Vocabulary

    words = Vocabulary.build(["Einführung eines Kurses im Rahmen des Integrationskurses", "Sprachkurse"])
    assert words.closest("Integratoinskurs") == "Integrationskurs"  # from the text model's tables
    assert words.closest("Sprachkurz") in {"Sprachkurse", "Sprachkurs"}
    assert words.closest("Xylophon") is None
    assert words.knows("Integrationskurse") and words.knows("sprachkurs")
