"""Pages of the imports (screening sheet, paper assessments…): upload → background preview →
confirm → result. The kinds are registry/importing/kinds.py; each job checks its kind's action."""

import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import can, get_scoped_or_404, require
from eldercare.registry.exporting import XLSX_CONTENT_TYPE
from eldercare.registry.forms import ImportForm
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.kinds import import_kind, import_kinds
from eldercare.registry.models import ImportJob
from eldercare.registry.tasks import (
    FINISHED_STATUSES,
    ImportJobError,
    confirm_import_job,
    import_job_state,
    start_import_job,
)


def requires_some_import(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Login, then a role that may import something (each job then checks its own kind)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not any(can(request.user, kind.action) for kind in import_kinds().values()):
            raise PermissionDenied("当前角色无权导入")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = get_scoped_or_404(request.user, ImportJob.objects.all(), pk=pk)
    require(request.user, import_kind(job.kind).action)
    return job


@requires_some_import
def import_upload(request: HttpRequest, kind: str = "residents") -> HttpResponse:
    import_type = import_kind(kind)
    require(request.user, import_type.action)
    form = ImportForm(request.POST or None, request.FILES or None, kind=import_type)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_import_job(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                is_dry_run=True,
                is_valid_only=form.cleaned_data["is_valid_only"],
                kind=import_type.key,
                option=form.cleaned_data.get("option", ""),
            )
        except FileImportError as error:
            form.add_error("file", error.message)
        else:
            return redirect("registry:import_job", pk=job.pk)
    return render(request, "registry/import_upload.html", {"form": form, "kind": import_type})


@requires_some_import
def import_template(request: HttpRequest, kind: str, name: str) -> HttpResponse:
    import_type = import_kind(kind)
    require(request.user, import_type.action)
    write = import_type.templates.get(name)
    if write is None:
        raise Http404("没有这个模板")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.xlsx"
        write(path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename={name}.xlsx"
    return response


@requires_some_import
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "registry/import_job.html",
        {
            "job": job,
            "state": import_job_state(job),
            "finished": job.status in FINISHED_STATUSES,
            "errors": job.result.get("errors", [])[:200],
        },
    )


@requires_some_import
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(import_job_state(_job(request, pk)))


@require_POST
@requires_some_import
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    dry_run = _job(request, pk)
    try:
        job = confirm_import_job(actor=request.user, job=dry_run)
    except ImportJobError as error:
        messages.error(request, str(error))
        return redirect("registry:import_job", pk=dry_run.pk)
    messages.success(request, _("已开始正式导入"))
    return redirect("registry:import_job", pk=job.pk)


@requires_some_import
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.error_report:
        raise Http404("没有错误报告")
    return FileResponse(
        job.error_report.open("rb"), as_attachment=True, filename="import-errors.xlsx"
    )
