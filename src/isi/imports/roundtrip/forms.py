"""The upload form: one file; its checks live in `uploads` (hostile until proven otherwise)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from isi.imports.roundtrip.uploads import UploadRejected, max_bytes, scan_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bearbeitete Datei (XLSX oder CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "kern-form-input__input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max(1, max_bytes() // (1024 * 1024))
        self.fields["file"].help_text = _(
            "Höchstens %(mb)s MB; Excel-Arbeitsmappe (.xlsx) oder CSV-Datei (UTF-8 oder Windows-1252)."
        ) % {"mb": megabytes}

    kind: str = ""
    rows: int = 0
    content: bytes = b""
    rejection: UploadRejected | None = None

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > max_bytes():
            self.rejection = UploadRejected(
                "too_large", f"Die Datei ist zu groß (höchstens {max_bytes() // (1024 * 1024)} MB)."
            )
            raise forms.ValidationError(self.rejection.message)
        data = upload.read(max_bytes() + 1)
        try:
            inspection = scan_upload(upload.name or "", data)
        except UploadRejected as exc:
            self.rejection = exc
            raise forms.ValidationError(exc.message) from exc
        self.kind = inspection.kind
        self.rows = inspection.rows
        self.content = data
        return upload
