import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eldercare.applications.chain import LEVEL_NAMES
from eldercare.catalogue.models import ServiceItem
from eldercare.entitlements.policy.vocabulary import (
    BENEFIT_KINDS,
    CARE_SUBSIDY,
    MONTHLY_SERVICE_CREDIT,
    ONE_OFF_SUBSIDY,
)
from eldercare.registry.choices import ContactRelation
from eldercare.registry.models import Resident


class ApplicationKind(models.TextChoices):
    BENEFIT = "benefit", _("补贴/待遇")
    SERVICE = "service", _("服务项目")


class BenefitKind(models.TextChoices):
    """The benefit kinds of the entitlement rules (entitlements.policy.vocabulary)."""

    MONTHLY_SERVICE_CREDIT = MONTHLY_SERVICE_CREDIT, BENEFIT_KINDS[MONTHLY_SERVICE_CREDIT]
    ONE_OFF_SUBSIDY = ONE_OFF_SUBSIDY, BENEFIT_KINDS[ONE_OFF_SUBSIDY]
    CARE_SUBSIDY = CARE_SUBSIDY, BENEFIT_KINDS[CARE_SUBSIDY]


class ApplicantKind(models.TextChoices):
    RESIDENT = "resident", _("老年人本人")
    FAMILY = "family", _("家属")
    WORKER = "worker", _("村（社区）工作人员代办")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待初审")
    UNDER_REVIEW = "under_review", _("审核中")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
FINAL_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
)


class ReviewLevel(models.TextChoices):
    VILLAGE = "village", LEVEL_NAMES["village"]
    TOWNSHIP = "township", LEVEL_NAMES["township"]
    COUNTY = "county", LEVEL_NAMES["county"]
    CITY = "city", LEVEL_NAMES["city"]


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    RETURN = "return", _("退回补正")
    REJECT = "reject", _("不予批准")
    WITHDRAWN = "withdrawn", _("申请已撤回")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交申请")
    STEP_APPROVED = "step_approved", _("审核通过")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("不予批准")
    APPROVED = "approved", _("批准")
    RESUBMITTED = "resubmitted", _("补正后重新提交")
    WITHDRAWN = "withdrawn", _("撤回申请")
    ATTACHMENT_ADDED = "attachment_added", _("上传材料")
    GRANTED = "granted", _("待遇已生效")


class ReviewChain(models.Model):
    """A county's or city's review chain; the nearest one up the tree applies (default:
    village → township → county, 5 working days each). Applications keep the chain they were
    (re)submitted under."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    steps = models.JSONField(_("审核步骤"), default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("审核流程")
        verbose_name_plural = _("审核流程")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.region_code


class Application(models.Model):
    """One application for a resident. Changed only by the services (services.py)."""

    # Access follows the person: whoever may see the resident sees their applications.
    scope_field = "resident__region_code"

    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(_("申请类型"), max_length=10, choices=ApplicationKind.choices)
    benefit_kind = models.CharField(
        _("补贴类型"), max_length=30, choices=BenefitKind.choices, blank=True
    )
    # None: the amount is set by policy, filled in by the final reviewer.
    amount_fen = models.PositiveIntegerField(_("申请金额（分）"), null=True, blank=True)
    service_item = models.ForeignKey(
        ServiceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("服务项目"),
    )
    applicant_kind = models.CharField(_("申请人"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人姓名"), max_length=30, blank=True)
    applicant_relation = models.CharField(
        _("与老人关系"), max_length=20, choices=ContactRelation.choices, blank=True
    )
    applicant_phone = models.CharField(_("申请人电话"), max_length=24, blank=True)
    reason = models.TextField(_("申请理由"), max_length=1000)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=15,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    # The chain this round of review follows, frozen when (re)submitted.
    chain = models.JSONField(_("审核流程"), default=list)
    round = models.PositiveSmallIntegerField(_("提交次数"), default=1)
    # The open step while under review (position in `chain`, its level and deadline).
    current_step = models.PositiveSmallIntegerField(_("当前步骤"), null=True, blank=True)
    current_level = models.CharField(
        _("当前审核层级"), max_length=10, choices=ReviewLevel.choices, blank=True
    )
    current_due_on = models.DateField(_("当前步骤截止日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    approved_amount_fen = models.PositiveIntegerField(_("核定金额（分）"), null=True, blank=True)
    approved_first_month = models.DateField(_("待遇起始月份"), null=True, blank=True)
    # Final approval of a benefit creates an entitlement (entitlements.services.grant_entitlement,
    # idempotent by "application:<pk>"); pending while that service is not available.
    is_grant_pending = models.BooleanField(_("待遇待生成"), default=False)
    entitlement_id = models.PositiveBigIntegerField(_("待遇编号"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "status"], name="application_resident_status"),
            models.Index(fields=["status", "current_due_on"], name="application_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="benefit", service_item__isnull=True) & ~Q(benefit_kind="")
                    | Q(kind="service", service_item__isnull=False, benefit_kind="")
                ),
                name="application_kind_fields",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["submitted", "under_review"], current_step__isnull=False)
                    & ~Q(current_level="")
                    & Q(current_due_on__isnull=False)
                )
                | (
                    Q(current_step__isnull=True, current_level="", current_due_on__isnull=True)
                    & ~Q(status__in=["submitted", "under_review"])
                ),
                name="application_open_step",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(current_step=1),
                name="application_submitted_at_step_one",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | Q(status__in=["approved", "rejected", "withdrawn"]),
                name="application_decided_is_final",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def subject(self) -> str:
        """What is applied for, for people: "每月护理补贴" or "ZC-001 助餐"."""
        if self.kind == ApplicationKind.SERVICE and self.service_item is not None:
            return f"{self.service_item.code} {self.service_item.name}"
        return str(BENEFIT_KINDS.get(self.benefit_kind, self.benefit_kind))

    @property
    def step_count(self) -> int:
        return len(self.chain)


class ReviewStep(models.Model):
    """One step of one round of review; open while `decision` is blank (at most one is open)."""

    scope_field = "application__resident__region_code"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(_("提交次数"))
    position = models.PositiveSmallIntegerField(_("步骤"))
    level = models.CharField(_("审核层级"), max_length=10, choices=ReviewLevel.choices)
    # The reviewing unit: the resident's village / township / county / city at that level.
    region_code = models.CharField(_("审核单位区划代码"), max_length=12)
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    started_at = models.DateTimeField(_("开始时间"))
    due_on = models.DateField(_("截止日期"))
    # The deadline reaches into a year whose holidays are not entered: counted by weekends only.
    is_due_provisional = models.BooleanField(_("截止日期仅按周末推算"), default=False)
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer_name = models.CharField(_("审核人"), max_length=150, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = _("审核步骤")
        ordering = ["application", "round", "position"]
        indexes = [
            models.Index(fields=["region_code", "decision"], name="review_step_unit"),
            models.Index(fields=["decision", "due_on"], name="review_step_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(decision=""),
                name="review_step_one_open",
            ),
            models.UniqueConstraint(
                fields=["application", "round", "position"], name="review_step_unique"
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="review_step_decided_at",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=["return", "reject"]) | ~Q(comment=""),
                name="review_step_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.round}.{self.position} {self.level}"

    @property
    def is_open(self) -> bool:
        return self.decision == ""


class ApplicationEvent(models.Model):
    """The timeline of an application, in the order things happened."""

    scope_field = "application__resident__region_code"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(_("办理人"), max_length=150)
    round = models.PositiveSmallIntegerField(_("提交次数"))
    step = models.PositiveSmallIntegerField(_("步骤"), null=True, blank=True)
    level = models.CharField(_("审核层级"), max_length=10, choices=ReviewLevel.choices, blank=True)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name that keeps only the (checked) extension: never the uploaded name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A document attached to an application: pdf, jpg or png, stored under a random name and
    served only through the scoped download view."""

    scope_field = "application__resident__region_code"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("材料说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
