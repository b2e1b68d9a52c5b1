"""Forms for monitoring: indicator definition, Open SDG upload, measure links, chart selection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.catalog.models import Area
from isi.monitoring.models import Indicator
from isi.monitoring.services import ImportMode

TEXT = {"class": "kern-form-input__input"}
AREA = {"class": "kern-form-input__input", "rows": 4}
SELECT = {"class": "kern-form-input__select"}
CHECK = {"class": "kern-form-check__checkbox"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class IndicatorForm(forms.ModelForm[Indicator]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = [
            "name",
            "name_en",
            "slug",
            "area",
            "description",
            "description_en",
            "unit",
            "unit_en",
            "decimals",
            "source",
            "source_url",
            "rhythm",
            "methodology",
            "methodology_en",
            "position",
            "is_illustrative",
            "published",
        ]
        widgets = {
            "name": forms.TextInput(attrs=TEXT),
            "name_en": forms.TextInput(attrs=TEXT),
            "slug": forms.TextInput(attrs=TEXT),
            "area": forms.Select(attrs=SELECT),
            "description": forms.Textarea(attrs=AREA),
            "description_en": forms.Textarea(attrs=AREA),
            "unit": forms.TextInput(attrs=TEXT),
            "unit_en": forms.TextInput(attrs=TEXT),
            "decimals": forms.NumberInput(attrs=TEXT),
            "source": forms.TextInput(attrs=TEXT),
            "source_url": forms.URLInput(attrs=TEXT),
            "rhythm": forms.Select(attrs=SELECT),
            "methodology": forms.Textarea(attrs=AREA),
            "methodology_en": forms.Textarea(attrs=AREA),
            "position": forms.NumberInput(attrs=TEXT),
            "is_illustrative": forms.CheckboxInput(attrs=CHECK),
            "published": forms.CheckboxInput(attrs=CHECK),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = Area.objects.all()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_decimals(self) -> int:
        decimals: int = self.cleaned_data["decimals"]
        if decimals > 6:
            raise forms.ValidationError(_("Höchstens 6 Nachkommastellen."))
        return decimals


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei im Open-SDG-Format"),
        help_text=_(
            "Spalten: Year, beliebige Aufschlüsselungen, optional GeoCode, Value. UTF-8, höchstens 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "kern-form-input__input", "accept": ".csv,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("Importart"),
        choices=ImportMode.choices,
        initial=ImportMode.MERGE,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        return upload


class LinkForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indikator"), queryset=Indicator.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(
        label=_("Wie die Maßnahme beitragen soll"),
        required=False,
        max_length=2000,
        help_text=_(
            "Ein, zwei Sätze: welche Entwicklung die Maßnahme unterstützen soll. Kein Wirkungsnachweis."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators if indicators is not None else Indicator.objects.all()


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Beitrag der Maßnahme"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )


class ChartForm(forms.Form):
    """The public selection: which region over time, broken down by which category."""

    gebiet = forms.ChoiceField(label=_("Gebiet"), required=False, widget=forms.Select(attrs=SELECT))
    aufschluesselung = forms.ChoiceField(
        label=_("Aufschlüsseln nach"), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], categories: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        gebiet = self.fields["gebiet"]
        assert isinstance(gebiet, forms.ChoiceField)
        gebiet.choices = regions
        aufschluesselung = self.fields["aufschluesselung"]
        assert isinstance(aufschluesselung, forms.ChoiceField)
        aufschluesselung.choices = [("", _("keine (nur insgesamt)")), *((c, c) for c in categories)]
