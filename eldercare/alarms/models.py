"""Emergency-call devices, the events they report, alarms and their call chains (issue 6).

Changed only through the services: devices (services/devices.py), ingestion
(services/ingestion.py), escalation and handling (services/escalation.py, services/handling.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.alarms.rules import chain, kinds
from eldercare.registry.models import Resident


class DeviceKind(models.TextChoices):
    ONE_KEY_CALL = "one_key_call", _("一键通呼叫器")
    SAFETY_BELL = "safety_bell", _("平安钟（固话盒）")
    WEARABLE = "wearable", _("智能手环/定位器")
    FALL_DETECTOR = "fall_detector", _("跌倒探测器")
    SMOKE = "smoke", _("烟雾报警器")
    GAS = "gas", _("燃气报警器")
    WATER = "water", _("水浸报警器")
    INFRARED = "infrared", _("红外/无活动感应器")
    DOOR = "door", _("门磁")


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("未绑定")
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已报废")


class Device(models.Model):
    """One installed (or stocked) device; its secret is derived from `key_version`, not stored."""

    # A bound device follows its resident's village; an unbound one the region that registered it.
    scope_field = "region_code"

    vendor = models.CharField(_("厂商代码"), max_length=32)
    serial = models.CharField(_("序列号/IMEI"), max_length=64)
    kind = models.CharField(_("设备类型"), max_length=20, choices=DeviceKind.choices)
    model_name = models.CharField(_("型号"), max_length=60, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_devices",
        verbose_name=_("绑定老人"),
    )
    address = models.CharField(_("安装地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    key_version = models.PositiveIntegerField(_("密钥版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK
    )
    last_heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    battery_percent = models.PositiveSmallIntegerField(_("电量（%）"), null=True, blank=True)
    retired_on = models.DateField(_("报废日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("紧急呼叫设备")
        verbose_name_plural = _("紧急呼叫设备")
        ordering = ["region_code", "vendor", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "serial"], name="device_vendor_serial"),
            models.CheckConstraint(
                condition=Q(status="active", resident__isnull=False)
                | (~Q(status="active") & Q(resident__isnull=True)),
                name="device_active_is_bound",
            ),
            models.CheckConstraint(
                condition=Q(battery_percent__isnull=True) | Q(battery_percent__lte=100),
                name="device_battery_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_heartbeat_at"], name="device_status_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vendor}/{self.serial}"


class Gateway(models.Model):
    """A vendor's platform that forwards its devices' events in batches, signed with its own key."""

    scope_field = "region_code"

    vendor = models.CharField(_("厂商代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(_("登记区划代码"), max_length=12)
    key_version = models.PositiveIntegerField(_("密钥版本"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("厂商网关")
        verbose_name_plural = _("厂商网关")
        ordering = ["vendor"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    SOS = kinds.SOS, _("一键呼救")
    FALL = kinds.FALL, _("跌倒")
    SMOKE = kinds.SMOKE, _("烟雾")
    GAS = kinds.GAS, _("燃气泄漏")
    WATER = kinds.WATER, _("水浸")
    INACTIVITY = kinds.INACTIVITY, _("长时间无活动")
    GEOFENCE_EXIT = kinds.GEOFENCE_EXIT, _("离开安全区域")
    DOOR = kinds.DOOR, _("门磁异常")
    LOW_BATTERY = kinds.LOW_BATTERY, _("电量低")
    HEARTBEAT = kinds.HEARTBEAT, _("心跳")


class DeviceEvent(models.Model):
    """Every accepted event; the unique (device, event id) makes ingestion idempotent."""

    scope_field = "device__region_code"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(_("事件编号"), max_length=64)
    kind = models.CharField(_("事件类型"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"))
    battery_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("设备事件")
        verbose_name_plural = _("设备事件")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="device_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.event_id}"


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("待响应")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    CLOSED = "closed", _("已结案")


class Outcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("误报")
    HANDLED_AT_HOME = "handled_at_home", _("居家处置")
    SENT_TO_HOSPITAL = "sent_to_hospital", _("送医")
    DECEASED = "deceased", _("死亡")


class Alarm(models.Model):
    """An alarm opened by a device event. The escalation state (`current_step`, `step_due_at`)
    lives here so any worker, after any restart, continues exactly where the last one stopped."""

    scope_field = "region_code"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="alarms")
    event_id = models.CharField(_("事件编号"), max_length=64)
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="alarms", verbose_name=_("老人")
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    kind = models.CharField(_("报警类型"), max_length=20, choices=EventKind.choices)
    urgency = models.PositiveSmallIntegerField(_("紧急程度"))
    opened_at = models.DateTimeField(_("报警时间"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=AlarmStatus.choices, default=AlarmStatus.OPEN
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # The chain is frozen when the first step starts, so an edit never reshuffles a running call.
    chain = models.JSONField(_("呼叫链"), default=list, blank=True)
    current_step = models.PositiveSmallIntegerField(_("当前环节"), default=0)
    step_due_at = models.DateTimeField(_("当前环节确认时限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("处置结果"), max_length=20, choices=Outcome.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["urgency", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="alarm_one_per_event"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="alarm_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(step_due_at__isnull=True),
                name="alarm_timer_only_when_open",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "step_due_at"], name="alarm_status_due"),
            models.Index(fields=["region_code", "status"], name="alarm_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def seconds_to_acknowledge(self) -> float | None:
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.opened_at).total_seconds()

    @property
    def seconds_to_close(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.opened_at).total_seconds()

    @property
    def step_count(self) -> int:
        return len(self.chain)


class ActionKind(models.TextChoices):
    ESCALATED = "escalated", _("呼叫下一环节")
    CHAIN_EXHAUSTED = "chain_exhausted", _("呼叫链已用尽")
    ACKNOWLEDGED = "acknowledged", _("响应")
    NOTE = "note", _("备注")
    VISIT_REQUESTED = "visit_requested", _("派员上门")
    CLOSED = "closed", _("结案")


class AlarmAction(models.Model):
    """The alarm's timeline: escalations by the worker and what people did."""

    scope_field = "alarm__region_code"

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("动作"), max_length=20, choices=ActionKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    step = models.PositiveSmallIntegerField(_("环节"), null=True, blank=True)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("报警处置记录")
        verbose_name_plural = _("报警处置记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.kind}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """One call-chain step's notification; unique per (alarm, step), so never sent twice."""

    scope_field = "alarm__region_code"

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="notifications")
    step = models.PositiveSmallIntegerField(_("环节"))
    step_kind = models.CharField(_("环节类型"), max_length=20)
    recipient_name = models.CharField(_("接收人"), max_length=100)
    recipient_phone = models.CharField(_("电话"), max_length=24, blank=True)
    message = models.TextField(_("内容"))
    channel = models.CharField(_("发送方式"), max_length=100)
    created_at = models.DateTimeField(_("时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    error = models.CharField(_("错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["alarm", "step"]
        constraints = [
            models.UniqueConstraint(fields=["alarm", "step"], name="notification_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.alarm_id}#{self.step} {self.recipient_name}"


class StepKind(models.TextChoices):
    PROVIDER = chain.PROVIDER, _("服务机构呼叫中心")
    FAMILY = chain.FAMILY, _("子女/亲属")
    NEIGHBOUR = chain.NEIGHBOUR, _("邻居")
    GRID = chain.GRID, _("网格员/村（居）干部")
    ADVISE_120 = chain.ADVISE_120, _("建议拨打120")
    OTHER = chain.OTHER, _("其他")


class CallChainStep(models.Model):
    """A resident's edited call chain; without rows the default chain applies."""

    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="call_chain")
    position = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("环节类型"), max_length=20, choices=StepKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    phone = models.CharField(_("电话"), max_length=24, blank=True)
    timeout_seconds = models.PositiveIntegerField(_("确认时限（秒）"))

    class Meta:
        verbose_name = _("呼叫链环节")
        verbose_name_plural = _("呼叫链环节")
        ordering = ["resident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "position"], name="call_chain_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.name}"


class TimerLease(models.Model):
    """Which worker task currently runs the escalation loop; others only sweep once."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("计时租约")
        verbose_name_plural = _("计时租约")

    def __str__(self) -> str:
        return self.name
