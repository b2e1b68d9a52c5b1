"""What counts as a material change of a measure for overlap review. Pure: no Django, no database.

When coordination decides a candidate pair, the content of both measures is captured as a
fingerprint. A later run reopens a decided pair only when one of the two measures changed
materially since: its catalogue assignments (areas, target groups, component) differ, or its text
(title, summary, goals) shares less than ``TEXT_JACCARD_THRESHOLD`` of its word set with the text
at decision time. Typos, reworded sentences and a new date do not bring a dismissed pair back.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

TEXT_JACCARD_THRESHOLD = 0.8
MIN_TOKEN_LENGTH = 3

Fingerprint = dict[str, Any]

_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Lower case, Unicode NFC, ß kept (German), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def tokens(*texts: str) -> frozenset[str]:
    """The set of words (3+ letters, no bare numbers) of the given texts."""
    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(normalise_text(text)):
            if len(word) >= MIN_TOKEN_LENGTH and not word.isdigit():
                words.add(word)
    return frozenset(words)


def jaccard(left: Iterable[str], right: Iterable[str]) -> float:
    a, b = set(left), set(right)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def fingerprint(
    *,
    title: str,
    summary: str = "",
    goals: str = "",
    target_groups: Iterable[str] = (),
    areas: Iterable[str] = (),
    component: str | None = None,
) -> Fingerprint:
    """A JSON-serialisable snapshot of what matters for overlaps (catalogue keys, text words)."""
    words = sorted(tokens(title, summary, goals))
    data: Fingerprint = {
        "words": words,
        "target_groups": sorted(set(target_groups)),
        "areas": sorted(set(areas)),
        "component": component or "",
    }
    data["hash"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    return data


def changed_materially(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    threshold: float = TEXT_JACCARD_THRESHOLD,
) -> bool:
    """True when `after` differs materially from `before` (see the module docstring).

    A missing `before` (decided before fingerprints existed) counts as unchanged: a decision is
    never thrown away for lack of evidence.
    """
    if not before:
        return False
    if before.get("hash") and before.get("hash") == after.get("hash"):
        return False
    for key in ("target_groups", "areas"):
        if sorted(before.get(key) or []) != sorted(after.get(key) or []):
            return True
    if (before.get("component") or "") != (after.get("component") or ""):
        return True
    return jaccard(before.get("words") or [], after.get("words") or []) < threshold
