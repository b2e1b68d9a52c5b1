"""Excel/CSV round-trip for the ministries: download, upload, preview, apply. Thin views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
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
from isi.imports.roundtrip.xlsx import WorkbookError, measures_workbook

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
    jobs = UploadJob.objects.filter(user=user).defer("content")[:10]
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
    try:
        tables = services.read_rows(job.kind, form.content)
    except WorkbookError:
        services.validate_job(job)
        return redirect("roundtrip:job", token=job.token)
    row_count = len(tables[0][1])
    if row_count > services.background_threshold():
        job.total_rows = row_count
        job.save(update_fields=["total_rows"])
        tasks.validate_upload.enqueue(job.pk)
    else:
        services.validate_job(job, tables)
    return redirect("roundtrip:job", token=job.token)


def _job(request: HttpRequest, token: uuid.UUID) -> UploadJob:
    job = UploadJob.objects.select_related("user").filter(token=token).first()
    if job is None or not permissions.can_view_job(request.user, job):
        if job is not None:
            log_denied(request, f"roundtrip-job {token}")
        raise Http404("Diesen Vorgang gibt es nicht.")
    return job


@require_GET
@roundtrip_user
def job_detail(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    job = _job(request, token)
    context = {"job": job, "preview": job.preview}
    if request.headers.get("HX-Request") and job.is_running:
        return render(request, "roundtrip/_progress.html", context)
    if request.headers.get("HX-Request"):
        # Finished: tell htmx to load the whole page (preview or result).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "roundtrip/job.html", context)


@require_http_methods(["POST"])
@roundtrip_user
def job_apply(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    job = _job(request, token)
    # Compare-and-set: a second click (or a second tab) cannot apply the same upload twice.
    claimed = UploadJob.objects.filter(pk=job.pk, state=UploadJob.State.READY).update(
        state=UploadJob.State.APPLYING, processed_rows=0, updated_at=timezone.now()
    )
    if claimed != 1:
        return render(request, "roundtrip/job.html", {"job": job, "preview": job.preview}, status=409)
    job.state = UploadJob.State.APPLYING
    if job.total_rows > services.background_threshold():
        tasks.apply_upload.enqueue(job.pk)
    else:
        services.run_apply(job)
    return redirect("roundtrip:job", token=job.token)
