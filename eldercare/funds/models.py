"""Pilot funds: sources (资金来源), allocations (资金下达/安排) to regions and projects, and
expenditures (支出) with vouchers. Changed only by the services (funds/services/).

Money entries are append-only. A correction writes a reversal (the negated amount, same business
date, `reverses` the original) and, unless it only cancels, a new entry that `corrects` the
original; neither the original nor its amount is ever updated or deleted. Each source and
allocation carries maintained totals (`net_fen`, `allocated_fen`, `spent_fen`) that the services
update with the entries under a row lock, and CHECK constraints refuse totals beyond their limit
even if a service were wrong (docs/decisions/0014-pilot-funds.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FundKind(models.TextChoices):
    CENTRAL = "central", _("中央财政补助资金")
    PROVINCIAL = "provincial", _("省级财政资金")
    LOCAL_MATCH = "local_match", _("地方配套资金")
    LOTTERY = "lottery", _("福利彩票公益金")
    OTHER = "other", _("其他资金")


class ProjectCategory(models.TextChoices):
    FACILITY = "facility", _("设施建设")
    SERVICE_PURCHASE = "service_purchase", _("购买服务")
    PLATFORM = "platform", _("信息平台")
    TRAINING = "training", _("人才培训")
    HOME_ADAPTATION = "home_adaptation", _("适老化改造")
    OPERATION = "operation", _("运营补贴")
    OTHER = "other", _("其他")


class FundUse(models.TextChoices):
    """What an allocation is for; the lottery-fund share counts ELDERLY_CARE."""

    ELDERLY_CARE = "elderly_care", _("养老服务")
    OTHER_WELFARE = "other_welfare", _("其他社会福利")


class Entry(models.Model):
    """What sources, allocations and expenditures share: a signed amount, reversal and
    correction links, who and when."""

    amount_fen = models.BigIntegerField(_("金额（分）"))
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("冲销的原记录"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("更正的原记录"),
    )
    reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # The type checker does not derive these for a self-reference on an abstract model.
    reverses_id: int | None
    corrects_id: int | None

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def is_reversed(self) -> bool:
        return hasattr(self, "reversal")

    @property
    def is_live(self) -> bool:
        """Counts as an entry of its own: neither a reversal nor reversed."""
        return not self.is_reversal and not self.is_reversed


def entry_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        # An entry is positive; a reversal is negative and says why.
        models.CheckConstraint(
            condition=Q(reverses__isnull=True, amount_fen__gt=0)
            | (Q(reverses__isnull=False, amount_fen__lt=0) & ~Q(reason="")),
            name=f"{prefix}_amount_sign",
        ),
        models.CheckConstraint(
            condition=Q(corrects__isnull=True) | ~Q(reason=""), name=f"{prefix}_correction_reason"
        ),
    ]


class Source(Entry):
    """Money placed at a government's disposal: e.g. 2019 central pilot subsidy to 会宁县."""

    scope_field = "region_code"

    region_code = models.CharField(_("资金所属区划"), max_length=12)
    kind = models.CharField(_("资金来源"), max_length=12, choices=FundKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("资金名称"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    received_on = models.DateField(_("到位日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Maintained: the amount while live, 0 once reversed (and for the reversal itself).
    net_fen = models.BigIntegerField(_("有效金额（分）"), default=0)
    # Maintained: net sum of the allocations of this source.
    allocated_fen = models.BigIntegerField(_("已安排（分）"), default=0)

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["-year", "region_code", "kind", "id"]
        indexes = [models.Index(fields=["region_code", "kind"], name="fund_source_region_kind")]
        constraints = [
            *entry_constraints("fund_source"),
            models.CheckConstraint(
                condition=Q(allocated_fen__gte=0, net_fen__gte=0)
                & Q(allocated_fen__lte=F("net_fen")),
                name="fund_source_allocated_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def unallocated_fen(self) -> int:
        return self.net_fen - self.allocated_fen


class Project(models.Model):
    """What money is spent on: a station built, a service purchased, training, …"""

    scope_field = "region_code"

    region_code = models.CharField(_("实施区划"), max_length=12)
    name = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("项目类别"), max_length=20, choices=ProjectCategory.choices)
    description = models.TextField(_("项目内容"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="fund_project_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(Entry):
    """Part of a source placed with a region (its own level or below), optionally a project."""

    scope_field = "region_code"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="allocations")
    region_code = models.CharField(_("下达区划"), max_length=12)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("项目"),
    )
    use = models.CharField(
        _("资金用途"), max_length=15, choices=FundUse.choices, default=FundUse.ELDERLY_CARE
    )
    allocated_on = models.DateField(_("下达日期"))
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    net_fen = models.BigIntegerField(_("有效金额（分）"), default=0)
    spent_fen = models.BigIntegerField(_("已支出（分）"), default=0)

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["-allocated_on", "-id"]
        indexes = [models.Index(fields=["region_code", "allocated_on"], name="fund_alloc_region")]
        constraints = [
            *entry_constraints("fund_allocation"),
            models.CheckConstraint(
                condition=Q(spent_fen__gte=0, net_fen__gte=0) & Q(spent_fen__lte=F("net_fen")),
                name="fund_allocation_spent_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.region_code}"

    @property
    def unspent_fen(self) -> int:
        return self.net_fen - self.spent_fen


class Expenditure(Entry):
    """A payment out of an allocation, with its voucher (凭证)."""

    scope_field = "region_code"

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="expenditures"
    )
    # The allocation's region, copied so that roll-ups are one range scan.
    region_code = models.CharField(_("区划代码"), max_length=12)
    spent_on = models.DateField(_("支出日期"))
    payee = models.CharField(_("收款单位（人）"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200)
    voucher_no = models.CharField(_("凭证号"), max_length=40)

    class Meta:
        verbose_name = _("资金支出")
        verbose_name_plural = _("资金支出")
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["region_code", "spent_on"], name="fund_spend_region")]
        constraints = entry_constraints("fund_expenditure")

    def __str__(self) -> str:
        return f"{self.voucher_no} {self.payee}"


def voucher_path(instance: "Voucher", filename: str) -> str:
    """A random name that keeps only the (checked) extension: never the uploaded name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"funds/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Voucher(models.Model):
    """A scanned voucher of an expenditure: pdf, jpg or png, served only by the audited download."""

    scope_field = "expenditure__region_code"

    expenditure = models.ForeignKey(Expenditure, on_delete=models.PROTECT, related_name="vouchers")
    file = models.FileField(upload_to=voucher_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("支出凭证")
        verbose_name_plural = _("支出凭证")
        ordering = ["expenditure", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
