"""The monthly entitlement run: credit every eligible resident of a region for one month.

    start_monthly_run(*, actor, region_code, month) -> EntitlementRun   (queued for the worker)
    resume_monthly_run(*, actor, run) -> EntitlementRun                 (a failed or dead run)
    execute_run(run_id) -> EntitlementRun                               (the worker's body)

What a run does, in order (docs/decisions/0008-monthly-entitlement-run.md):
1. sweeps credit that expired before the month (ledger.expire_credit: unused credit expires at
   its month's end, or N months later when the rule file says `carry_over_months: N`);
2. walks the region's active residents in (region_code, id) order, in batches; for each batch it
   evaluates the rules (the governing rule file of each village, on the first day of the month,
   each distinct set of facts once), adds the grants in effect, and credits in ONE transaction:
   monthly service credits and care subsidies through the ledger's bulk path, with references
   "credit:<YYYY-MM>:resident:<id>:<rule key | grant:<id>>" (one-off grants
   "credit:one-off:resident:<id>:grant:<id>", paid once ever) — and moves the run's cursor and
   adds the batch's figures to its report in the same transaction;
3. is marked done. A crash loses the batch in progress only: resuming continues after the
   cursor; a new run of the same month re-evaluates everyone and the ledger skips every credit
   already recorded. Either way each credit is made once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django_q.tasks import async_task

from eldercare.accounts.access import Action, in_scope, require
from eldercare.accounts.models import User
from eldercare.assessment.models import CurrentAssessment
from eldercare.core.audit import record
from eldercare.core.db import refresh_planner_statistics
from eldercare.core.models import AuditAction
from eldercare.entitlements import ledger
from eldercare.entitlements.documents import documents_for_subtree, policy_of
from eldercare.entitlements.errors import (
    EntitlementError,
    EntitlementInputError,
    EntitlementStateError,
    RunConflict,
)
from eldercare.entitlements.evaluation import Evaluator
from eldercare.entitlements.facts import ID, REGION, fact_rows
from eldercare.entitlements.grants import grants_in_effect
from eldercare.entitlements.ledger import SystemActor, credit_expiry
from eldercare.entitlements.ledger.batch import bulk_reference
from eldercare.entitlements.ledger.posting import add_months, county_of
from eldercare.entitlements.models import (
    ACTIVE_RUN_STATUSES,
    BenefitKind,
    Cause,
    CreditKind,
    CreditLot,
    Entitlement,
    EntitlementRun,
    FundSource,
    LedgerAccount,
    LedgerEntry,
    RunStatus,
    Transfer,
)
from eldercare.entitlements.policy import (
    CARE_SUBSIDY,
    MONTHLY_SERVICE_CREDIT,
    Benefit,
    Policy,
    PolicyError,
)
from eldercare.entitlements.policy.vocabulary import ITEM_PREFIX, SERVICE_CATEGORIES
from eldercare.regions.codes import RegionCodeError, is_within, level_of, subtree_range
from eldercare.registry.models import Resident

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2_000
# After these batches (and every 250th) the ledger tables' planner statistics are refreshed.
ANALYZE_AFTER_BATCHES = frozenset({1, 5, 25, 100})
ONE_OFF_PREFIX = "credit:one-off"
# A one-off grant (e.g. home adaptation) stays usable until the end of its 12th month.
ONE_OFF_VALID_MONTHS = 12
# Per township, what the report counts (amounts in fen).
FIGURES = (
    "residents",  # active residents evaluated
    "no_policy",  # of which governed by no rule file
    "entitled",  # residents credited something for the month
    "credits",  # credits of the month (transfers), whether written now or by an earlier run
    "amount_fen",  # their total
    "service_fen",  # of which to service-credit accounts (monthly credits, one-off grants)
    "care_fen",  # of which to care-subsidy accounts
    "grant_credits",  # credits from individual grants
    "grant_fen",
)
# The rule benefits a month's run credits, and the account each goes to.
MONTHLY_KINDS = {MONTHLY_SERVICE_CREDIT: CreditKind.SERVICE, CARE_SUBSIDY: CreditKind.CARE}
GRANT_KINDS = {
    BenefitKind.MONTHLY_SERVICE_CREDIT: CreditKind.SERVICE,
    BenefitKind.CARE_SUBSIDY: CreditKind.CARE,
    BenefitKind.ONE_OFF_SUBSIDY: CreditKind.SERVICE,
}
# The fund every county's monthly credits come from, opened on first use (see 0008).
FUND_NAMES = {
    CreditKind.SERVICE: "居家养老服务补贴（月度发放）",
    CreditKind.CARE: "护理补贴（月度发放）",
}
FUNDS_OPENER = SystemActor("entitlement-run")


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def month_prefix(month: date) -> str:
    return f"credit:{month_label(month)}"


def township_of(region_code: str) -> str:
    return region_code[:9] + "000"


# --- starting and resuming ----------------------------------------------------------------------


def _authorize(actor: Any, region_code: str) -> None:
    if isinstance(actor, SystemActor):
        return
    require(actor, Action.RUN_ENTITLEMENTS)
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def _check_region(region_code: Any) -> str:
    try:
        level_of(region_code)
    except (RegionCodeError, TypeError) as error:
        raise EntitlementInputError(
            "region_code", "region_invalid", f"应为12位区划代码：{region_code!r}"
        ) from error
    return str(region_code)


def _check_month(month: Any) -> date:
    if not isinstance(month, date) or isinstance(month, datetime):
        raise EntitlementInputError(
            "month", "month_type", f"应为日期（该月任一天），收到 {month!r}"
        )
    month = month.replace(day=1)
    current = timezone.localdate().replace(day=1)
    if month < current:
        raise EntitlementInputError(
            "month",
            "month_past",
            f"{month_label(month)} 已过去，不能再发放（本月为 {month_label(current)}）",
        )
    if month > add_months(current, 1):
        raise EntitlementInputError(
            "month", "month_too_early", f"最多提前发放下月（{month_label(add_months(current, 1))}）"
        )
    return month


def _serialize_runs(month: date) -> None:
    """Starting runs of one month one at a time. SQLite: writers already queue (BEGIN
    IMMEDIATE); PostgreSQL: a transaction-scoped advisory lock per month."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4_2026, month.toordinal()])


def _refuse_overlap(region_code: str, month: date, *, exclude: int | None = None) -> None:
    going = EntitlementRun.objects.filter(month=month, status__in=ACTIVE_RUN_STATUSES)
    if exclude is not None:
        going = going.exclude(pk=exclude)
    for other in going:
        if is_within(region_code, other.region_code) or is_within(other.region_code, region_code):
            state = "已中断（可继续执行）" if other.is_stale else str(other.get_status_display())
            raise RunConflict(
                f"{month_label(month)} 区划 {other.region_code} 的发放任务 #{other.pk} "
                f"{state}，与本次范围重叠；请等它结束后再发起",
                other.pk,
            )


def _enqueue(run: EntitlementRun) -> None:
    transaction.on_commit(
        lambda: async_task(
            "eldercare.entitlements.tasks.run_entitlement_run",
            run.pk,
            task_name=f"entitlement-run-{run.pk}-{run.attempts}",
        )
    )


def start_monthly_run(
    *, actor: Any, region_code: str, month: date, background: bool = True
) -> EntitlementRun:
    """Queue the run of `month` for the residents of `region_code` (RUN_ENTITLEMENTS, in scope).

    Refused while another run of the same month covers an overlapping region. `background=False`
    stores the queued run without handing it to the worker (the command then runs it itself).
    """
    if actor is None:
        raise PermissionDenied("须指定发起人")
    region_code = _check_region(region_code)
    _authorize(actor, region_code)
    month = _check_month(month)
    with transaction.atomic():
        _serialize_runs(month)
        _refuse_overlap(region_code, month)
        run = EntitlementRun.objects.create(
            month=month,
            region_code=region_code,
            evaluated_on=month,
            started_by=None if isinstance(actor, SystemActor) else actor,
            started_by_username=str(actor.username),
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            region_code=region_code,
            detail={"month": month_label(month), "region": region_code},
        )
        if background:
            _enqueue(run)
    return run


def resume_monthly_run(
    *, actor: Any, run: EntitlementRun, background: bool = True
) -> EntitlementRun:
    """Queue a failed run (or one whose worker died) again; it continues after its cursor."""
    _authorize(actor, run.region_code)
    with transaction.atomic():
        _serialize_runs(run.month)
        current = EntitlementRun.objects.select_for_update().get(pk=run.pk)
        if current.status != RunStatus.FAILED and not current.is_stale:
            raise EntitlementStateError(
                "not_resumable",
                f"发放任务 #{current.pk} {current.get_status_display()}，只有失败或中断的任务可以继续",
            )
        _refuse_overlap(current.region_code, current.month, exclude=current.pk)
        before = current.status
        current.status = RunStatus.QUEUED
        current.error = ""
        current.save(update_fields=["status", "error"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            region_code=current.region_code,
            changes={"status": [before, RunStatus.QUEUED]},
            detail={"resume_after": [current.cursor_region_code, current.cursor_resident_id]},
        )
        if background:
            _enqueue(current)
    return current


# --- executing ----------------------------------------------------------------------------------

Progress = Callable[[EntitlementRun], None]


def execute_run(
    run_id: int, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None
) -> EntitlementRun | None:
    """The worker's body: claim the queued run, credit its residents batch by batch, finish.

    Runs once even if delivered twice (the claim is a conditional UPDATE). A refusal (ledger,
    rule file, permission) marks the run failed with its message; any other error too, and is
    raised again for the worker's log. `progress` is called after every committed batch.
    """
    now = timezone.now()
    claimed = EntitlementRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    run = EntitlementRun.objects.get(pk=run_id)
    try:
        _Execution(run, batch_size, progress).execute()
    except (EntitlementError, ledger.LedgerError, PolicyError, PermissionDenied, Http404) as error:
        _fail(run, _message(error))
    except BaseException:
        _fail(run, "发放时发生内部错误，已发放的批次保留；请联系系统管理员后继续执行")
        raise
    run.refresh_from_db()
    return run


def _message(error: BaseException) -> str:
    if isinstance(error, Http404):
        return "发起人已无权访问该区划"
    if isinstance(error, PolicyError):
        return f"规则文件无法载入：{error}"
    return str(error)


def _fail(run: EntitlementRun, message: str) -> None:
    EntitlementRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now()
    )
    logger.warning("entitlement run %s failed: %s", run.pk, message)


def actor_of(run: EntitlementRun) -> Any:
    """Who the run credits as: the user who started it, or the system job named on it."""
    if run.started_by_id is not None:
        return User.objects.get(pk=run.started_by_id)
    return SystemActor(run.started_by_username)


@dataclass(frozen=True)
class _Group:
    """One bulk call of a batch: which fund pays, into which account kind, why."""

    fund_id: int
    kind: str
    cause: str
    prefix: str


def plan_monthly_run(
    *,
    actor: Any,
    region_code: str,
    month: date,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> EntitlementRun:
    """What a run would credit, without writing anything: an unsaved run with its report.

    The report counts every credit the run would make (credits already recorded included);
    unused credit is not swept and no fund is opened.
    """
    region_code = _check_region(region_code)
    _authorize(actor, region_code)
    month = _check_month(month)
    run = EntitlementRun(
        month=month,
        region_code=region_code,
        evaluated_on=month,
        status=RunStatus.RUNNING,
        started_by=None if isinstance(actor, SystemActor) else actor,
        started_by_username=str(actor.username),
    )
    _Execution(run, batch_size, progress, dry_run=True).execute()
    run.status = RunStatus.DONE
    return run


class _Execution:
    def __init__(
        self,
        run: EntitlementRun,
        batch_size: int,
        progress: Progress | None,
        *,
        dry_run: bool = False,
    ) -> None:
        self.run = run
        self.dry_run = dry_run
        self.month = run.month
        self.on = run.evaluated_on
        self.batch_size = batch_size
        self.progress = progress
        self.actor = run.started_by if dry_run and run.started_by else actor_of(run)
        self.funds: dict[tuple[str, str], LedgerAccount] = {}
        self.funds_by_id: dict[int, LedgerAccount] = {}
        self.expiries: dict[int, date] = {}

    def execute(self) -> None:
        run = self.run
        _authorize(self.actor, run.region_code)
        documents = documents_for_subtree(run.region_code)
        policies: dict[str, Policy] = {d.region_code: policy_of(d) for d in documents}
        self.evaluator = Evaluator(policies, self.on)
        run.documents = {
            d.region_code: {"id": d.pk, "revision": d.revision, "sha256": d.sha256}
            for d in documents
        }
        low, high = subtree_range(run.region_code)
        residents = Resident.objects.filter(
            status="active", region_code__gte=low, region_code__lte=high
        )
        if run.residents_total is None:
            run.residents_total = residents.count()
        self.refresh_statistics(
            Resident,
            Entitlement,
            CurrentAssessment,
            Transfer,
            CreditLot,
            LedgerEntry,
            LedgerAccount,
        )
        if not self.dry_run:
            run.expiry = self.sweep()
            run.save(update_fields=["documents", "residents_total", "expiry"])
        while True:
            rows = list(self.after_cursor()[: self.batch_size])
            if not rows:
                break
            self.credit_batch(rows)
            if run.batches_done in ANALYZE_AFTER_BATCHES or run.batches_done % 250 == 0:
                self.refresh_statistics(Transfer, CreditLot, LedgerEntry, LedgerAccount)
            if self.progress:
                self.progress(run)
        if self.dry_run:
            return
        EntitlementRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )

    def refresh_statistics(self, *models: Any) -> None:
        """PostgreSQL plans by its statistics: on ledger tables that were empty when last
        analysed it reads a whole table for each batch's reference lookup (seen: 64k rows per
        batch at 100k residents). A run is a bulk load: ANALYZE (a sample) as it grows."""
        if connection.vendor == "postgresql" and not self.dry_run:
            refresh_planner_statistics(*models)

    def sweep(self) -> dict[str, Any]:
        """Unused credit whose validity ended before the month goes to the expiry sinks."""
        on = min(timezone.localdate(), self.month)
        summary = ledger.expire_credit(on=on, actor=self.actor)
        inside = {
            code: amount
            for code, amount in summary.by_region.items()
            if is_within(code, self.run.region_code)
        }
        return {
            "on": on.isoformat(),
            "lots": summary.lots,
            "amount_fen": summary.amount_fen,
            "amount_fen_in_region": sum(inside.values()),
        }

    def after_cursor(self) -> Any:
        """The next residents in (region_code, id) order, as fact rows (one query per batch)."""
        run = self.run
        low, high = subtree_range(run.region_code)
        cursor = run.cursor_region_code
        # One lower bound, the larger: with two, SQLite may start the index range at the region's
        # first code and every batch would scan from there (O(n²) over a city).
        residents = Resident.objects.filter(
            status="active", region_code__gte=max(low, cursor), region_code__lte=high
        )
        if cursor:
            residents = residents.filter(
                Q(region_code__gt=cursor) | Q(region_code=cursor, id__gt=run.cursor_resident_id)
            )
        return fact_rows(residents.order_by("region_code", "id"))

    def expiry(self, policy: Policy | None) -> date:
        """The last day a month's credit can be spent under the governing rule file."""
        months = policy.carry_over_months if policy else 0
        found = self.expiries.get(months)
        if found is None:
            found = self.expiries[months] = credit_expiry(self.month, carry_over_months=months)
        return found

    def fund(self, region_code: str, kind: str) -> LedgerAccount:
        county = county_of(region_code)
        fund = self.funds.get((county, kind))
        if fund is None and self.dry_run:
            # Not opened by a dry run: a stand-in with a distinct id per county and kind.
            fund = LedgerAccount(pk=-1 - len(self.funds), region_code=county, name=county)
            self.funds[(county, kind)] = self.funds_by_id[fund.pk] = fund
        elif fund is None:
            fund = ledger.open_fund(
                actor=FUNDS_OPENER,
                region_code=county,
                source=FundSource.COUNTY_FINANCE,
                name=FUND_NAMES[CreditKind(kind)],
                allows_negative=True,
            )
            self.funds[(county, kind)] = self.funds_by_id[fund.pk] = fund
        return fund

    def credit_batch(self, rows: list[Any]) -> None:
        month = self.month
        prefix = month_prefix(month)
        grants = grants_in_effect([row[ID] for row in rows], month)
        paid_once = self.one_offs_paid_before(grants)
        calls: dict[_Group, list[tuple[Any, ...]]] = defaultdict(list)
        figures: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        by_basis: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "amount_fen": 0})
        for row in rows:
            resident_id, region_code = row[ID], row[REGION]
            counts = figures[township_of(region_code)]
            counts["residents"] += 1
            policy, benefits = self.evaluator.benefits(row)
            if policy is None:
                counts["no_policy"] += 1
            expires = self.expiry(policy)
            credited = False
            for benefit in benefits:
                kind = MONTHLY_KINDS.get(benefit.kind)
                if kind is None:
                    continue  # a one-off subsidy of a rule is paid on application (a grant)
                group = _Group(self.fund(region_code, kind).pk, kind, Cause.MONTHLY_CREDIT, prefix)
                calls[group].append(
                    (
                        resident_id,
                        benefit.amount_fen,
                        ledger_items(benefit),
                        expires,
                        benefit.rule_key,
                    )
                )
                self.count(counts, kind, benefit.amount_fen)
                basis = by_basis[benefit.rule_key]
                basis["count"] += 1
                basis["amount_fen"] += benefit.amount_fen
                credited = True
            for grant in grants.get(resident_id, ()):
                kind = GRANT_KINDS[BenefitKind(grant.kind)]
                if grant.kind == BenefitKind.ONE_OFF_SUBSIDY:
                    if grant.pk in paid_once:
                        continue
                    group = _Group(
                        self.fund(region_code, kind).pk, kind, Cause.ONE_OFF_CREDIT, ONE_OFF_PREFIX
                    )
                    grant_expires = credit_expiry(month, carry_over_months=ONE_OFF_VALID_MONTHS - 1)
                else:
                    group = _Group(
                        self.fund(region_code, kind).pk, kind, Cause.MONTHLY_CREDIT, prefix
                    )
                    grant_expires = expires
                items = None if kind == CreditKind.CARE else ledger_item_codes(grant.items)
                calls[group].append(
                    (resident_id, grant.amount_fen, items, grant_expires, grant.key)
                )
                self.count(counts, kind, grant.amount_fen)
                counts["grant_credits"] += 1
                counts["grant_fen"] += grant.amount_fen
                basis = by_basis["grant"]
                basis["count"] += 1
                basis["amount_fen"] += grant.amount_fen
                credited = True
            counts["entitled"] += credited
        last = rows[-1]
        if self.dry_run:
            self.merge(last, len(rows), figures, by_basis, 0, 0)
            return
        with transaction.atomic():
            written = skipped = 0
            for group in sorted(calls, key=lambda g: (g.kind, g.fund_id, g.cause, g.prefix)):
                credits = calls[group]
                result = ledger.credit_residents_bulk(
                    actor=self.actor,
                    fund=self.funds_by_id[group.fund_id],
                    month=month,
                    credits=credits,
                    reference_prefix=group.prefix,
                    kind=group.kind,
                    cause=group.cause,
                    batch_size=len(credits),
                )
                written += result.credited
                skipped += result.skipped
            self.save_progress(last, len(rows), figures, by_basis, written, skipped)

    @staticmethod
    def count(counts: dict[str, int], kind: str, amount_fen: int) -> None:
        counts["credits"] += 1
        counts["amount_fen"] += amount_fen
        counts["service_fen" if kind == CreditKind.SERVICE else "care_fen"] += amount_fen

    def one_offs_paid_before(self, grants: dict[int, list[Entitlement]]) -> set[int]:
        """One-off grants already paid in an earlier month (never paid twice)."""
        references = {
            bulk_reference(ONE_OFF_PREFIX, grant.resident_id, grant.key): grant.pk
            for found in grants.values()
            for grant in found
            if grant.kind == BenefitKind.ONE_OFF_SUBSIDY
        }
        if not references:
            return set()
        paid = (
            Transfer.objects.filter(reference__in=list(references))
            .exclude(month=self.month)
            .values_list("reference", flat=True)
        )
        return {references[reference] for reference in paid}

    def save_progress(
        self,
        last: Any,
        count: int,
        figures: dict[str, dict[str, int]],
        by_basis: dict[str, dict[str, int]],
        written: int,
        skipped: int,
    ) -> None:
        """In the batch's transaction: the cursor and the report move with the credits."""
        run = self.merge(last, count, figures, by_basis, written, skipped)
        updated = EntitlementRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            report=run.report,
            cursor_region_code=run.cursor_region_code,
            cursor_resident_id=run.cursor_resident_id,
            residents_done=run.residents_done,
            batches_done=run.batches_done,
            heartbeat_at=run.heartbeat_at,
        )
        if not updated:
            raise EntitlementStateError("run_taken", f"发放任务 #{run.pk} 已不在执行状态，停止")

    def merge(
        self,
        last: Any,
        count: int,
        figures: dict[str, dict[str, int]],
        by_basis: dict[str, dict[str, int]],
        written: int,
        skipped: int,
    ) -> EntitlementRun:
        """The batch's figures added to the run's report, its cursor moved (in memory)."""
        run = self.run
        report = run.report or {}
        townships = report.setdefault("townships", {})
        for code, counts in figures.items():
            total = townships.setdefault(code, dict.fromkeys(FIGURES, 0))
            for name, value in counts.items():
                total[name] = total.get(name, 0) + value
        bases = report.setdefault("by_basis", {})
        for key, counts in by_basis.items():
            total = bases.setdefault(key, {"count": 0, "amount_fen": 0})
            total["count"] += counts["count"]
            total["amount_fen"] += counts["amount_fen"]
        report["written"] = report.get("written", 0) + written
        report["skipped"] = report.get("skipped", 0) + skipped
        run.report = report
        run.cursor_region_code = last[REGION]
        run.cursor_resident_id = last[ID]
        run.residents_done += count
        run.batches_done += 1
        run.heartbeat_at = timezone.now()
        return run


def ledger_items(benefit: Benefit) -> list[str] | None:
    """A benefit's items as the ledger's lots hold them; a care subsidy buys any care service."""
    if benefit.kind == CARE_SUBSIDY or not benefit.items:
        return None
    return ledger_item_codes(list(benefit.items))


def ledger_item_codes(items: list[str] | None) -> list[str] | None:
    """ "meal" stays a category; "item:ZC-001" becomes the catalogue code "ZC-001"."""
    if items is None:
        return None
    return [
        item[len(ITEM_PREFIX) :].upper() if item.startswith(ITEM_PREFIX) else item for item in items
    ]


def ledger_item_labels(items: list[str]) -> list[str]:
    """A lot's items for people: categories by their Chinese name, catalogue codes as they are."""
    return [SERVICE_CATEGORIES.get(item, item) for item in items]
