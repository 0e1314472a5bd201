from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eldercare.governance.models.scoring import ScoringSubItem
from eldercare.governance.models.tasks import Task


class ManualIndicatorValue(models.Model):
    """A value of a manual indicator (rules/indicator_catalogue.py) for a region on a date, with
    the evidence it rests on. Values are never edited: a correction is a newer entry."""

    scope_field = "region_code"

    code = models.CharField(_("指标"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    as_of = models.DateField(_("统计截止日期"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    numerator = models.DecimalField(
        _("分子"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    denominator = models.DecimalField(
        _("分母"), null=True, blank=True, max_digits=16, decimal_places=4
    )
    evidence = models.TextField(_("依据"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("指标填报值")
        verbose_name_plural = _("指标填报值")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["code", "region_code", "as_of"], name="manual_indicator_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.region_code} {self.as_of}: {self.value}"


class IndicatorTarget(models.Model):
    """A target an indicator must reach, as a loaded task list or scoring sheet sets it."""

    scope_field = "region_code"

    code = models.CharField(_("指标"), max_length=60, db_index=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    is_upper_bound = models.BooleanField(_("不超过"), default=False)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    label = models.CharField(_("出处"), max_length=300)
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    sub_item = models.ForeignKey(
        ScoringSubItem, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["code", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.value}"
