"""Service items and the versioned lists that publish them.

- `ServiceItem`: one service (助餐·送餐上门, 助浴·上门助浴 …) with its category, unit, standard
  price and service standard. Items are shared by code; an item defined by a region (an "X"
  item of its "6+X" list) carries that region's code, a common item carries "".
- `ServiceList`: one version of a region's list of one kind (the national basic list has region
  ""). Drafts are edited; published versions are frozen and apply from `effective_from` to
  `effective_to` (inclusive; open-ended when empty). Two published versions of the same region
  and kind never overlap: the service refuses it, and a database trigger (migration 0001) refuses
  it again for writes that bypass the service.
- `ServiceListEntry`: an item on a list, with the local price and who may have it.

Money is integer fen; `None` means "not priced here" (set by policy or by assessment, e.g. 低保).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Item codes: upper-case letters and digits in hyphen-separated groups, e.g. ZC-001, YZ-X-001.
ITEM_CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
REGION_CODE_OR_NATIONAL = Q(region_code="") | Q(region_code__regex=r"^[0-9]{12}$")


class ServiceCategory(models.TextChoices):
    """The "6" (六助) first, then GB/T 43153-2023 categories and the national list's types.

    Codes shared with the registry's needs checklist (ServiceNeed) and the entitlement rules are
    spelled as they are there (bath, home_adaptation, day_care).
    """

    MEAL = "meal", _("助餐")
    BATH = "bath", _("助浴")
    CLEANING = "cleaning", _("助洁")
    MEDICAL = "medical", _("助医")
    MOBILITY = "mobility", _("助行")
    EMERGENCY = "emergency", _("助急")
    DAILY_CARE = "daily_care", _("生活照料")
    BASIC_CARE = "basic_care", _("基础照护")
    REHABILITATION = "rehabilitation", _("康复护理")
    HEALTH = "health", _("健康管理")
    VISITING = "visiting", _("探访关爱")
    COMPANIONSHIP = "companionship", _("精神慰藉")
    ERRANDS = "errands", _("委托代办")
    HOME_ADAPTATION = "home_adaptation", _("适老化改造")
    DAY_CARE = "day_care", _("日间照料")
    ASSESSMENT = "assessment", _("能力评估")
    MATERIAL_HELP = "material_help", _("物质帮助")
    OTHER = "other", _("其他")


class ServiceUnit(models.TextChoices):
    VISIT = "visit", _("次")
    HOUR = "hour", _("小时")
    MEAL = "meal", _("餐")
    DAY = "day", _("天")
    MONTH = "month", _("月")
    ITEM = "item", _("件")


class ListKind(models.TextChoices):
    BASIC = "basic", _("基本养老服务清单")
    SIX_PLUS_X = "six_plus_x", _("“6+X”居家和社区养老服务清单")
    PURCHASE = "purchase", _("政府购买服务项目清单")


# At the same region, a later kind wins over an earlier one for the same item code.
KIND_PRECEDENCE = (ListKind.BASIC, ListKind.SIX_PLUS_X, ListKind.PURCHASE)


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ListPhase(models.TextChoices):
    """Derived, for display: where a list stands on a given day."""

    DRAFT = "draft", _("草稿")
    SCHEDULED = "scheduled", _("待生效")
    IN_EFFECT = "in_effect", _("现行")
    ENDED = "ended", _("已失效")


class ServiceItem(models.Model):
    scope_field = "region_code"

    code = models.CharField(_("项目编码"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=60)
    category = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    unit = models.CharField(_("计价单位"), max_length=10, choices=ServiceUnit.choices)
    standard_price_fen = models.PositiveIntegerField(_("标准价格（分）"), null=True, blank=True)
    is_price_example = models.BooleanField(_("示例价格"), default=False)
    service_standard = models.TextField(_("服务标准"), blank=True)
    minimum_minutes = models.PositiveSmallIntegerField(
        _("最短服务时长（分钟）"), null=True, blank=True
    )
    is_basic = models.BooleanField(_("基本服务（政府保障）"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    region_code = models.CharField(
        _("设立区划代码"), max_length=12, blank=True, help_text=_("为空表示通用项目")
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=ITEM_CODE_PATTERN), name="catalogue_item_code_format"
            ),
            models.CheckConstraint(
                condition=REGION_CODE_OR_NATIONAL, name="catalogue_item_region_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceList(models.Model):
    scope_field = "region_code"

    region_code = models.CharField(
        _("区划代码"), max_length=12, blank=True, help_text=_("为空表示全国")
    )
    kind = models.CharField(_("清单类型"), max_length=20, choices=ListKind.choices)
    name = models.CharField(_("清单名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("最后适用的一天；为空表示长期有效")
    )
    basis = models.TextField(_("政策依据"), blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复制自"),
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded",
        verbose_name=_("被取代于"),
        help_text=_("发布该版本时本版本的失效日期被设为其生效日期的前一天"),
    )
    # The loader's fingerprint of the file content this version was loaded from ("" otherwise).
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("服务清单")
        verbose_name_plural = _("服务清单")
        ordering = ["region_code", "kind", "-version"]
        indexes = [
            models.Index(
                fields=["region_code", "status", "effective_from"], name="catalogue_list_lookup"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "version"], name="catalogue_list_version_unique"
            ),
            # One draft at a time per region and kind.
            models.UniqueConstraint(
                fields=["region_code", "kind"],
                condition=Q(status="draft"),
                name="catalogue_list_one_draft",
            ),
            # Two published versions never start on the same day (the trigger refuses overlaps).
            models.UniqueConstraint(
                fields=["region_code", "kind", "effective_from"],
                condition=Q(status="published"),
                name="catalogue_list_published_start_unique",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="catalogue_list_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="catalogue_list_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(effective_from__isnull=False),
                name="catalogue_list_published_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(region_code="") | Q(kind="basic"),
                name="catalogue_list_national_is_basic",
            ),
            models.CheckConstraint(
                condition=REGION_CODE_OR_NATIONAL, name="catalogue_list_region_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def is_draft(self) -> bool:
        return self.status == ListStatus.DRAFT

    def applies_on(self, day: date) -> bool:
        return (
            self.status == ListStatus.PUBLISHED
            and self.effective_from is not None
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )

    def phase_on(self, day: date) -> ListPhase:
        if self.status == ListStatus.DRAFT:
            return ListPhase.DRAFT
        if self.effective_from is not None and day < self.effective_from:
            return ListPhase.SCHEDULED
        if self.effective_to is not None and self.effective_to < day:
            return ListPhase.ENDED
        return ListPhase.IN_EFFECT


class ServiceListEntry(models.Model):
    scope_field = "service_list__region_code"

    service_list = models.ForeignKey(ServiceList, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="entries")
    local_price_fen = models.PositiveIntegerField(_("本地价格（分）"), null=True, blank=True)
    is_price_example = models.BooleanField(_("示例价格"), default=False)
    is_basic = models.BooleanField(_("基本服务（政府保障）"), default=False)
    eligibility = models.TextField(_("服务对象"), blank=True)
    funding = models.TextField(_("资金来源"), blank=True)
    frequency_limit = models.CharField(_("频次限制"), max_length=200, blank=True)
    lead_agency = models.CharField(_("牵头部门"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["service_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_list", "item"], name="catalogue_entry_item_once_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_list_id}:{self.item_id}"
