"""The search document: one row per measure with its stemmed text (see `isi.search.selectors`).

The table is written only by `isi.search.indexing`. Everything vendor-specific that hangs on it is
created by migration 0002: on SQLite an FTS5 table (`search_fts`, trigram tokenizer) kept in step
by triggers; on PostgreSQL the `pg_trgm` extension and GIN indexes.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Lookup
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _


class TsVectorField(models.Field[Any, Any]):
    """A PostgreSQL `tsvector`; on other databases an unused nullable text column.

    Filled by the indexer with `setweight(to_tsvector('german', …))`, never from Python values.
    """

    description = "PostgreSQL tsvector (text elsewhere)"

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchDocument(models.Model):
    measure = models.OneToOneField(
        "measures.Measure",
        verbose_name=_("Maßnahme"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    # Stems (isi.search.text.stemmed_text), space separated and space padded, one column per
    # weight: title > summary > body (goals, theme, component, areas, target groups) > orgs.
    title = models.TextField(_("Titel (Wortstämme)"))
    summary = models.TextField(_("Kurzbeschreibung (Wortstämme)"), default="", blank=True)
    body = models.TextField(_("Text (Wortstämme)"))
    orgs = models.TextField(_("Organisationen (Wortstämme)"), default="", blank=True)
    # Exact keys, not stemmed: " napi_1_4_1 org_bamf org_bmi " (isi.search.text).
    keys = models.TextField(_("Schlüssel"), default="", blank=True)
    # PostgreSQL only: title (A), summary (B), body (C), orgs (D) in the `german` configuration.
    vector = TsVectorField(null=True, blank=True, editable=False)
    # The measure's updated_at when this document was built: `isi search_index` finds stale ones.
    source_updated_at = models.DateTimeField(_("Stand der Maßnahme"), null=True, blank=True)

    class Meta:
        verbose_name = _("Suchdokument")
        verbose_name_plural = _("Suchdokumente")

    def __str__(self) -> str:
        return f"Suchdokument {self.measure_id}"


class FtsMatchField(models.TextField[Any, Any]):
    """The hidden column of an FTS5 table that carries the table's name; `match` is its lookup."""


@FtsMatchField.register_lookup
class FtsMatch(Lookup[Any]):
    lookup_name = "match"

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


class FtsEntry(models.Model):
    """SQLite only: the FTS5 table `search_fts` (created by migration 0002), for ORM joins.

    `Measure.objects.filter(fts_entry__document__match=expr).order_by("fts_entry__rank")` joins it on
    rowid = measure id; `rank` is FTS5's configured bm25 (column weights in isi.search.schema).
    """

    measure = models.OneToOneField(
        "measures.Measure",
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fts_entry",
    )
    document = FtsMatchField(db_column="search_fts")
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"FTS {self.pk}"
