from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.governance.models.organisations import Organisation


class TaskListKind(models.TextChoices):
    TASK_LIST = "task_list", _("任务清单")
    REQUIREMENTS = "requirements", _("工作要求表")


class TaskList(models.Model):
    """A task list or requirements table of a city or county (or the national table), as loaded
    from its data file (docs/governance-data.md); `key` + region identify it across loads."""

    scope_field = "region_code"

    key = models.SlugField(_("标识"), max_length=64)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    region_name = models.CharField(_("区划名称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=TaskListKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("来源文件"), max_length=500, blank=True)
    period_start = models.DateField(_("试点开始"), null=True, blank=True)
    period_end = models.DateField(_("试点结束"), null=True, blank=True)
    columns = models.JSONField(_("表头"), default=dict, blank=True)
    warnings = models.JSONField(_("载入提示"), default=list, blank=True)
    file_name = models.CharField(_("数据文件"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("任务清单")
        verbose_name_plural = _("任务清单")
        ordering = ["region_code", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "region_code"], name="task_list_unique_key")
        ]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("日期")
    PILOT = "pilot", _("试点期间")
    NONE = "none", _("未规定")
    TEXT = "text", _("无法推算")


class Task(models.Model):
    """One row of a task list: a numbered task, or one part of it where the source gives the
    parts their own units and deadlines (永州 task 1: items 1–2 by 2019-11, item 3 by 2020-03).
    Status, percent and dates follow the progress reports (services.tasks)."""

    scope_field = "task_list__region_code"

    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField(_("顺序"))
    section = models.CharField(_("分组"), max_length=100, blank=True)
    section_position = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(_("序号"), max_length=10)
    part = models.PositiveSmallIntegerField(_("分项"), default=1)
    parts_in_task = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("工作任务"), max_length=200)
    requirement = models.TextField(_("工作要求"), blank=True)
    goals = models.JSONField(_("工作目标"), default=list, blank=True)
    content = models.JSONField(_("具体内容"), default=list, blank=True)
    lead_units = models.ManyToManyField(
        Organisation, related_name="lead_tasks", blank=True, verbose_name=_("牵头单位")
    )
    co_units = models.ManyToManyField(
        Organisation, related_name="co_tasks", blank=True, verbose_name=_("共同责任单位")
    )
    lead_text = models.CharField(_("牵头单位（原文）"), max_length=500, blank=True)
    co_text = models.CharField(_("共同责任单位（原文）"), max_length=500, blank=True)
    deadline_text = models.CharField(_("完成时限"), max_length=100, blank=True)
    deadline_kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    milestones = models.JSONField(_("节点"), default=list, blank=True)
    due_on = models.DateField(_("到期日"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("完成进度"), default=0)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    last_reported_on = models.DateField(_("最近报告"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["task_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_list", "section_position", "number", "part"],
                name="task_unique_number",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_range"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="task_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.name}"

    @property
    def display_number(self) -> str:
        return self.number if self.parts_in_task <= 1 else f"{self.number}（{self.part}）"


class ProgressReport(models.Model):
    """A unit's report on a task: what was done, how far (0–100 %), when; never edited."""

    # The region the reporting unit answers for: a county reporting its share of a city task
    # under "县（区）人民政府" reports from the county.
    scope_field = "region_code"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    # None: the task names no units (requirements tables); the report is for the region itself.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("报告单位"),
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    reported_on = models.DateField(_("报告日期"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    attachment = models.FileField(
        _("附件"), upload_to="governance/reports/%Y/%m/", blank=True, max_length=200
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_range")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.reported_on} {self.percent}%"


class SupervisionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class SupervisionRound(models.Model):
    """A supervision round (督查): who checked whom, when, what was found."""

    scope_field = "region_code"

    region_code = models.CharField(_("被督查区划"), max_length=12)
    level = models.CharField(_("督查层级"), max_length=10, choices=SupervisionLevel.choices)
    held_on = models.DateField(_("督查日期"))
    title = models.CharField(_("名称"), max_length=200)
    task_list = models.ForeignKey(
        TaskList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_rounds",
        verbose_name=_("督查的任务清单"),
    )
    summary = models.TextField(_("总体情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region_code", "held_on"], name="supervision_region_date")]

    def __str__(self) -> str:
        return self.title


class SupervisionFinding(models.Model):
    """A problem found in a round, with its rectification deadline and how it was put right."""

    scope_field = "round__region_code"

    round = models.ForeignKey(SupervisionRound, on_delete=models.CASCADE, related_name="findings")
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    text = models.TextField(_("发现的问题"))
    rectification_due_on = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)

    class Meta:
        verbose_name = _("督查发现的问题")
        verbose_name_plural = _("督查发现的问题")
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return self.text[:50]
