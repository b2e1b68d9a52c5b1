"""German text similarity of measures (pure: numpy and scipy, no Django).

    from isi.similarity import Doc, SimilarityIndex

    index = SimilarityIndex.build(docs)
    index.query(Doc(id=0, title="Sprachkurs für Eltern"), top=10)   # → [Match(id, score, reasons)]
    index.all_pairs(top_k=10, min_score=0.25)                        # → [Pair(a, b, score, reasons)]

Modules: ``text`` (words → stems, stems → character grams), ``index`` (storage, weighting,
queries), ``allpairs`` (blocked all-pairs search), ``reasons`` (explanations), ``scoring`` (every
weight, in one place), ``model`` (the value types).
"""

from isi.similarity.index import SimilarityIndex
from isi.similarity.model import Doc, Match, Pair, Reason

__all__ = ["Doc", "Match", "Pair", "Reason", "SimilarityIndex"]
