"""The CSRF failure view: a form's input is kept as a draft, anything else gets the friendly 403.

A form sent from a tab whose CSRF token went stale (the person signed in again in another tab,
or the session ran out) fails Django's check. For a form view that keeps drafts
(``isi.core.drafts.keeps_drafts``) the input is stored and the person comes back to the filled
form (through the sign-in page if needed); otherwise the 403 page in the KERN layout explains
what happened (``isi.operations.views.csrf_failure``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from isi.core.drafts import redirect_to_draft, save_draft, view_keeps_drafts
from isi.operations import views as operations_views


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.method == "POST":
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and view_keeps_drafts(match.func):
            draft = save_draft(request)
            if draft is not None:
                messages.info(
                    request,
                    _(
                        "Das Formular war abgelaufen und wurde nicht gespeichert. Ihre Eingaben "
                        "sind aufbewahrt."
                    ),
                )
                return redirect_to_draft(request, draft)
    return operations_views.csrf_failure(request, reason)
