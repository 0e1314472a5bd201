from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eldercare.planning.rules import space_standard
from eldercare.planning.rules.geometry import DEFAULT_SPEED_M_PER_MIN


class PointSource(models.TextChoices):
    SURVEY = "survey", _("实地测绘")
    IMPORT = "import", _("文件导入")
    GENERATED = "generated", _("自动生成（示意）")


class VillagePoint(models.Model):
    """Where a village (community) lies: the point its residents are located at for planning."""

    scope_field = "region_code"

    region_code = models.CharField(_("村（社区）区划代码"), max_length=12, unique=True)
    # WGS-84 degrees, like Facility.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=PointSource.choices)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("村（社区）位置")
        verbose_name_plural = _("村（社区）位置")
        ordering = ["region_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180)
                & Q(longitude__lte=180),
                name="village_point_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} ({self.latitude}, {self.longitude})"


class CircleSetting(models.Model):
    """The service-circle walking times of a region; the nearest region with a setting wins."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    urban_minutes = models.PositiveSmallIntegerField(
        _("城镇步行时间（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    rural_minutes = models.PositiveSmallIntegerField(
        _("农村步行时间（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    speed_m_per_min = models.PositiveSmallIntegerField(
        _("步行速度（米/分钟）"),
        default=DEFAULT_SPEED_M_PER_MIN,
        validators=[MinValueValidator(20), MaxValueValidator(200)],
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务圈设置")
        verbose_name_plural = _("服务圈设置")
        ordering = ["region_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urban_minutes__gte=1, rural_minutes__gte=1, speed_m_per_min__gte=1),
                name="circle_setting_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.urban_minutes}/{self.rural_minutes}"


class AreaKind(models.TextChoices):
    NEW = space_standard.NEW, _("新建住宅区")
    EXISTING = space_standard.EXISTING, _("已建成住宅区")


class ResidentialArea(models.Model):
    """A residential area (小区) and the elderly-service floor area it provides (003 tasks 9–10)."""

    scope_field = "region_code"

    region_code = models.CharField(_("所在村（社区）区划代码"), max_length=12)
    name = models.CharField(_("小区名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=AreaKind.choices)
    households = models.PositiveIntegerField(_("户数"))
    service_floor_area_m2 = models.DecimalField(
        _("养老服务用房面积（平方米）"),
        max_digits=9,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("居住小区")
        verbose_name_plural = _("居住小区")
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="residential_area_unique"),
            models.CheckConstraint(
                condition=Q(service_floor_area_m2__gte=0), name="residential_area_floor_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def space_check(self) -> space_standard.SpaceCheck:
        return space_standard.check_space(self.kind, self.households, self.service_floor_area_m2)
