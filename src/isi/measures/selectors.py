"""Reads of measures. One place decides what is prefetched, so pages, exports and API agree."""

from __future__ import annotations

from django.db.models import Prefetch
from django.db.models.expressions import RawSQL

from isi.core.models import ChangeRecord
from isi.measures.models import Measure, MeasureOrganisation, MeasureQuerySet

# Change records name their object by label; a measure's are "measures.measure".
MEASURE_RECORDS = Measure._meta.label_lower
# The newest change record that is not a measure's (a catalogue entry, an organisation, a NAP-I
# theme and its leads …): everything a measure's rendering shows besides its own fields, whose
# changes its `version` counts. Served by the partial index of migration 0008 (the constant
# in the text, not a parameter: SQLite uses a partial index only for a literal match).
OTHER_CHANGES_SQL = (
    f"SELECT id FROM {ChangeRecord._meta.db_table} "  # noqa: S608 - constant names
    f"WHERE object_type <> '{MEASURE_RECORDS}' ORDER BY id DESC LIMIT 1"
)


def measures_with_details(queryset: MeasureQuerySet | None = None) -> MeasureQuerySet:
    """Measures with everything an export or detail page shows, in a fixed number of queries."""
    base = queryset if queryset is not None else Measure.objects.all()
    return base.select_related(
        "owner", "level", "region", "component", "nap_i_theme__phase", "evaluation"
    ).prefetch_related(
        Prefetch(
            "organisation_links",
            queryset=MeasureOrganisation.objects.select_related("organisation").order_by("position", "pk"),
        ),
        "areas",
        "target_groups",
        "funding_programmes",
    )


def public_measures() -> MeasureQuerySet:
    """Rule 10: what anyone may see."""
    return Measure.objects.public()


def newest_other_change() -> RawSQL:
    """The id of the newest change record that is not a measure's, as an expression to annotate
    (NULL when there is none).

    With a measure's version it decides whether a kept rendering of the measure is still right,
    in every process and on every host alike: an edit of one measure leaves the renderings of
    all others valid, a renamed organisation or catalogue entry ends all of them.
    """
    return RawSQL(f"({OTHER_CHANGES_SQL})", ())  # noqa: S611 - a constant statement
