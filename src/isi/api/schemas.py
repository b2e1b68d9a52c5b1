"""Request and response shapes of the API (they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

StatusValue = Literal["unknown", "planned", "running", "completed", "discontinued"]
PublicationValue = Literal["draft", "released"]
OfferTypeValue = Literal["", "component", "complementary", "pre_integration"]
ScaleDecisionValue = Literal["", "scale", "transfer", "scale_and_transfer", "end"]
OrganisationRoleValue = Literal["responsible", "implementing", "funder", "partner"]
EvaluationStateValue = Literal["planned", "running", "done", "not_proportionate"]
SortValue = Literal["relevance", "title", "-updated", "nap_i"]


# --- errors ---------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str = Field(description="Feld der Maßnahme (oder '__all__'), an dem der Fehler hängt")
    rule: str = Field(description="Regel, z. B. 'R0-title-required' oder 'schema-missing'")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


class ChangeOut(Schema):
    at: datetime
    action: str
    fields: list[str] = Field(description="Geänderte Felder")
    after: dict[str, Any] = Field(description="Neue Werte der geänderten Felder")


class ConflictOut(Schema):
    detail: str
    current_version: int
    your_version: int
    changes: list[ChangeOut] = Field(
        description="Was andere seit Ihrer Version geändert haben, neueste zuerst"
    )


# --- measures -------------------------------------------------------------------------------


class OrganisationRoleOut(Schema):
    name: str
    role: str


class NapIPlaceOut(Schema):
    phase: int
    theme: int = Field(description="Position des Themenforums in seiner Phase (ab 1)")
    number: int | None = Field(description="Nummer der Maßnahme im Themenforum")


class RegionRefOut(Schema):
    code: str
    name: str


class CatalogValueOut(Schema):
    key: str
    name: str
    suggested: bool = Field(
        description="true: automatisch zugeordnet (Stichwortregel beim Import), von niemandem geprüft"
    )


class ContactOut(Schema):
    name: str | None
    email: str | None
    phone: str | None


class MeasureOut(Schema):
    """A measure as in `isi export json`, plus the catalogue keys PATCH and POST use."""

    id: int
    title: str
    owner: str
    owner_key: str
    organisations: list[OrganisationRoleOut]
    nap_i: NapIPlaceOut | None
    nap_i_theme_title: str | None
    funding_note: str | None
    areas: list[str]
    area_keys: list[str]
    target_groups: list[str]
    target_group_keys: list[str]
    level: str
    level_key: str
    status: str
    public: bool
    publication: str
    version: int = Field(description="Für PATCH mitzusenden (optimistisches Sperren)")
    summary: str
    goals: str
    legal_basis: str
    region: RegionRefOut | None
    offer_type: str | None
    component: str | None
    component_key: str | None
    complementary_need: str | None
    funding_programmes: list[str]
    funding_programme_keys: list[str]
    start_date: date | None
    end_date: date | None
    updated_at: datetime
    area_details: list[CatalogValueOut] = Field(
        default_factory=list, description="Bereiche mit Kennzeichnung automatischer Zuordnung"
    )
    target_group_details: list[CatalogValueOut] = Field(
        default_factory=list, description="Zielgruppen mit Kennzeichnung automatischer Zuordnung"
    )
    component_detail: CatalogValueOut | None = None
    offer_type_suggested: bool = Field(
        False, description="true: die Einordnung ist automatisch zugeordnet und ungeprüft"
    )
    unconfirmed_fields: list[str] = Field(
        default_factory=list,
        description="Felder, deren Werte automatisch zugeordnet und noch von niemandem geprüft sind",
    )
    url: str | None = Field(None, description="Internetseite des Angebots")
    contact: ContactOut | None = None
    last_reviewed_at: datetime | None = Field(
        None, description="Zuletzt von der zuständigen Stelle geprüft (nicht das Importdatum)"
    )
    # Internal: only for signed-in callers (absent for anonymous ones).
    owner_basis: str | None = None
    owner_explanation: str | None = None
    suggested_fields: list[str] | None = None
    source_key: str | None = None
    regular_system_reason: str | None = None
    status_independence_reason: str | None = None
    similar_measures_reason: str | None = None
    imposes_obligation: bool | None = None
    obligation_control: str | None = None
    obligation_sanction: str | None = None
    is_model_project: bool | None = None
    test_phase_start: date | None = None
    test_phase_end: date | None = None
    scale_decision: str | None = None
    budget_eur: Decimal | None = None


class MeasureWriteOut(MeasureOut):
    warnings: list[FieldErrorOut] = Field(
        default_factory=list, description="Regelverstöße, die das Speichern nicht verhindert haben"
    )


class PendingRevisionOut(Schema):
    """A change that waits for the owning side's release (HTTP 202): the measure is unchanged."""

    detail: str
    revision_id: int = Field(description="Nummer des Änderungsvorschlags")
    measure_id: int
    base_version: int = Field(description="Version, auf der der Vorschlag beruht (die Maßnahme bleibt so)")
    state: str = Field(description="'pending' (wartet auf Freigabe), 'released' oder 'rejected'")
    before: dict[str, Any] = Field(description="Bisherige Werte der vorgeschlagenen Felder")
    proposed: dict[str, Any] = Field(description="Vorgeschlagene Werte")
    warnings: list[FieldErrorOut] = Field(
        default_factory=list, description="Regelverstöße, die den Vorschlag nicht verhindert haben"
    )


class MeasureListOut(Schema):
    items: list[MeasureOut]
    count: int
    limit: int
    offset: int


class MeasureListParams(Schema):
    q: str = Field("", description="Suchtext")
    area: list[str] = Field(default_factory=list, description="Bereich (Schlüssel), mehrfach möglich")
    target_group: list[str] = Field(default_factory=list, description="Zielgruppe (Schlüssel)")
    basic_offer: list[str] = Field(default_factory=list, description="Grundangebot (Schlüssel)")
    level: list[str] = Field(default_factory=list, description="Ebene: bund, land, kommune")
    land: list[str] = Field(default_factory=list, description="Land (zweistelliger Regionalschlüssel)")
    owner: list[str] = Field(default_factory=list, description="federführendes Ressort (Schlüssel)")
    phase: list[str] = Field(default_factory=list, description="NAP-I-Phase (1–5)")
    theme: list[str] = Field(default_factory=list, description="NAP-I-Themenforum als 'Phase.Position'")
    status: list[str] = Field(default_factory=list, description="Status")
    sort: SortValue = "relevance"
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL (\\x00) ist in Texten nicht erlaubt")
    if isinstance(value, list):
        for item in value:
            _refuse_nul(item)
    return value


class InputSchema(Schema):
    """Request bodies: unknown fields are refused, NUL characters too (PostgreSQL cannot store them)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _refuse_nul(value)


class OrganisationRoleIn(InputSchema):
    organisation: str = Field(description="Schlüssel der Organisation")
    role: OrganisationRoleValue


class EvaluationIn(InputSchema):
    state: EvaluationStateValue
    method: str = ""
    effort_note: str = ""
    due_date: date | None = None


# Fields that cannot be emptied with null (text: send "", lists: send []).
NOT_NULL = (
    "title",
    "summary",
    "goals",
    "status",
    "level",
    "areas",
    "target_groups",
    "funding_programmes",
    "organisations",
    "publication",
    "legal_basis",
    "funding_note",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "offer_type",
    "complementary_need",
    "regular_system_reason",
    "status_independence_reason",
    "similar_measures_reason",
    "imposes_obligation",
    "obligation_control",
    "obligation_sanction",
    "is_model_project",
    "scale_decision",
)


def _not_nullable_in_schema(schema: dict[str, Any], cls: type) -> None:
    """The OpenAPI of the NOT_NULL fields: optional, but not nullable (the server refuses null)."""
    properties = schema.get("properties", {})
    for name in NOT_NULL:
        prop = properties.get(name)
        if not isinstance(prop, dict):
            continue
        options = prop.get("anyOf")
        if isinstance(options, list):
            kept = [option for option in options if option.get("type") != "null"]
            if len(kept) == 1:
                del prop["anyOf"]
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class MeasureFieldsIn(InputSchema):
    """The fields a caller may set. Absent fields stay as they are (PATCH) or get defaults (POST).

    Only the fields marked "null: leeren" accept null; for the others null is refused (send ""
    to empty a text).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_nullable_in_schema)

    title: str | None = Field(None, max_length=500)
    summary: str | None = None
    goals: str | None = None
    status: StatusValue | None = None
    start_date: date | None = Field(None, description="null: leeren")
    end_date: date | None = Field(None, description="null: leeren")
    level: str | None = Field(None, description="Ebene (Schlüssel)")
    region: str | None = Field(None, description="Regionalschlüssel von Land oder Kommune; null: leeren")
    areas: list[str] | None = Field(None, description="Bereiche (Schlüssel)")
    target_groups: list[str] | None = Field(None, description="Zielgruppen (Schlüssel)")
    funding_programmes: list[str] | None = Field(None, description="Förderprogramme (Schlüssel)")
    organisations: list[OrganisationRoleIn] | None = Field(None, description="Beteiligte Organisationen")
    publication: PublicationValue | None = None
    legal_basis: str | None = None
    funding_note: str | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254, description='E-Mail-Adresse; "": leeren')
    contact_phone: str | None = Field(None, max_length=40)
    url: str | None = Field(None, max_length=500, description='http(s)-Adresse; "": leeren')
    budget_eur: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="null: leeren"
    )
    offer_type: OfferTypeValue | None = None
    component: str | None = Field(None, description="Baustein (Schlüssel); null: leeren")
    complementary_need: str | None = None
    regular_system_reason: str | None = None
    status_independence_reason: str | None = None
    similar_measures_reason: str | None = None
    imposes_obligation: bool | None = None
    obligation_control: str | None = None
    obligation_sanction: str | None = None
    is_model_project: bool | None = None
    test_phase_start: date | None = Field(None, description="null: leeren")
    test_phase_end: date | None = Field(None, description="null: leeren")
    scale_decision: ScaleDecisionValue | None = None

    @field_validator(*NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError('null ist hier nicht erlaubt (für leeren Text bitte "" senden)')
        return value


class MeasurePatchIn(MeasureFieldsIn):
    version: int = Field(ge=1, le=2_147_483_647, description="Die Version, die Sie bearbeitet haben")


class MeasureCreateIn(MeasureFieldsIn):
    title: str = Field(min_length=1, max_length=500)
    owner: str = Field(description="Schlüssel des federführenden Ressorts, z. B. 'bmi'")
    level: str = Field("bund", description="Ebene (Schlüssel)")
    evaluation: EvaluationIn | None = Field(None, description="Erfolgskontrolle (Regel 7)")


# --- catalogues, themes, organisations --------------------------------------------------------


class CatalogEntryOut(Schema):
    key: str
    name: str
    name_en: str
    description: str


class BasicOfferOut(CatalogEntryOut):
    components: list[CatalogEntryOut]


class TargetGroupOut(CatalogEntryOut):
    kind: str


class FundingProgrammeOut(CatalogEntryOut):
    is_eu: bool


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    land: str | None


class CataloguesOut(Schema):
    areas: list[CatalogEntryOut]
    basic_offers: list[BasicOfferOut]
    target_groups: list[TargetGroupOut]
    levels: list[CatalogEntryOut]
    funding_programmes: list[FundingProgrammeOut]
    regions: list[RegionOut]


class OrganisationRefOut(Schema):
    key: str
    name: str


class ThemeOut(Schema):
    number: str = Field(description="'Phase.Position', z. B. '2.3'")
    position: int
    title: str
    title_en: str
    leads: list[OrganisationRefOut]


class PhaseOut(Schema):
    number: int
    roman: str
    title: str
    title_en: str
    themes: list[ThemeOut]


class ThemesOut(Schema):
    phases: list[PhaseOut]


class OrganisationOut(Schema):
    key: str
    name: str
    short_name: str
    kind: str
    is_ressort: bool
    parent: str | None = Field(description="Schlüssel der übergeordneten Organisation")
    region_code: str
    dissolved_on: date | None
    is_group: bool = Field(
        False, description="Sammelbezeichnung wie „Kommunen“ oder „Museen“, keine einzelne Organisation"
    )


class SuccessionOut(Schema):
    organisation: OrganisationRefOut
    effective_on: date


class OrganisationDetailOut(OrganisationOut):
    aliases: list[str]
    children: list[OrganisationRefOut]
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]
    owned_measures: int = Field(
        description="Zahl der Maßnahmen, die Sie sehen dürfen und die sie verantwortet"
    )


class OrganisationListOut(Schema):
    items: list[OrganisationOut]
    count: int


class ApiIndexOut(Schema):
    name: str
    version: str
    openapi: str
    docs: str
