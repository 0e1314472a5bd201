"""Individual entitlements granted outside the rules: an approved application, a decision.

An `Entitlement` says: this resident gets this benefit (same kinds as the rule files) of this
amount from `first_month` to `last_month` (None: open-ended), for this reason, because of
`source_reference` (e.g. "application:123"; unique, so granting twice grants once). The monthly
run credits it next to the rule-based benefits. Ending one sets its last month; nothing is
deleted. Written only by eldercare.entitlements.grants.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eldercare.core.money import format_fen
from eldercare.registry.models import Resident


class BenefitKind(models.TextChoices):
    """The benefit kinds of the rule files (eldercare.entitlements.policy.BENEFIT_KINDS)."""

    MONTHLY_SERVICE_CREDIT = "monthly_service_credit", _("每月购买服务额度")
    ONE_OFF_SUBSIDY = "one_off_subsidy", _("一次性补贴")
    CARE_SUBSIDY = "care_subsidy", _("每月护理补贴")


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    ENDED = "ended", _("已终止")


class Entitlement(models.Model):
    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="entitlements")
    kind = models.CharField(_("补贴类型"), max_length=30, choices=BenefitKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # Service categories ("meal") and catalogue items ("item:ZC-001") a credit may buy; None: any.
    items = models.JSONField(_("限用项目"), null=True, blank=True)
    first_month = models.DateField(_("起始月份"))
    last_month = models.DateField(_("终止月份"), null=True, blank=True)
    reason = models.TextField(_("事由"))
    source_reference = models.CharField(_("来源编号"), max_length=120, unique=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=EntitlementStatus.choices,
        default=EntitlementStatus.ACTIVE,
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_by_username = models.CharField(_("批准人"), max_length=150)
    created_at = models.DateTimeField(_("批准时间"), auto_now_add=True)
    ended_by_username = models.CharField(_("终止人"), max_length=150, blank=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    end_reason = models.TextField(_("终止原因"), blank=True)

    class Meta:
        verbose_name = _("个人补贴资格")
        verbose_name_plural = _("个人补贴资格")
        ordering = ["-first_month", "-id"]
        indexes = [
            models.Index(fields=["resident", "first_month"], name="entitlement_resident_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="entitlement_amount_positive"
            ),
            # Only an ended grant may end before it starts (cancelled before taking effect).
            models.CheckConstraint(
                condition=Q(last_month__isnull=True)
                | Q(last_month__gte=F("first_month"))
                | Q(status="ended"),
                name="entitlement_months_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="entitlement_ended_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {format_fen(self.amount_fen)}元（{self.source_reference}）"
        )

    def in_effect(self, month: date) -> bool:
        """Credited for `month` (the first of a month)?"""
        return self.first_month <= month and (self.last_month is None or month <= self.last_month)

    @property
    def key(self) -> str:
        """The grant's part of a ledger reference: "grant:<id>" (rule keys never contain ':')."""
        return f"grant:{self.pk}"
