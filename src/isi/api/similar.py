"""POST /similar: the existing measures most similar to a draft, with scores and reasons.

The body describes the draft: a title (or ``text``), optionally summary and goals, and the
catalogue links by key (target groups, areas, component, level, region code, owner). The answer
lists the best matches (``top``, at most 50) that the caller may see: public measures for
anonymous callers, what ``isi.core.permissions.visible_measures`` allows for signed-in ones.
Each item carries the combined score (0..1), the text part of it and the reasons.

While a worker builds its similarity index for the first time and the build takes long (large
databases), the answer is 503 with ``Retry-After`` (the estimated seconds left) instead of a
request that waits most of a minute; the build runs in the background meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, model_validator

from isi.api.auth import caller_of
from isi.api.errors import ApiError, english, tr
from isi.api.measures import _by_keys, _one
from isi.api.schemas import ErrorOut, InputSchema
from isi.catalog.models import Area, Component, Level, Region, TargetGroup
from isi.coordination.similar import MAX_TOP, IndexNotReady, similar_to_text
from isi.organisations.models import Organisation
from isi.similarity import Reason

router = Router(tags=["Ähnliche Maßnahmen"])

MAX_TEXT = 20_000


class SimilarIn(InputSchema):
    title: str = Field("", max_length=500, description="Titel der geplanten Maßnahme")
    text: str = Field("", max_length=MAX_TEXT, description="freier Text (statt oder zusätzlich zum Titel)")
    summary: str = Field("", max_length=MAX_TEXT)
    goals: str = Field("", max_length=MAX_TEXT)
    owner: str | None = Field(None, description="federführendes Ressort (Schlüssel)")
    target_groups: list[str] = Field(
        default_factory=list, max_length=50, description="Zielgruppen (Schlüssel)"
    )
    areas: list[str] = Field(default_factory=list, max_length=50, description="Bereiche (Schlüssel)")
    component: str | None = Field(None, description="Baustein (Schlüssel)")
    level: str | None = Field(None, description="Ebene (Schlüssel)")
    region: str | None = Field(None, description="Regionalschlüssel von Land oder Kommune")
    top: int = Field(10, ge=1, le=MAX_TOP, description=f"wie viele Treffer (1–{MAX_TOP})")

    @model_validator(mode="after")
    def _some_text(self) -> SimilarIn:
        if not (self.title.strip() or self.text.strip() or self.summary.strip() or self.goals.strip()):
            raise ValueError("Bitte einen Titel oder Text angeben.")
        return self


class ReasonOut(Schema):
    kind: str = Field(
        description="terms, word_parts, synonyms, target_groups, areas, component, level, region, owner"
    )
    values: list[str]
    label: str


class SimilarItemOut(Schema):
    id: int
    title: str
    owner: str
    score: float = Field(description="Ähnlichkeit 0..1 (Text und Kataloge)")
    text_score: float = Field(description="Ähnlichkeit der Texte allein, 0..1")
    close: bool = Field(description="sehr ähnlich: eine neue Maßnahme braucht eine Begründung (Regel 3)")
    reasons: list[ReasonOut]


class SimilarOut(Schema):
    items: list[SimilarItemOut]


# Reason labels for callers asking for English (Accept-Language: en); German comes from the engine.
ENGLISH_LABELS = {
    "terms": "shared words",
    "word_parts": "shared word parts",
    "synonyms": "shared words or synonyms",
    "target_groups": "shared target groups",
    "areas": "same area",
    "component": "same component",
    "level": "same level",
    "region": "same region",
    "owner": "same lead ministry",
}


def _label(reason: Reason) -> str:
    if english() and reason.kind in ENGLISH_LABELS:
        return f"{ENGLISH_LABELS[reason.kind]}: {', '.join(reason.values)}"
    return reason.label()


def _pk(obj: Any) -> int | None:
    return None if obj is None else int(obj.pk)


@router.post(
    "/similar",
    response={200: SimilarOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Ähnliche Maßnahmen zu einem Entwurf",
)
def similar(request: HttpRequest, payload: SimilarIn) -> dict[str, Any]:
    """The most similar existing measures the caller may see, best first, with reasons.

    503 with Retry-After while this server process prepares its similarity index (first use).
    """
    caller = caller_of(request)
    title = " ".join(part for part in (payload.title.strip(), payload.text.strip()) if part)
    try:
        results = similar_to_text(
            title=title,
            summary=payload.summary,
            goals=payload.goals,
            owner_id=_pk(_one(Organisation, payload.owner, "owner")),
            area_ids=[a.pk for a in _by_keys(Area, payload.areas, "areas")],
            target_group_ids=[g.pk for g in _by_keys(TargetGroup, payload.target_groups, "target_groups")],
            component_id=_pk(_one(Component, payload.component, "component")),
            level_id=_pk(_one(Level, payload.level, "level")),
            region_id=_pk(_one(Region, payload.region, "region", attr="code")),
            user=caller.user,
            public_only=caller.user is None,
            top=payload.top,
            wait=False,  # a long first build runs in the background: 503 meanwhile
        )
    except IndexNotReady as exc:
        raise ApiError(
            503,
            tr(
                "Die Ähnlichkeitsprüfung wird vorbereitet. Bitte in etwa "
                f"{exc.retry_after} Sekunden erneut versuchen (siehe Retry-After).",
                f"The similarity check is being prepared. Please try again in about {exc.retry_after} "
                "seconds (see Retry-After).",
            ),
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc
    return {"items": [r.as_json(_label) for r in results]}
