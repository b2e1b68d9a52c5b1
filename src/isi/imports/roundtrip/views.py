"""Excel/CSV round-trip for the ministries: download, upload, preview, apply. Thin views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isi.accounts.models import User
from isi.core.audit import audit, log_denied
from isi.imports.models import UploadJob
from isi.imports.roundtrip import permissions, services, tasks
from isi.imports.roundtrip.csvio import measures_csv
from isi.imports.roundtrip.forms import UploadForm
from isi.imports.roundtrip.xlsx import measures_workbook

View = Callable[..., HttpResponse]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roundtrip_user(view: View) -> View:
    """Signed in and allowed to change measures; everyone else is refused and logged."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_use_roundtrip(request.user):
            log_denied(request, "roundtrip")
            return HttpResponseForbidden(
                "Der Excel-Abgleich steht nur Personen offen, die Maßnahmen ändern dürfen."
            )
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by @roundtrip_user
    return user


def _measures(request: HttpRequest) -> Any:
    return (
        permissions.roundtrip_measures(request.user)
        .select_related("component")
        .prefetch_related("areas", "target_groups", "funding_programmes")
    )


def _filename(extension: str) -> str:
    return f"isi-massnahmen-{timezone.localdate().isoformat()}.{extension}"


def _index(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    user = _user(request)
    # Only what the list shows: never the stored files or their previews.
    jobs = UploadJob.objects.filter(user=user).only("token", "filename", "created_at", "state")[:10]
    count = permissions.roundtrip_measures(request.user).count()
    return render(
        request, "roundtrip/index.html", {"form": form, "jobs": jobs, "count": count}, status=status
    )


@require_GET
@roundtrip_user
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, UploadForm())


@require_GET
@roundtrip_user
def download_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(measures_workbook(_measures(request)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@require_GET
@roundtrip_user
def download_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(measures_csv(_measures(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_POST
@roundtrip_user
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        reason = form.rejection.reason if form.rejection is not None else "invalid_form"
        log_denied(request, f"roundtrip-upload reason={reason}")
        return _index(request, form, status=400)
    services.purge_old_jobs()
    uploaded = form.cleaned_data["file"]
    raw_name = str(getattr(uploaded, "name", "") or "")
    job = UploadJob.objects.create(
        user=_user(request),
        # Only shown to the uploader; never used as a path.
        filename=raw_name.replace("/", "_").replace("\\", "_")[:200],
        kind=form.kind,
        content=form.content,
        size=len(form.content),
    )
    audit.info(
        "event=roundtrip_upload user=%s#%s job=%s kind=%s size=%d",
        request.user.get_username(),
        request.user.pk,
        job.token,
        job.kind,
        job.size,
    )
    # The upload check counted the rows while streaming the file; large files are read and
    # validated only in the background job, small ones (bounded by that count) right here.
    if form.rows > services.background_threshold():
        job.total_rows = form.rows
        job.save(update_fields=["total_rows"])
        tasks.validate_upload.enqueue(job.pk)
    else:
        services.validate_job(job)
    return redirect("roundtrip:job", token=job.token)


def _job(request: HttpRequest, token: uuid.UUID, *, deferred: tuple[str, ...] = ()) -> UploadJob:
    job = UploadJob.objects.select_related("user").defer(*deferred).filter(token=token).first()
    if job is None or not permissions.can_view_job(request.user, job):
        if job is not None:
            log_denied(request, f"roundtrip-job {token}")
        raise Http404("Diesen Vorgang gibt es nicht.")
    return job


def page_size() -> int:
    return int(getattr(settings, "ISI_ROUNDTRIP_PAGE_SIZE", 50))


def _page(request: HttpRequest, items: list[Any], parameter: str, size: int) -> Page[Any]:
    return Paginator(items, size).get_page(request.GET.get(parameter))


def _job_page(request: HttpRequest, job: UploadJob, status: int = 200) -> HttpResponse:
    """The preview in pages: errors and changed rows each `page_size()` at a time."""
    preview = job.preview or {}
    rows = preview.get("rows", [])
    errors = list(preview.get("file_errors", [])) + [e for row in rows for e in row.get("errors", [])]
    changed = [row for row in rows if row.get("changes")]
    size = page_size()
    context = {
        "job": job,
        "preview": preview,
        "errors": _page(request, errors, "fehler", size * 2),
        "changed": _page(request, changed, "seite", size),
    }
    return render(request, "roundtrip/job.html", context, status=status)


@require_GET
@roundtrip_user
def job_detail(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    if request.headers.get("HX-Request"):
        job = _job(request, token, deferred=("content", "preview"))
        if job.is_running:
            return render(request, "roundtrip/_progress.html", {"job": job})
        # Finished: tell htmx to load the whole page (preview or result).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _job_page(request, _job(request, token, deferred=("content",)))


@require_http_methods(["POST"])
@roundtrip_user
def job_apply(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    job = _job(request, token)
    # Compare-and-set: a second click (or a second tab) cannot apply the same upload twice.
    claimed = UploadJob.objects.filter(pk=job.pk, state=UploadJob.State.READY).update(
        state=UploadJob.State.APPLYING, processed_rows=0, updated_at=timezone.now()
    )
    if claimed != 1:
        return _job_page(request, job, status=409)
    job.state = UploadJob.State.APPLYING
    if job.total_rows > services.background_threshold():
        tasks.apply_upload.enqueue(job.pk)
    else:
        services.run_apply(job)
    return redirect("roundtrip:job", token=job.token)
