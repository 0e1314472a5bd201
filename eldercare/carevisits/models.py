"""Care agreements for key elderly, the contacts logged against them and their follow-ups.

Changed only by the services (services/). Every row follows the resident: whoever may see the
resident sees their agreements and contacts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.carevisits.rules.compliance import ContactKind as RuleContactKind
from eldercare.registry.models import Resident


class CareVisitPolicy(models.Model):
    """A region's key-elderly rule and weekly requirement; the nearest one up the tree applies,
    else the national default (rules/keyelderly.py, rules/compliance.py)."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    key_rule = models.JSONField(_("重点老人认定规则"))
    min_contacts = models.PositiveSmallIntegerField(_("每周联系天数"))
    min_visits = models.PositiveSmallIntegerField(_("其中上门走访次数"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("关爱探访设置")
        verbose_name_plural = _("关爱探访设置")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.region_code


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("履行中")
    ENDED = "ended", _("已终止")


class CareAgreement(models.Model):
    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="care_agreements")
    status = models.CharField(
        _("状态"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    min_contacts = models.PositiveSmallIntegerField(_("每周联系天数"))
    min_visits = models.PositiveSmallIntegerField(_("其中上门走访次数"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签订时间"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("关爱服务协议")
        verbose_name_plural = _("关爱服务协议")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="active"),
                name="care_agreement_one_active",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="care_agreement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"关爱协议 #{self.pk}"


class VisitorKind(models.TextChoices):
    VILLAGE_WORKER = "village_worker", _("村（社区）工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    TOWNSHIP_WORKER = "township_worker", _("乡镇（街道）民政办")
    NEIGHBOUR = "neighbour", _("近邻")
    RELATIVE = "relative", _("亲属")


# Visitors of these kinds work on the platform and must be one of its users.
USER_VISITOR_KINDS = (
    VisitorKind.VILLAGE_WORKER,
    VisitorKind.GRID_WORKER,
    VisitorKind.TOWNSHIP_WORKER,
)


class AgreementVisitor(models.Model):
    """A responsible visitor of the agreement as it stands now (history in AgreementVersion)."""

    scope_field = "agreement__resident__region_code"

    agreement = models.ForeignKey(CareAgreement, on_delete=models.CASCADE, related_name="visitors")
    kind = models.CharField(_("身份"), max_length=20, choices=VisitorKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_visitor_of",
    )
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("电话"), max_length=24, blank=True)
    added_at = models.DateTimeField(_("加入时间"))
    # Set when an amendment takes the visitor off the agreement; the row stays for the history.
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任探访人")
        verbose_name_plural = _("责任探访人")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(kind__in=[str(k) for k in USER_VISITOR_KINDS]),
                name="care_visitor_worker_is_user",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgreementVersion(models.Model):
    """What the agreement said from `effective_at` on: signing is version 1, each amendment the
    next. Append-only."""

    scope_field = "agreement__resident__region_code"

    agreement = models.ForeignKey(CareAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    effective_at = models.DateTimeField(_("生效时间"))
    terms = models.JSONField(_("协议内容"))
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("协议版本")
        verbose_name_plural = _("协议版本")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="care_agreement_version")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.number}"


class ContactKind(models.TextChoices):
    HOME_VISIT = RuleContactKind.HOME_VISIT, _("上门走访")
    PHONE_CALL = RuleContactKind.PHONE_CALL, _("电话联系")
    VIDEO_CALL = RuleContactKind.VIDEO_CALL, _("视频通话")


class Wellbeing(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")
    URGENT = "urgent", _("情况紧急")


class CareContact(models.Model):
    """One contact with a key resident, logged once (idempotency key per logging user)."""

    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="care_contacts")
    agreement = models.ForeignKey(
        CareAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    kind = models.CharField(_("方式"), max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("联系时间"), db_index=True)
    visitor = models.ForeignKey(
        AgreementVisitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    visitor_name = models.CharField(_("探访人"), max_length=30)
    health = models.CharField(
        _("身体状况"), max_length=10, choices=Wellbeing.choices, default=Wellbeing.GOOD
    )
    living_conditions = models.CharField(
        _("生活状况"), max_length=10, choices=Wellbeing.choices, default=Wellbeing.GOOD
    )
    needs = models.JSONField(_("服务需求"), default=list, blank=True)
    findings = models.TextField(_("情况记录"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["logged_by", "idempotency_key"], name="care_contact_idempotent"
            )
        ]
        indexes = [models.Index(fields=["resident", "occurred_at"], name="care_contact_resident")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class FollowUpKind(models.TextChoices):
    SERVICE_ORDER = "service_order", _("转服务工单")
    ALARM = "alarm", _("发起紧急呼叫")
    REFERRAL = "referral", _("转其他部门")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待转办")
    HANDED_OVER = "handed_over", _("已转办")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class FollowUp(models.Model):
    scope_field = "contact__resident__region_code"

    contact = models.ForeignKey(CareContact, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("后续处理"), max_length=20, choices=FollowUpKind.choices)
    department = models.CharField(_("转办部门"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    # The other app's record once handed over (order number, alarm id).
    target_ref = models.CharField(_("关联单号"), max_length=40, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("后续处理")
        verbose_name_plural = _("后续处理")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="referral") | ~Q(department=""), name="care_referral_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
