"""Service orders (issue 5 parts 4–8): the order and its history, the caregiver assignment with its
database-level no-double-booking guarantee, the visit and its flags, photos, complaints, callback
samples and the monthly provider statements.

Every row users can see is scoped by the resident's village code (`region_code`) and, for
provider-side users, by the provider (and the caregiver for their own work), see accounts.access.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    NEW = "new", _("待接单")
    ACCEPTED = "accepted", _("已接单")
    DISPATCHED = "dispatched", _("已派单")
    IN_SERVICE = "in_service", _("服务中")
    COMPLETED = "completed", _("已完成")
    RATED = "rated", _("已评价")
    CANCELLED = "cancelled", _("已取消")
    REFUSED = "refused", _("已拒单")


class Channel(models.TextChoices):
    WORKER = "worker", _("村（社区）工作人员代下单")
    HOTLINE = "hotline", _("热线电话")
    PROVIDER = "provider", _("服务机构接单")
    APP = "app", _("接口/小程序")


class Requester(models.TextChoices):
    RESIDENT = "resident", _("老人本人")
    FAMILY = "family", _("家属")
    WORKER = "worker", _("工作人员")


class Order(models.Model):
    scope_field = "region_code"
    provider_field = "provider"
    caregiver_field = "caregiver"

    number = models.CharField(_("订单编号"), max_length=20, unique=True)
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.PROTECT, related_name="orders"
    )
    region_code = models.CharField(_("所在村（社区）区划代码"), max_length=12)
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="orders"
    )
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("服务开始时间"))
    ends_at = models.DateTimeField(_("服务结束时间"))
    address = models.CharField(_("服务地址"), max_length=200)
    # WGS-84; without them the check-in distance cannot be verified (flagged, not refused).
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    subsidy_fen = models.PositiveIntegerField(_("补贴支付（分）"), null=True, blank=True)
    self_pay_fen = models.PositiveIntegerField(_("自付（分）"), null=True, blank=True)
    payment_reference = models.CharField(max_length=60, blank=True)
    channel = models.CharField(_("下单渠道"), max_length=10, choices=Channel.choices)
    requested_by = models.CharField(_("提出人"), max_length=10, choices=Requester.choices)
    requester_name = models.CharField(_("提出人姓名"), max_length=30, blank=True)
    requester_phone = models.CharField(_("提出人电话"), max_length=24, blank=True)
    notes = models.CharField(_("备注"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.NEW
    )
    status_reason = models.CharField(_("取消/拒单原因"), max_length=200, blank=True)
    caregiver = models.ForeignKey(
        "providers.StaffMember",
        verbose_name=_("护理员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("下单时间"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(_("签到距离（米）"), null=True, blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    check_out_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    work_done = models.TextField(_("服务内容"), blank=True)
    service_notes = models.TextField(_("服务记录"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    rated_by = models.CharField(_("评价人"), max_length=10, choices=Requester.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status", "starts_at"], name="order_provider_state"),
            models.Index(fields=["region_code", "starts_at"], name="order_region_start"),
            models.Index(fields=["caregiver", "starts_at"], name="order_caregiver_start"),
            models.Index(fields=["provider", "completed_at"], name="order_provider_completed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="order_window"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="order_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_fen__isnull=True) | Q(subsidy_fen__lte=models.F("price_fen")),
                name="order_subsidy_within_price",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def point(self) -> tuple[float, float] | None:
        """The service address as (latitude, longitude) floats, or None without coordinates."""
        if self.latitude is None or self.longitude is None:
            return None
        return float(self.latitude), float(self.longitude)


EVENT_LABELS = {
    "place": _("下单"),
    "accept": _("接单"),
    "refuse": _("拒单"),
    "dispatch": _("派单"),
    "reassign": _("改派"),
    "check_in": _("签到"),
    "check_out": _("签退"),
    "rate": _("评价"),
    "cancel": _("取消"),
}


class OrderEvent(models.Model):
    """The order's history: every transition and every visit step, with who and when."""

    scope_field = "order__region_code"
    provider_field = "order__provider"
    caregiver_field = "order__caregiver"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))

    @property
    def to_label(self) -> str:
        return str(OrderStatus(self.to_status).label) if self.to_status else ""


class Assignment(models.Model):
    """A caregiver holding an order's window. Active rows may not overlap per caregiver and an
    order has at most one active row: PostgreSQL exclusion constraint / SQLite trigger (migration
    0001) and the partial unique index below."""

    scope_field = "order__region_code"
    provider_field = "order__provider"
    caregiver_field = "caregiver"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="assignments")
    caregiver = models.ForeignKey(
        "providers.StaffMember", on_delete=models.PROTECT, related_name="assignments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(is_active=True), name="assignment_one_per_order"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="assignment_window"
            ),
        ]
        indexes = [
            models.Index(fields=["caregiver", "starts_at"], name="assignment_caregiver_start"),
            models.Index(fields=["starts_at"], name="assignment_start"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.caregiver_id}"


class FlagKind(models.TextChoices):
    FAR_CHECK_IN = "far_check_in", _("签到位置超出范围")
    UNVERIFIABLE_LOCATION = "unverifiable_location", _("无法核验位置（订单无坐标）")
    SHORT_VISIT = "short_visit", _("服务时长不足")
    LATE = "late", _("未按时签到")


class VisitFlag(models.Model):
    """Something about a visit a supervisor should look at."""

    scope_field = "order__region_code"
    provider_field = "order__provider"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("类型"), max_length=24, choices=FlagKind.choices)
    detail = models.CharField(_("说明"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="visit_flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class VisitPolicy(models.Model):
    """Check-in radius and shortest acceptable visit for a region subtree; the nearest wins."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    radius_m = models.PositiveIntegerField(_("签到半径（米）"))
    minimum_share = models.DecimalField(
        _("最短服务时长占标准时长比例"), max_digits=3, decimal_places=2
    )

    def __str__(self) -> str:
        return f"{self.region_code} {self.radius_m} m"


def photo_path(instance: "ServicePhoto", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"orders/{instance.order_id}/{secrets.token_hex(12)}.{extension}"


class ServicePhoto(models.Model):
    scope_field = "order__region_code"
    provider_field = "order__provider"
    caregiver_field = "order__caregiver"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    HANDLING = "handling", _("处理中")
    RESOLVED = "resolved", _("已办结")
    REJECTED = "rejected", _("不予受理")


class Complaint(models.Model):
    scope_field = "order__region_code"
    provider_field = "order__provider"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.CharField(_("投诉人"), max_length=10, choices=Requester.choices)
    content = models.TextField(_("投诉内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    due_on = models.DateField(_("办结期限"))
    handler_note = models.TextField(_("处理情况"), blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


class CallbackSample(models.Model):
    """A reproducible random draw (by `seed`) of completed orders of a period for callbacks."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    size = models.PositiveIntegerField(_("抽样数"))
    seed = models.CharField(_("随机种子"), max_length=40)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.period_start}–{self.period_end}"


class CallbackOutcome(models.TextChoices):
    PENDING = "", _("待回访")
    SATISFIED = "satisfied", _("满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    NOT_DELIVERED = "not_delivered", _("反映未提供服务")
    UNREACHABLE = "unreachable", _("无法联系")


class Callback(models.Model):
    scope_field = "order__region_code"

    sample = models.ForeignKey(CallbackSample, on_delete=models.CASCADE, related_name="callbacks")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="callbacks")
    outcome = models.CharField(
        _("回访结果"), max_length=16, choices=CallbackOutcome.choices, blank=True
    )
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order__number"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "order"], name="callback_once_per_sample")
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.order_id}"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class Statement(models.Model):
    """A provider's monthly settlement; once confirmed its lines and totals never change."""

    scope_field = "provider__region_code"
    provider_field = "provider"

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("结算月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    order_count = models.PositiveIntegerField(_("订单数"), default=0)
    total_fen = models.BigIntegerField(_("服务金额（分）"), default=0)
    subsidy_fen = models.BigIntegerField(_("补贴支付（分）"), default=0)
    self_pay_fen = models.BigIntegerField(_("自付（分）"), default=0)
    ledger_fen = models.BigIntegerField(_("账本支付（分）"), default=0)
    computed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="statement_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m}"

    @property
    def is_reconciled(self) -> bool:
        return self.ledger_fen == self.subsidy_fen


class StatementLine(models.Model):
    scope_field = "statement__provider__region_code"
    provider_field = "statement__provider"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField()
    subsidy_fen = models.PositiveIntegerField()
    self_pay_fen = models.PositiveIntegerField()
    ledger_fen = models.BigIntegerField()

    class Meta:
        ordering = ["order__completed_at", "order_id"]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.order_id}"
