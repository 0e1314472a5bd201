from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringSheet(models.Model):
    """A scoring sheet (考核表) as loaded from its data file; `warnings` keeps what the loader
    noticed about the source (an item whose sub-items add up to more than its maximum)."""

    scope_field = "region_code"

    key = models.SlugField(_("标识"), max_length=64)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    region_name = models.CharField(_("区划名称"), max_length=60, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("来源文件"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    columns = models.JSONField(_("表头"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    bonus_total = models.DecimalField(_("加分"), max_digits=6, decimal_places=2)
    warnings = models.JSONField(_("载入提示"), default=list, blank=True)
    file_name = models.CharField(_("数据文件"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核表")
        verbose_name_plural = _("考核表")
        ordering = ["region_code", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "region_code"], name="scoring_sheet_unique_key")
        ]

    def __str__(self) -> str:
        return self.title


class ScoringItem(models.Model):
    scope_field = "sheet__region_code"

    sheet = models.ForeignKey(ScoringSheet, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    number = models.CharField(_("序号"), max_length=10)
    name = models.CharField(_("工作内容"), max_length=200)
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    is_bonus = models.BooleanField(_("加分项目"), default=False)
    requirement = models.TextField(_("工作要求"), blank=True)
    goals = models.JSONField(_("工作目标"), default=list, blank=True)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="scoring_item_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ScoringSubItem(models.Model):
    scope_field = "item__sheet__region_code"

    item = models.ForeignKey(ScoringItem, on_delete=models.CASCADE, related_name="sub_items")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(_("编号"), max_length=20)  # "<item>.<position>", unique in the sheet
    number = models.CharField(_("序号"), max_length=10, blank=True)  # as printed (6: 1, 2, 2)
    text = models.TextField(_("具体要求"))
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    rule = models.JSONField(_("评分规则"), default=dict)
    deadline_text = models.CharField(_("完成时限"), max_length=100, blank=True)
    due_on = models.DateField(_("到期日"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核细项")
        verbose_name_plural = _("考核细项")
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="scoring_sub_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.text[:30]}"


class ManualScore(models.Model):
    """An assessor's points for a manual sub-item, for one region; the latest entry not after the
    scoring date counts, earlier ones stay as history."""

    scope_field = "region_code"

    sub_item = models.ForeignKey(
        ScoringSubItem, on_delete=models.PROTECT, related_name="manual_scores"
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    as_of = models.DateField(_("评分日期"))
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("评分依据"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["region_code", "sub_item", "as_of"], name="manual_score_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.sub_item.key} {self.points}"


class ScoringRun(models.Model):
    """A sheet scored for a region on a date: the whole report is stored as it was computed, so
    later changes of data or manual scores never rewrite a past result."""

    scope_field = "region_code"

    sheet = models.ForeignKey(ScoringSheet, on_delete=models.PROTECT, related_name="runs")
    region_code = models.CharField(_("区划代码"), max_length=12)
    as_of = models.DateField(_("考核日期"))
    base_total = models.DecimalField(_("基本得分"), max_digits=6, decimal_places=2)
    bonus_total = models.DecimalField(_("加分"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("总得分"), max_digits=6, decimal_places=2)
    report = models.JSONField(_("评分结果"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核评分")
        verbose_name_plural = _("考核评分")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sheet} {self.region_code} {self.as_of}"
