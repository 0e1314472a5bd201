from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eldercare.assessment.scoring import GBT42195, MZT039, ClauseStacking, EventCounting
from eldercare.registry.models import Resident


class Standard(models.TextChoices):
    MZT039 = MZT039, "MZ/T 039-2013"
    GBT42195 = GBT42195, "GB/T 42195-2022"


class Reason(models.TextChoices):
    """The assessment reasons of both standards' basic-information forms."""

    FIRST = "first", _("首次评估")
    PERIODIC = "periodic", _("常规评估")
    STATUS_CHANGE = "status_change", _("即时评估（状况发生变化）")
    ON_REQUEST = "on_request", _("应本人或家属要求评估")
    RECHECK = "recheck", _("因对评估结果有疑问进行的复评")


class Place(models.TextChoices):
    HOME = "home", _("居家")
    COMMUNITY = "community", _("社区养老服务场所")
    FACILITY = "facility", _("养老机构")
    HOSPITAL = "hospital", _("医疗机构")
    OTHER = "other", _("其他")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("录入中")
    FINISHED = "finished", _("已完成")


class Source(models.TextChoices):
    PAGE = "page", _("页面录入")
    API = "api", _("接口")
    IMPORT = "import", _("Excel 导入")


class Assessment(models.Model):
    """One capability assessment of a resident by one standard.

    A finished assessment never changes: a correction is a new assessment whose `supersedes`
    points at it, and both are kept. The valid assessments are the finished ones nobody supersedes.
    """

    # Access follows the person: whoever may see the resident sees their assessments.
    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="assessments")
    # The resident's village when assessed, for statistics of where assessments were made.
    region_code = models.CharField(max_length=12)
    standard = models.CharField(_("评估标准"), max_length=20, choices=Standard.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    assessed_on = models.DateField(_("评估日期"))
    place = models.CharField(_("评估地点"), max_length=20, choices=Place.choices)
    place_detail = models.CharField(_("地点说明"), max_length=200, blank=True)
    reason = models.CharField(_("评估原因"), max_length=20, choices=Reason.choices)
    first_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_assessor_name = models.CharField(_("评估员一"), max_length=30)
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_assessor_name = models.CharField(_("评估员二"), max_length=30, blank=True)
    basic_info = models.JSONField(_("基本信息表"), default=dict, blank=True)
    answers = models.JSONField(_("评估项目得分"), default=dict, blank=True)
    conditions = models.JSONField(_("调整条件"), default=dict, blank=True)
    preliminary_level = models.PositiveSmallIntegerField(_("初步等级"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("最终等级"), null=True, blank=True)
    total_score = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    result = models.JSONField(_("评估结果"), default=dict, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的评估"),
    )
    correction_reason = models.CharField(_("更正原因"), max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PAGE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("能力评估")
        verbose_name_plural = _("能力评估")
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["resident", "status", "assessed_on"], name="assessment_resident"),
            models.Index(fields=["region_code", "assessed_on"], name="assessment_region_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(level__isnull=False, finished_at__isnull=False)
                    & ~Q(first_assessor_name="")
                    & ~Q(second_assessor_name="")
                    & ~Q(first_assessor_name=F("second_assessor_name"))
                ),
                name="assessment_finished_complete",
            ),
            models.CheckConstraint(
                condition=Q(level__lte=4) & Q(preliminary_level__lte=4),
                name="assessment_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()} {self.assessed_on}"

    @property
    def is_finished(self) -> bool:
        return self.status == AssessmentStatus.FINISHED

    @property
    def level_name(self) -> str:
        return str(self.result.get("level_name", "")) if self.is_finished else ""


class CurrentAssessment(models.Model):
    """Per assessed resident: the latest valid assessment and when the next one is due.

    Kept by the services whenever an assessment is finished or corrected and when a region's
    schedule changes, so due lists and level statistics are index lookups on 1M residents.
    """

    scope_field = "resident__region_code"

    resident = models.OneToOneField(
        Resident, on_delete=models.CASCADE, primary_key=True, related_name="current_assessment"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    standard = models.CharField(max_length=20, choices=Standard.choices)
    level = models.PositiveSmallIntegerField()
    assessed_on = models.DateField()
    due_on = models.DateField(db_index=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The latest valid assessment by each standard, for comparing the two scales.
    latest_mzt039 = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, related_name="+"
    )
    latest_gbt42195 = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("当前评估")
        verbose_name_plural = _("当前评估")

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.standard} {self.level}"


class ReassessmentRequest(models.Model):
    """A reported change of a resident's condition: re-assessment is due at once."""

    scope_field = "resident__region_code"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="reassessment_requests"
    )
    reported_on = models.DateField(_("报告日期"))
    reason = models.CharField(_("状况变化"), max_length=500)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("即时评估申请")
        verbose_name_plural = _("即时评估申请")
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return self.reason


class AssessmentPolicy(models.Model):
    """A region's assessment settings; the nearest region up the tree that has one applies."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    reassessment_months = models.PositiveSmallIntegerField(
        _("复评周期（月）"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    clause_stacking = models.CharField(
        _("调整条款叠加方式"),
        max_length=20,
        choices=[
            (ClauseStacking.PER_CLAUSE.value, _("每个条款各提高一级")),
            (ClauseStacking.ONCE.value, _("无论几个条款，共提高一级")),
        ],
        default=ClauseStacking.PER_CLAUSE.value,
    )
    event_counting = models.CharField(
        _("近30天意外事件计数方式"),
        max_length=20,
        choices=[
            (EventCounting.TOTAL.value, _("各类事件合计2次及以上")),
            (EventCounting.ANY_KIND.value, _("任一类事件2次及以上")),
        ],
        default=EventCounting.TOTAL.value,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评估设置")
        verbose_name_plural = _("评估设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(reassessment_months__gte=1, reassessment_months__lte=60),
                name="assessment_policy_months",
            )
        ]

    def __str__(self) -> str:
        return self.region_code
