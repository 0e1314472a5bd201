"""Rule files stored per region: upload, activate, retire, load the shipped files, preview.

A file is checked completely before anything is stored (policy.load_policy, plus what only the
database knows: the region is the uploader's, and every `item:<code>` exists in the catalogue);
a bad file raises PolicyError with every problem's file, line, column and path, and nothing is
written. An upload is a draft revision of its region (the same text again returns the revision
that holds it); activating it retires the region's previous active document. Every change is
audited. Parsed policies are cached per sha256, so the pages and the run parse a file once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.entitlements.errors import EntitlementInputError, EntitlementStateError
from eldercare.entitlements.evaluation import Evaluator
from eldercare.entitlements.facts import fact_rows
from eldercare.entitlements.ledger import SystemActor
from eldercare.entitlements.models import DocumentOrigin, DocumentStatus, PolicyDocument
from eldercare.entitlements.policy import (
    SHIPPED_POLICIES_DIR,
    Policy,
    PolicyError,
    Problem,
    load_policy,
)
from eldercare.entitlements.policy.vocabulary import ITEM_PREFIX
from eldercare.regions.codes import ancestor_codes, is_within, normalize_code, subtree_range
from eldercare.registry.models import Resident

MAX_FILE_BYTES = 256 * 1024
LOADER = SystemActor("load-entitlement-policies")

# --- parsed policies, cached by content ---------------------------------------------------------

_PARSED: dict[str, Policy] = {}
_PARSED_LIMIT = 64


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_of(document: PolicyDocument) -> Policy:
    """The parsed policy of a stored document (parsed once per process and content)."""
    policy = _PARSED.get(document.sha256)
    if policy is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        policy = _PARSED[document.sha256] = load_policy(
            document.text, source_name=document.source_name
        )
    return policy


def active_documents(region_codes: Iterable[str]) -> list[PolicyDocument]:
    return list(
        PolicyDocument.objects.filter(status=DocumentStatus.ACTIVE, region_code__in=region_codes)
    )


def governing_document(region_code: str) -> PolicyDocument | None:
    """The active document of the region or its nearest ancestor (one query)."""
    documents = {d.region_code: d for d in active_documents(ancestor_codes(region_code))}
    for code in reversed(ancestor_codes(region_code)):
        if code in documents:
            return documents[code]
    return None


def documents_for_subtree(region_code: str) -> list[PolicyDocument]:
    """The active documents that can govern someone in the subtree: above it and inside it."""
    low, high = subtree_range(region_code)
    return list(
        PolicyDocument.objects.filter(status=DocumentStatus.ACTIVE).filter(
            Q(region_code__in=ancestor_codes(region_code))
            | Q(region_code__gte=low, region_code__lte=high)
        )
    )


# --- checking a file ----------------------------------------------------------------------------


def read_upload(data: bytes, source_name: str) -> str:
    """The UTF-8 text of an uploaded file (a BOM is dropped), or PolicyError."""
    if len(data) > MAX_FILE_BYTES:
        raise PolicyError(
            [
                Problem(
                    source_name,
                    1,
                    1,
                    "",
                    f"文件过大（{len(data)} 字节），上限 {MAX_FILE_BYTES} 字节",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(
            [Problem(source_name, 1, 1, "", f"无法读取规则文件：不是 UTF-8 编码（{error.reason}）")]
        ) from error


def check_policy(text: str, source_name: str, *, actor: Any = None) -> Policy:
    """The policy of `text` if the file is good here; else PolicyError with every problem.

    Beyond the file's own rules: the region must be the actor's (their binding or below) and
    every `item:<code>` must be a catalogue item.
    """
    policy = load_policy(text, source_name=source_name)
    problems: list[Problem] = []
    if (
        actor is not None
        and not isinstance(actor, SystemActor)
        and not in_scope(actor, policy.region)
    ):
        problems.append(
            Problem(
                source_name,
                *policy.region_at,
                "region",
                f"区划 {policy.region} 不在您的管辖范围内，不能上传该区划的规则文件",
            )
        )
    wanted = {
        item[len(ITEM_PREFIX) :].upper()
        for rule in policy.rules
        for item in rule.benefit.items
        if item.startswith(ITEM_PREFIX)
    }
    known = set(ServiceItem.objects.filter(code__in=wanted).values_list("code", flat=True))
    for index, rule in enumerate(policy.rules):
        for item in rule.benefit.items:
            code = item[len(ITEM_PREFIX) :].upper()
            if item.startswith(ITEM_PREFIX) and code not in known:
                problems.append(
                    Problem(
                        source_name,
                        rule.line,
                        rule.column,
                        f"rules[{index}].benefit.items",
                        f"服务项目 {code} 不在服务项目目录中（规则 “{rule.key}”）",
                    )
                )
    if problems:
        raise PolicyError(problems)
    return policy


# --- storing ------------------------------------------------------------------------------------


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", "") or "system")


def _user(actor: Any) -> Any:
    return None if isinstance(actor, SystemActor) or not getattr(actor, "pk", None) else actor


def _authorize(actor: Any, region_code: str) -> None:
    if isinstance(actor, SystemActor):
        return
    require(actor, Action.MANAGE_ENTITLEMENT_POLICY)
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def upload_policy_document(
    *,
    actor: Any,
    text: str,
    source_name: str,
    activate: bool = False,
    origin: str = DocumentOrigin.UPLOAD,
) -> tuple[PolicyDocument, bool]:
    """Store a checked rule file as a draft revision of its region; (document, created).

    The same text as an existing draft or active revision of the region returns that revision.
    With `activate`, the document becomes the region's active one at once.
    """
    if not isinstance(actor, SystemActor):
        require(actor, Action.MANAGE_ENTITLEMENT_POLICY)
    source_name = Path(source_name or "policy.yaml").name[:200]
    policy = check_policy(text, source_name, actor=actor)
    _authorize(actor, policy.region)
    digest = sha256_of(text)
    with transaction.atomic():
        same = (
            PolicyDocument.objects.select_for_update()
            .filter(region_code=policy.region, sha256=digest)
            .exclude(status=DocumentStatus.RETIRED)
            .first()
        )
        created = same is None
        if same is None:
            revision = (
                PolicyDocument.objects.filter(region_code=policy.region).aggregate(
                    top=Max("revision")
                )["top"]
                or 0
            ) + 1
            document = PolicyDocument.objects.create(
                region_code=policy.region,
                revision=revision,
                name=policy.name[:200],
                policy_version=policy.version[:50],
                source_name=source_name,
                text=text,
                sha256=digest,
                origin=origin,
                uploaded_by=_user(actor),
                uploaded_by_username=_username(actor),
            )
            record(
                actor=actor,
                action=AuditAction.IMPORT,
                obj=document,
                region_code=document.region_code,
                detail={
                    "revision": revision,
                    "sha256": digest,
                    "file": source_name,
                    "origin": origin,
                    "rules": len(policy.rules),
                },
            )
        else:
            document = same
        if activate and document.status != DocumentStatus.ACTIVE:
            document = _activate(actor, document)
    return document, created


def activate_policy_document(*, actor: Any, document: PolicyDocument) -> PolicyDocument:
    """Make a draft (or a retired revision) the region's active document; the previous one is
    retired. The file is checked again (the catalogue may have changed since the upload)."""
    _authorize(actor, document.region_code)
    if document.status == DocumentStatus.ACTIVE:
        raise EntitlementStateError("already_active", f"{document} 已是现行规则文件")
    check_policy(document.text, document.source_name, actor=actor)
    with transaction.atomic():
        return _activate(actor, document)


def _activate(actor: Any, document: PolicyDocument) -> PolicyDocument:
    now = timezone.now()
    previous = list(
        PolicyDocument.objects.select_for_update().filter(
            region_code=document.region_code, status=DocumentStatus.ACTIVE
        )
    )
    for old in previous:
        old.status = DocumentStatus.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at"])
    before = document.status
    document.status = DocumentStatus.ACTIVE
    document.activated_at = now
    document.retired_at = None
    document.activated_by_username = _username(actor)
    document.save(update_fields=["status", "activated_at", "retired_at", "activated_by_username"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=document,
        region_code=document.region_code,
        changes={"status": [before, DocumentStatus.ACTIVE]},
        detail={
            "sha256": document.sha256,
            "revision": document.revision,
            "retired": [old.pk for old in previous],
        },
    )
    return document


def retire_policy_document(*, actor: Any, document: PolicyDocument, reason: str) -> PolicyDocument:
    """Stop using the region's active document: the region falls back to the file above it."""
    _authorize(actor, document.region_code)
    if document.status != DocumentStatus.ACTIVE:
        raise EntitlementStateError("not_active", f"{document} 不是现行规则文件")
    if not isinstance(reason, str) or not reason.strip():
        raise EntitlementInputError("reason", "reason_missing", "停用规则文件须说明原因")
    with transaction.atomic():
        updated = PolicyDocument.objects.filter(
            pk=document.pk, status=DocumentStatus.ACTIVE
        ).update(status=DocumentStatus.RETIRED, retired_at=timezone.now())
        if not updated:
            raise EntitlementStateError("not_active", f"{document} 不是现行规则文件")
        document.refresh_from_db()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=document,
            region_code=document.region_code,
            changes={"status": [DocumentStatus.ACTIVE, DocumentStatus.RETIRED]},
            detail={"reason": reason.strip()},
        )
    return document


# --- the shipped files --------------------------------------------------------------------------


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)  # new revisions activated
    unchanged: list[str] = field(default_factory=list)  # the active revision has this text
    kept: list[str] = field(default_factory=list)  # an uploaded file is active: left alone

    def as_dict(self) -> dict[str, list[str]]:
        return {"loaded": self.loaded, "unchanged": self.unchanged, "kept": self.kept}


def shipped_files() -> list[Path]:
    return sorted([*SHIPPED_POLICIES_DIR.glob("*.yaml"), *SHIPPED_POLICIES_DIR.glob("*.yml")])


def load_shipped_policies(
    *,
    paths: Sequence[Path] | None = None,
    only: Sequence[str] = (),
    dry_run: bool = False,
    actor: Any = LOADER,
) -> LoadSummary:
    """Load the shipped rule files (or `paths`) idempotently, all or nothing.

    Per region: the active revision has the same text → nothing; no active revision, or the
    active one was itself shipped → the file becomes a new active revision; an uploaded file is
    active → kept (an administrator chose it), reported in `kept`.
    """
    files = list(paths) if paths is not None else shipped_files()
    codes = [normalize_code(code) for code in only]
    problems: list[Problem] = []
    checked: list[tuple[Path, str, Policy]] = []
    for path in files:
        try:
            text = read_upload(path.read_bytes(), path.name)
            policy = check_policy(text, path.name, actor=actor)
        except PolicyError as error:
            problems.extend(error.problems)
            continue
        except OSError as error:
            problems.append(Problem(path.name, 1, 1, "", f"无法读取规则文件：{error}"))
            continue
        if codes and not any(is_within(policy.region, code) for code in codes):
            continue
        checked.append((path, text, policy))
    if problems:
        raise PolicyError(problems)
    summary = LoadSummary()
    with transaction.atomic():
        for path, text, policy in checked:
            label = f"{path.name}（{policy.region}）"
            active = (
                PolicyDocument.objects.select_for_update()
                .filter(region_code=policy.region, status=DocumentStatus.ACTIVE)
                .first()
            )
            if active is not None and active.sha256 == sha256_of(text):
                summary.unchanged.append(label)
                continue
            if active is not None and active.origin != DocumentOrigin.SHIPPED:
                summary.kept.append(label)
                continue
            upload_policy_document(
                actor=actor,
                text=text,
                source_name=path.name,
                activate=True,
                origin=DocumentOrigin.SHIPPED,
            )
            summary.loaded.append(label)
        if dry_run:
            transaction.set_rollback(True)
    return summary


# --- preview ------------------------------------------------------------------------------------


@dataclass
class Preview:
    """Who a document's rules would entitle among the residents it would govern, on a day."""

    on: date
    residents: int = 0
    entitled: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → count, amount_fen
    by_rule: dict[str, int] = field(default_factory=dict)

    def add(self, benefits: Iterable[Any]) -> None:
        self.residents += 1
        granted = False
        for benefit in benefits:
            granted = True
            figures = self.by_kind.setdefault(benefit.kind, {"count": 0, "amount_fen": 0})
            figures["count"] += 1
            figures["amount_fen"] += benefit.amount_fen
            self.by_rule[benefit.rule_key] = self.by_rule.get(benefit.rule_key, 0) + 1
        self.entitled += granted


def governed_residents(document: PolicyDocument) -> Any:
    """Active residents of the document's region not governed by a deeper active document."""
    low, high = subtree_range(document.region_code)
    residents = Resident.objects.filter(
        status="active", region_code__gte=low, region_code__lte=high
    )
    deeper = (
        PolicyDocument.objects.filter(
            status=DocumentStatus.ACTIVE, region_code__gte=low, region_code__lte=high
        )
        .exclude(region_code=document.region_code)
        .values_list("region_code", flat=True)
    )
    for code in deeper:
        inner_low, inner_high = subtree_range(code)
        residents = residents.exclude(region_code__gte=inner_low, region_code__lte=inner_high)
    return residents


def preview_document(document: PolicyDocument, on: date) -> tuple[Preview, Preview]:
    """(this document, what governs the same residents now) on `on`."""
    proposed = Preview(on=on)
    current = Preview(on=on)
    policy = policy_of(document)
    now_governing = {
        d.region_code: policy_of(d) for d in documents_for_subtree(document.region_code)
    }
    mine = Evaluator({document.region_code: policy}, on)
    theirs = Evaluator(now_governing, on)
    for row in fact_rows(governed_residents(document)).iterator(chunk_size=5_000):
        proposed.add(mine.benefits(row)[1])
        current.add(theirs.benefits(row)[1])
    return proposed, current
