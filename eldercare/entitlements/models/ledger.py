"""The subsidy ledger: accounts, transfers with their double entries, and credit lots.

Money is integer fen. A `Transfer` is one business movement (a monthly credit, an order payment, a
refund, an expiry, a correction); its `LedgerEntry` rows sum to zero. Each account's
`balance_fen` column is updated in the same transaction as its entries and always equals their
sum. The money on a resident account is held in `CreditLot`s (one per credit) that remember which
items they may pay for and when they expire; the lots' remaining amounts sum to the balance.
Rows are written only by `eldercare.entitlements.ledger`; nothing here is ever edited or deleted.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eldercare.core.money import format_fen
from eldercare.registry.models import Resident


class AccountKind(models.TextChoices):
    FUND = "fund", _("资金来源")
    RESIDENT = "resident", _("老年人补贴账户")
    PROVIDER = "provider", _("服务机构结算账户")
    EXPIRY = "expiry", _("过期核销")
    ADJUSTMENT = "adjustment", _("调账")
    # The outside world a budget comes from: goes negative by the amount of every budget loaded.
    APPROPRIATION = "appropriation", _("预算拨入")


# One system account of each of these kinds per region, opened on first use.
SYSTEM_KINDS = (AccountKind.EXPIRY, AccountKind.ADJUSTMENT, AccountKind.APPROPRIATION)


class FundSource(models.TextChoices):
    CENTRAL_FINANCE = "central_finance", _("中央财政")
    PROVINCIAL_FINANCE = "provincial_finance", _("省级财政")
    CITY_FINANCE = "city_finance", _("市级财政")
    COUNTY_FINANCE = "county_finance", _("县级财政")
    WELFARE_LOTTERY = "welfare_lottery", _("福彩公益金")
    DONATION = "donation", _("社会捐赠")
    OTHER = "other", _("其他")


class CreditKind(models.TextChoices):
    """Which subsidy a resident account holds: each kind has its own account and balance."""

    SERVICE = "service", _("居家养老服务补贴")
    CARE = "care", _("失能老人护理补贴")


class Cause(models.TextChoices):
    MONTHLY_CREDIT = "monthly_credit", _("月度补贴发放")
    ONE_OFF_CREDIT = "one_off_credit", _("一次性补贴发放")
    BUDGET = "budget", _("预算拨入")
    ORDER_PAYMENT = "order_payment", _("服务订单支付")
    REFUND = "refund", _("退款")
    EXPIRY = "expiry", _("过期核销")
    CORRECTION = "correction", _("调账更正")


CREDIT_CAUSES = (Cause.MONTHLY_CREDIT, Cause.ONE_OFF_CREDIT)


class LedgerAccount(models.Model):
    """A fund source, a resident's subsidy account, a provider's settlement account or a system
    account (expiry sink, adjustments, budget appropriation) of a region."""

    scope_field = "region_code"

    kind = models.CharField(_("账户类型"), max_length=20, choices=AccountKind.choices)
    name = models.CharField(_("账户名称"), max_length=100)
    # A fund's or provider's region; a resident account's village when it was opened.
    region_code = models.CharField(_("区划代码"), max_length=12)
    fund_source = models.CharField(
        _("资金来源类别"), max_length=30, choices=FundSource.choices, blank=True
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    credit_kind = models.CharField(
        _("补贴类别"), max_length=20, choices=CreditKind.choices, blank=True
    )
    # Providers do not exist yet: their id (or code) as text; orders will pay into this account.
    owner_reference = models.CharField(_("所属机构编号"), max_length=64, blank=True)
    allows_negative = models.BooleanField(
        _("允许负余额"),
        default=False,
        help_text=_("仅资金来源可设置：未先拨入预算、按实际支出结算的资金"),
    )
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["kind", "region_code", "id"]
        indexes = [models.Index(fields=["kind", "region_code"], name="ledger_account_kind_region")]
        constraints = [
            models.CheckConstraint(
                condition=Q(allows_negative=True) | Q(balance_fen__gte=0),
                name="ledger_account_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.RESIDENT)
                | (Q(resident__isnull=False, allows_negative=False) & ~Q(credit_kind="")),
                name="ledger_resident_account_shape",
            ),
            models.CheckConstraint(
                condition=Q(kind=AccountKind.RESIDENT) | Q(resident__isnull=True, credit_kind=""),
                name="ledger_only_resident_accounts_have_resident",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.FUND) | ~Q(fund_source=""),
                name="ledger_fund_has_source",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.PROVIDER) | ~Q(owner_reference=""),
                name="ledger_provider_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[AccountKind.FUND, AccountKind.ADJUSTMENT, AccountKind.APPROPRIATION]
                )
                | Q(allows_negative=False),
                name="ledger_negative_only_for_funds",
            ),
            models.UniqueConstraint(
                fields=["resident", "credit_kind"],
                condition=Q(kind=AccountKind.RESIDENT),
                name="ledger_one_account_per_resident_kind",
            ),
            models.UniqueConstraint(
                fields=["owner_reference"],
                condition=Q(kind=AccountKind.PROVIDER),
                name="ledger_one_account_per_provider",
            ),
            models.UniqueConstraint(
                fields=["kind", "region_code"],
                condition=Q(kind__in=SYSTEM_KINDS),
                name="ledger_one_system_account_per_region",
            ),
            models.UniqueConstraint(
                fields=["region_code", "fund_source", "name"],
                condition=Q(kind=AccountKind.FUND),
                name="ledger_fund_name_unique_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance_yuan(self) -> str:
        return format_fen(self.balance_fen)


class Transfer(models.Model):
    """One business movement of money, identified by its idempotency `reference`.

    `payer` → `payee` of `amount_fen` is the movement as the business sees it; the entries are the
    exact bookkeeping (a payment takes from several lots; a refund of expired credit passes through
    the resident account to the expiry sink).
    """

    scope_field = "region_code"

    reference = models.CharField(_("业务编号"), max_length=120, unique=True)
    cause = models.CharField(_("原因"), max_length=20, choices=Cause.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    payer = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("付款账户")
    )
    payee = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("收款账户")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    # The resident's village at the time (or the fund's region): where the movement is counted.
    region_code = models.CharField(_("区划代码"), max_length=12)
    month = models.DateField(_("补贴月份"), null=True, blank=True)
    item_code = models.CharField(_("服务项目编码"), max_length=40, blank=True)
    item_category = models.CharField(_("服务类别"), max_length=40, blank=True)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    reason = models.TextField(_("事由"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(_("经办人"), max_length=150)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approver_username = models.CharField(_("审批人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金流转")
        verbose_name_plural = _("资金流转")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "created_at"], name="ledger_transfer_region_time"),
            models.Index(fields=["resident", "created_at"], name="ledger_transfer_resident_time"),
            models.Index(fields=["cause", "month"], name="ledger_transfer_cause_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="ledger_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(payer=F("payee")), name="ledger_transfer_between_two_accounts"
            ),
            models.CheckConstraint(
                condition=~Q(cause=Cause.CORRECTION)
                | (
                    ~Q(approver_username="")
                    & ~Q(reason="")
                    & ~Q(approver_username=F("actor_username"))
                ),
                name="ledger_correction_approved_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(cause=Cause.REFUND) | (Q(refund_of__isnull=False) & ~Q(reason="")),
                name="ledger_refund_names_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} {format_fen(self.amount_fen)}元 {self.reference}"


class CreditLot(models.Model):
    """The money of one credit on a resident account: what it may pay for and until when.

    Payments take from the lots that allow the item, soonest-expiring first; the expiry run moves
    a lot's remainder to the expiry sink. `items` is None for "any item", otherwise the item codes
    and service categories it may pay for.
    """

    scope_field = "account__region_code"

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lots")
    # Where the money came from: the fund of a credit, the counter account of a correction.
    source = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="created_lot")
    month = models.DateField(_("补贴月份"), null=True, blank=True)
    amount_fen = models.BigIntegerField(_("发放金额（分）"))
    remaining_fen = models.BigIntegerField(_("剩余金额（分）"))
    items = models.JSONField(_("限用项目"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("补贴额度")
        verbose_name_plural = _("补贴额度")
        ordering = ["account", "expires_on", "id"]
        indexes = [
            models.Index(fields=["account", "expires_on"], name="ledger_lot_account_expiry"),
            models.Index(
                fields=["expires_on"],
                condition=Q(remaining_fen__gt=0),
                name="ledger_lot_open_expiry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="ledger_lot_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(remaining_fen__gte=0) & Q(remaining_fen__lte=F("amount_fen")),
                name="ledger_lot_remaining_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{format_fen(self.remaining_fen)}/{format_fen(self.amount_fen)}元 至{self.expires_on}"
        )

    def allows(self, item_code: str, item_category: str) -> bool:
        return allows(self.items, item_code, item_category)


def allows(items: Sequence[str] | None, item_code: str, item_category: str) -> bool:
    if items is None:
        return True
    return item_code in items or bool(item_category and item_category in items)


class LedgerEntry(models.Model):
    """One side of a transfer on one account: signed fen (negative leaves, positive arrives)."""

    scope_field = "account__region_code"

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    # Set on every entry of a resident account: the lot the money belongs to.
    lot = models.ForeignKey(
        CreditLot, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # The transfer's time, copied so that a statement reads one index.
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["account", "created_at", "id"]
        indexes = [
            models.Index(fields=["account", "created_at"], name="ledger_entry_account_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="ledger_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {format_fen(self.amount_fen)}"
