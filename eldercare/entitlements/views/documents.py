"""Rule files per region: the list, upload (checked; every problem with its place), a file's
rules and text, a preview of whom it would entitle, activate and retire."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, in_scope, requires
from eldercare.entitlements import queries
from eldercare.entitlements.documents import (
    activate_policy_document,
    policy_of,
    preview_document,
    read_upload,
    retire_policy_document,
    upload_policy_document,
)
from eldercare.entitlements.errors import EntitlementError
from eldercare.entitlements.forms import RetireForm, UploadForm
from eldercare.entitlements.models import DocumentStatus
from eldercare.entitlements.policy import PolicyError
from eldercare.entitlements.policy.evaluation import describe_benefit
from eldercare.entitlements.policy.vocabulary import BENEFIT_KINDS, COMBINE_POLICIES
from eldercare.regions.services import region_names


@requires(Action.VIEW_ENTITLEMENTS)
def document_list(request: HttpRequest) -> HttpResponse:
    documents = list(queries.visible_documents(request.user).order_by("region_code", "-revision"))
    names = region_names({d.region_code for d in documents})
    for document in documents:
        document.region_name = names.get(document.region_code, "")  # type: ignore[attr-defined]
    return render(
        request,
        "entitlements/document_list.html",
        {
            "documents": documents,
            "can_manage": can(request.user, Action.MANAGE_ENTITLEMENT_POLICY),
        },
    )


@requires(Action.MANAGE_ENTITLEMENT_POLICY)
def document_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "policy.yaml"
        try:
            text = read_upload(upload.read(), name)
            document, created = upload_policy_document(
                actor=request.user,
                text=text,
                source_name=name,
                activate=form.cleaned_data["activate"],
            )
        except PolicyError as error:
            problems = list(error.problems)
        except EntitlementError as error:
            messages.error(request, str(error))
        else:
            if created:
                messages.success(request, _("已上传为第 %(n)s 版") % {"n": document.revision})
            else:
                messages.info(
                    request, _("内容与第 %(n)s 版相同，未重复保存") % {"n": document.revision}
                )
            return redirect("entitlements:document", pk=document.pk)
    return render(
        request, "entitlements/document_upload.html", {"form": form, "problems": problems}
    )


@requires(Action.VIEW_ENTITLEMENTS)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = queries.get_visible_document_or_404(request.user, pk)
    manages = can(request.user, Action.MANAGE_ENTITLEMENT_POLICY) and in_scope(
        request.user, document.region_code
    )
    rules: list[dict[str, Any]] = []
    groups: list[dict[str, str]] = []
    problem = ""
    policy = None
    try:
        policy = policy_of(document)
    except PolicyError as error:
        problem = str(error)
    if policy is not None:
        groups = [
            {"key": g.key, "name": g.name, "combine": COMBINE_POLICIES[g.combine]}
            for g in policy.groups.values()
        ]
        rules = [
            {
                "key": rule.key,
                "name": rule.name,
                "group": rule.group,
                "period": rule.period,
                "benefit": describe_benefit(rule.benefit),
                "line": rule.line,
            }
            for rule in policy.rules
        ]
    preview = None
    if manages and request.GET.get("preview") and policy is not None:
        proposed, current = preview_document(document, timezone.localdate())
        kinds = [
            kind for kind in BENEFIT_KINDS if kind in proposed.by_kind or kind in current.by_kind
        ]
        preview = {
            "proposed": proposed,
            "current": current,
            "kinds": [
                {
                    "label": BENEFIT_KINDS[kind],
                    "proposed": proposed.by_kind.get(kind, {"count": 0, "amount_fen": 0}),
                    "current": current.by_kind.get(kind, {"count": 0, "amount_fen": 0}),
                }
                for kind in kinds
            ],
        }
    return render(
        request,
        "entitlements/document_detail.html",
        {
            "document": document,
            "policy": policy,
            "rules": rules,
            "groups": groups,
            "problem": problem,
            "lines": document.text.splitlines(),
            "region_name": region_names([document.region_code]).get(document.region_code, ""),
            "preview": preview,
            "can_activate": manages and document.status != DocumentStatus.ACTIVE,
            "can_retire": manages and document.status == DocumentStatus.ACTIVE,
            "can_preview": manages,
            "retire_form": RetireForm(),
        },
    )


@requires(Action.VIEW_ENTITLEMENTS)
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = queries.get_visible_document_or_404(request.user, pk)
    response = HttpResponse(document.text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.region_code}-r{document.revision}.yaml"'
    )
    return response


@require_POST
@requires(Action.MANAGE_ENTITLEMENT_POLICY)
def document_activate(request: HttpRequest, pk: int) -> HttpResponse:
    document = queries.get_managed_document_or_404(request.user, pk)
    try:
        activate_policy_document(actor=request.user, document=document)
    except PolicyError as error:
        messages.error(request, _("无法启用：%(e)s") % {"e": error})
    except EntitlementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已启用；原现行版本已停用"))
    return redirect("entitlements:document", pk=pk)


@require_POST
@requires(Action.MANAGE_ENTITLEMENT_POLICY)
def document_retire(request: HttpRequest, pk: int) -> HttpResponse:
    document = queries.get_managed_document_or_404(request.user, pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写停用原因"))
        return redirect("entitlements:document", pk=pk)
    try:
        retire_policy_document(
            actor=request.user, document=document, reason=form.cleaned_data["reason"]
        )
    except EntitlementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已停用；该区划改按上级区划的规则文件"))
    return redirect("entitlements:document", pk=pk)
