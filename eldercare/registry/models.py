from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.registry.choices import (
    ContactRelation,
    DisabilityGrade,
    DisabilityType,
    EconomicStatus,
    FamilyPlanningStatus,
    HealthStatus,
    LivingArrangement,
    MedicalInsurance,
    ResidenceType,
    ResidentStatus,
    ServiceNeed,
    Sex,
)


class Resident(models.Model):
    """A person aged 60+ on the register. Age and categories are derived, never stored."""

    scope_field = "region_code"

    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    # Reversed ID number: "last digits of the ID" becomes an indexed prefix search.
    id_number_reversed = models.CharField(max_length=18, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=30, db_index=True)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, db_index=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=30, db_index=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), db_index=True)
    ethnicity = models.CharField(_("民族"), max_length=10, blank=True)
    region_code = models.CharField(_("所属村（社区）区划代码"), max_length=12)
    household_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    residence_address = models.CharField(_("现居住地址"), max_length=200, blank=True)
    residence_type = models.CharField(
        _("户籍与居住"), max_length=20, choices=ResidenceType.choices, default=ResidenceType.LOCAL
    )
    living_arrangement = models.CharField(
        _("居住状况"), max_length=20, choices=LivingArrangement.choices, blank=True
    )
    economic_status = models.CharField(
        _("经济状况"), max_length=20, choices=EconomicStatus.choices, blank=True
    )
    family_planning_status = models.CharField(
        _("计生特殊家庭"),
        max_length=20,
        choices=FamilyPlanningStatus.choices,
        default=FamilyPlanningStatus.NONE,
    )
    disability_type = models.CharField(
        _("残疾类别"), max_length=20, choices=DisabilityType.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    medical_insurance = models.CharField(
        _("医保类型"), max_length=20, choices=MedicalInsurance.choices, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ResidentStatus.choices, default=ResidentStatus.ACTIVE
    )
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    moved_to = models.CharField(_("迁往"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("老年人")
        verbose_name_plural = _("老年人")
        ordering = ["region_code", "id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="resident_region_id"),
            models.Index(fields=["region_code", "birth_date"], name="resident_region_birth"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | ~Q(disability_type=""),
                name="resident_grade_needs_type",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(status_date__isnull=False),
                name="resident_inactive_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResidentPhone(models.Model):
    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("电话号码"), max_length=24, db_index=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("联系电话")
        verbose_name_plural = _("联系电话")
        ordering = ["resident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "number"], name="resident_phone_unique")
        ]

    def __str__(self) -> str:
        return self.number


class ResidentContact(models.Model):
    """Family, neighbours and grid workers, in the order they are called in an emergency."""

    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=30)
    relation = models.CharField(_("与老人关系"), max_length=20, choices=ContactRelation.choices)
    phone = models.CharField(_("电话"), max_length=24)
    call_order = models.PositiveSmallIntegerField(_("呼叫顺序"), default=1)

    class Meta:
        verbose_name = _("紧急联系人")
        verbose_name_plural = _("紧急联系人")
        ordering = ["resident", "call_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"


class ScreeningRecord(models.Model):
    """One screening visit (筛查摸底): needs checklist, health and care situation, who surveyed."""

    scope_field = "resident__region_code"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField(_("筛查日期"))
    surveyor_name = models.CharField(_("筛查人"), max_length=30, blank=True)
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    needs = models.JSONField(_("服务需求"), default=list, blank=True)
    health_status = models.CharField(
        _("健康状况"), max_length=24, choices=HealthStatus.choices, blank=True
    )
    care_situation = models.CharField(_("照护情况"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("筛查记录")
        verbose_name_plural = _("筛查记录")
        ordering = ["resident", "-screened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "screened_on"], name="screening_one_per_resident_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.screened_on}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(ServiceNeed.choices)
        return [str(labels.get(code, code)) for code in self.needs]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    REFUSED = "refused", _("有错误，未导入")
    FAILED = "failed", _("文件无法读取")


class ImportJob(models.Model):
    """An uploaded screening sheet and what became of it; large files run in the worker."""

    scope_field = "region_code"

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12)
    file = models.FileField(upload_to="imports/%Y/%m/")
    # Which ImportKind (registry/importing/kinds.py) and its option, e.g. the assessment standard.
    kind = models.CharField(_("导入内容"), max_length=20, default="residents")
    options = models.JSONField(default=dict, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    is_dry_run = models.BooleanField(_("仅预检"), default=True)
    is_valid_only = models.BooleanField(_("仅导入正确行"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error_report = models.FileField(upload_to="imports/reports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
