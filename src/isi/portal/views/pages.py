"""Start page and the service pages every federal website has."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from isi.catalog.models import Phase, Theme
from isi.measures.models import Measure
from isi.measures.selectors import measures_with_details, public_measures
from isi.portal.forms import FeedbackForm

log = logging.getLogger(__name__)


@dataclass
class ThemeEntry:
    theme: Theme
    measures: list[Measure] = field(default_factory=list)


@dataclass
class PhaseEntry:
    phase: Phase
    themes: list[ThemeEntry]

    @property
    def count(self) -> int:
        return sum(len(entry.measures) for entry in self.themes)


@dataclass(frozen=True)
class SignLanguageVideo:
    url: str
    size_bytes: int
    seconds: int


def sign_language_video() -> SignLanguageVideo | None:
    """The operator's DGS video (BITV 2.0 § 4), if one is configured and present."""
    name = settings.ISI_DGS_VIDEO
    if not name:
        return None
    for folder in [
        settings.STATIC_ROOT,
        *[d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS],
    ]:
        path = Path(folder) / name
        if path.is_file():
            return SignLanguageVideo(
                settings.STATIC_URL + name, path.stat().st_size, settings.ISI_DGS_VIDEO_SECONDS
            )
    return None


def home(request: HttpRequest) -> HttpResponse:
    measures = measures_with_details(public_measures().filter(nap_i_theme__isnull=False))
    by_theme: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        if measure.nap_i_theme_id is not None:
            by_theme[measure.nap_i_theme_id].append(measure)
    themes_by_phase: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.select_related("phase").prefetch_related("lead_links__organisation"):
        themes_by_phase[theme.phase_id].append(theme)
    phases = [
        PhaseEntry(
            phase, [ThemeEntry(theme, by_theme.get(theme.pk, [])) for theme in themes_by_phase[phase.pk]]
        )
        for phase in Phase.objects.all()
    ]
    context = {
        "phases": phases,
        "total": sum(len(v) for v in by_theme.values()),
        "all_public": public_measures().count(),
        "dgs_video": sign_language_video(),
    }
    return render(request, "portal/home.html", context)


def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/open_data.html", {"count": public_measures().count()})


def easy_language(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/easy_language.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html", {"dgs_video": sign_language_video()})


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/imprint.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


def feedback(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("seite", "")
    if not url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        page = ""
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            if not form.is_spam():
                item = form.save()
                try:
                    send_mail(
                        subject=f"[ISI] {item.get_kind_display()}",
                        message=f"Seite: {item.page}\nE-Mail: {item.email or '–'}\n\n{item.message}",
                        from_email=None,
                        recipient_list=[settings.ISI_FEEDBACK_EMAIL],
                    )
                except Exception:  # the message is saved and listed for the team; mail is a courtesy
                    log.warning("feedback %s saved, but the notification mail failed", item.pk, exc_info=True)
            messages.success(request, _("Vielen Dank! Ihre Nachricht ist angekommen."))
            return redirect("portal:feedback")
    else:
        form = FeedbackForm(initial={"page": page})
    return render(request, "portal/feedback.html", {"form": form})
