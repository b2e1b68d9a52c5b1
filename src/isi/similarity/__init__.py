"""German text similarity of measures (pure: numpy and scipy, no Django).

    from isi.similarity import Doc, SimilarityIndex

    index = SimilarityIndex.build(docs)
    index.query(Doc(id=0, title="Sprachkurs für Eltern"), top=10)   # → [Match(id, score, reasons)]
    index.all_pairs(top_k=10, min_score=0.25)                        # → [Pair(a, b, score, reasons)]

Modules: ``text`` (words → stems, stems → character grams), ``index`` (storage, weighting,
queries), ``allpairs`` (blocked all-pairs search), ``reasons`` (explanations), ``scoring`` (every
weight, in one place), ``model`` (the value types).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from isi.similarity.model import Doc, Match, Pair, Reason

if TYPE_CHECKING:
    from isi.similarity.index import SimilarityIndex

__all__ = ["Doc", "Match", "Pair", "Reason", "SimilarityIndex"]


def __getattr__(name: str) -> Any:
    """``SimilarityIndex`` on first use: numpy and scipy cost every process ~0.7 s to import,
    and most (the CLI, web workers until the first similarity query) never need them."""
    if name == "SimilarityIndex":
        from isi.similarity.index import SimilarityIndex

        return SimilarityIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
