"""How the parts of a similarity are weighed: the one place for every weight of the engine.

Text score (0..1)
    ``WORD_SHARE`` × cosine of the word vectors (sublinear tf × smooth idf of the stems)
    + ``GRAM_SHARE`` × cosine of the character-gram vectors (grams of the stems, so compounds
    meet their parts). Both blocks are L2-normalised and scaled by the square roots of their
    shares, so one dot product of the stacked vectors gives the blend.

Combined score (0..1)
    A weighted mean of the text score and the structured similarities, counting a structured
    kind only when both sides have a value for it (a draft without target groups is neither
    helped nor hurt by them)::

        score = (TEXT_WEIGHT × text + Σ w_k × sim_k) / (TEXT_WEIGHT + Σ w_k)   over kinds k both have

    sim_k is the Jaccard overlap for sets (target groups, areas) and 1/0 for equal/different
    single values (component, level, region). With only text, score = text.
"""

from __future__ import annotations

import math

WORD_SHARE = 0.6
GRAM_SHARE = 0.4
WORD_SCALE = math.sqrt(WORD_SHARE)
GRAM_SCALE = math.sqrt(GRAM_SHARE)

TEXT_WEIGHT = 0.7
STRUCTURE_WEIGHTS: dict[str, float] = {
    "target_groups": 0.10,
    "areas": 0.08,
    "component": 0.06,
    "level": 0.03,
    "region": 0.03,
}
SET_KINDS = ("target_groups", "areas")
VALUE_KINDS = ("component", "level", "region")

# How many shared terms a reason names at most.
MAX_REASON_TERMS = 6
