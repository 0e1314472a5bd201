"""Pages of the screening-sheet import: upload → background preview → confirm → result."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, get_scoped_or_404, requires
from eldercare.registry.forms import ImportForm
from eldercare.registry.importing.report import write_template
from eldercare.registry.models import ImportJob
from eldercare.registry.tasks import (
    FINISHED_STATUSES,
    ImportJobError,
    confirm_import_job,
    import_job_state,
    start_import_job,
)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_scoped_or_404(request.user, ImportJob.objects.all(), pk=pk)


@requires(Action.IMPORT_REGISTRY)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import_job(
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            is_dry_run=True,
            is_valid_only=form.cleaned_data["is_valid_only"],
        )
        return redirect("registry:import_job", pk=job.pk)
    return render(request, "registry/import_upload.html", {"form": form})


@requires(Action.IMPORT_REGISTRY)
def import_template(request: HttpRequest) -> HttpResponse:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.xlsx"
        write_template(path)
        content = path.read_bytes()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=screening-template.xlsx"
    return response


@requires(Action.IMPORT_REGISTRY)
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


@requires(Action.IMPORT_REGISTRY)
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(import_job_state(_job(request, pk)))


@require_POST
@requires(Action.IMPORT_REGISTRY)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    dry_run = _job(request, pk)
    try:
        job = confirm_import_job(actor=request.user, job=dry_run)
    except ImportJobError as error:
        messages.error(request, str(error))
        return redirect("registry:import_job", pk=dry_run.pk)
    messages.success(request, _("已开始正式导入"))
    return redirect("registry:import_job", pk=job.pk)


@requires(Action.IMPORT_REGISTRY)
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.error_report:
        raise Http404("没有错误报告")
    return FileResponse(
        job.error_report.open("rb"), as_attachment=True, filename="import-errors.xlsx"
    )
