from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.regions.codes import Level, subtree_range


class RegionLevel(models.IntegerChoices):
    PROVINCE = Level.PROVINCE, _("省级")
    CITY = Level.CITY, _("地级")
    COUNTY = Level.COUNTY, _("县级")
    TOWNSHIP = Level.TOWNSHIP, _("乡级")
    VILLAGE = Level.VILLAGE, _("村级")


class Locality(models.TextChoices):
    URBAN = "urban", _("城镇（居委会）")
    RURAL = "rural", _("乡村（村委会）")


class ClassSource(models.TextChoices):
    DERIVED = "derived", _("由名称推断")
    OFFICIAL = "official", _("官方城乡分类代码")
    MANUAL = "manual", _("人工修正")


class RegionQuerySet(models.QuerySet["Region"]):
    def current(self) -> "RegionQuerySet":
        return self.filter(valid_to__isnull=True)

    def within(self, code: str) -> "RegionQuerySet":
        low, high = subtree_range(code)
        return self.filter(code__gte=low, code__lte=high)


class Region(models.Model):
    """One version of a division: codes are retired and reused, so (code, valid_from) is the key."""

    code = models.CharField(_("区划代码"), max_length=12)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent_code = models.CharField(_("上级区划代码"), max_length=12, blank=True)
    urban_rural_class = models.CharField(
        _("城乡分类代码"), max_length=3, blank=True, help_text=_("111–220，仅村级")
    )
    locality = models.CharField(_("城乡属性"), max_length=8, choices=Locality.choices, blank=True)
    class_source = models.CharField(
        _("城乡属性来源"), max_length=10, choices=ClassSource.choices, blank=True
    )
    registry_minimum_age = models.PositiveSmallIntegerField(
        _("登记最低年龄"), null=True, blank=True, help_text=_("为空时沿用上级区划或默认 60 岁")
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    dataset = models.CharField(_("数据来源"), max_length=100, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="region_one_current_version",
            ),
            models.UniqueConstraint(fields=["code", "valid_from"], name="region_code_valid_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="region_valid_to_after_from",
            ),
        ]
        indexes = [models.Index(fields=["parent_code"], name="region_parent_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
