"""Service organisations, their facilities and staff (issue 5 parts 1–3, the facility survey of 004).

Other apps rely on these models: orders price from `ProviderPrice` and dispatch `StaffMember`s with
`StaffSkill`/`StaffAvailability`; planning and the indicators read `Facility`. Whether a provider or
a staff member may be given work is `is_assignable`, decided from the status here and nowhere else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    BLACKLISTED = "blacklisted", _("列入黑名单")
    EXITED = "exited", _("已退出")


class Provider(models.Model):
    """A service organisation (服务机构) registered in a region; serves the regions in its areas."""

    scope_field = "region_code"
    provider_field = "id"

    region_code = models.CharField(_("登记区划代码"), max_length=12)
    name = models.CharField(_("机构名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("机构类型"), max_length=24, choices=ProviderKind.choices)
    brand = models.CharField(_("品牌/连锁"), max_length=60, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=30, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=24, blank=True)
    hotline = models.CharField(_("服务热线/呼叫中心"), max_length=24, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE
    )
    status_reason = models.CharField(_("状态原因"), max_length=200, blank=True)
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    status_authority = models.CharField(_("决定机关"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_assignable(self) -> bool:
        return self.status == ProviderStatus.ACTIVE


class ProviderArea(models.Model):
    """A region subtree the provider serves (a county, a township, or single villages)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    region_code = models.CharField(_("服务区划代码"), max_length=12)

    class Meta:
        verbose_name = _("服务区域")
        verbose_name_plural = _("服务区域")
        constraints = [
            models.UniqueConstraint(fields=["provider", "region_code"], name="provider_area_unique")
        ]

    def __str__(self) -> str:
        return self.region_code


class LicenceKind(models.TextChoices):
    BUSINESS = "business", _("营业执照")
    REGISTRATION = "registration", _("社会组织/事业单位登记证书")
    FILING = "filing", _("养老机构备案")
    FOOD = "food", _("食品经营许可证")
    MEDICAL = "medical", _("医疗机构执业许可证")
    OTHER = "other", _("其他")


class ProviderLicence(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("证照类型"), max_length=16, choices=LicenceKind.choices)
    number = models.CharField(_("证照编号"), max_length=60)
    issued_by = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ProviderPrice(models.Model):
    """The provider's price for a catalogue item from a date; the latest row not after a day applies."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="prices")
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    effective_from = models.DateField(_("生效日期"))

    class Meta:
        verbose_name = _("服务价格")
        verbose_name_plural = _("服务价格")
        ordering = ["provider", "item", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "item", "effective_from"], name="provider_price_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.price_fen} ({self.effective_from})"


class FacilityKind(models.TextChoices):
    DAY_CARE = "day_care", _("日间照料中心")
    HOME_CARE_CENTRE = "home_care_centre", _("居家养老服务中心")
    HOME_CARE_STATION = "home_care_station", _("居家养老服务站")
    EMBEDDED = "embedded", _("嵌入式养老机构")
    MEAL_POINT = "meal_point", _("助餐点（老年食堂）")
    BATH_POINT = "bath_point", _("助浴点")
    RURAL_HAPPINESS = "rural_happiness", _("农村幸福院")
    NURSING_HOME = "nursing_home", _("敬老院/区域养老服务中心")
    SILVER_STATION = "silver_station", _("银龄驿站")
    OTHER = "other", _("其他")


class OperationMode(models.TextChoices):
    PUBLIC = "public", _("公办公营")
    PUBLIC_BUILT_PRIVATE_RUN = "public_built_private_run", _("公建民营")
    PRIVATE = "private", _("民办")


class Facility(models.Model):
    """A place where services are given, with what the facility survey (004 basic task 7) asks."""

    scope_field = "region_code"
    provider_field = "operator"

    region_code = models.CharField(_("所在村（社区）区划代码"), max_length=12)
    name = models.CharField(_("设施名称"), max_length=100)
    kind = models.CharField(_("设施类型"), max_length=24, choices=FacilityKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # WGS-84 degrees (what GPS and the map use); entered coordinates in GCJ-02 must be converted.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    floor_area_m2 = models.DecimalField(
        _("建筑面积（平方米）"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    beds = models.PositiveIntegerField(_("床位数"), default=0)
    operation_mode = models.CharField(_("运营方式"), max_length=28, choices=OperationMode.choices)
    operator = models.ForeignKey(
        Provider,
        verbose_name=_("运营机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
    )
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    services = models.ManyToManyField(
        "catalogue.ServiceItem", verbose_name=_("提供的服务"), blank=True, related_name="+"
    )
    is_operating = models.BooleanField(_("正常运营"), default=True)
    is_newly_built = models.BooleanField(_("新增（试点期间建设）"), default=False)
    medical_partner = models.CharField(
        _("签约医疗卫生机构"), max_length=100, blank=True, help_text=_("为空表示未签约")
    )
    built_on = models.DateField(_("建成日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("养老服务设施")
        verbose_name_plural = _("养老服务设施")
        ordering = ["region_code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="facility_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_socially_operated(self) -> bool:
        return self.operation_mode != OperationMode.PUBLIC


class StaffKind(models.TextChoices):
    CAREGIVER = "caregiver", _("养老护理员")
    NURSE = "nurse", _("护士")
    DOCTOR = "doctor", _("医生")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    COOK = "cook", _("厨师/配餐员")
    CLEANER = "cleaner", _("保洁员")
    DISPATCHER = "dispatcher", _("调度员")
    MANAGER = "manager", _("管理人员")
    OTHER = "other", _("其他")


class CaregiverLevel(models.TextChoices):
    """养老护理员 national occupational skill levels (国家职业技能标准 2019)."""

    NONE = "", _("无")
    LEVEL_5 = "5", _("五级/初级工")
    LEVEL_4 = "4", _("四级/中级工")
    LEVEL_3 = "3", _("三级/高级工")
    LEVEL_2 = "2", _("二级/技师")
    LEVEL_1 = "1", _("一级/高级技师")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    SUSPENDED = "suspended", _("暂停")
    BLACKLISTED = "blacklisted", _("列入黑名单")
    LEFT = "left", _("离职")


class StaffMember(models.Model):
    """A worker of a provider. A login (provider manager, caregiver) is tied to one staff record."""

    scope_field = "region_code"
    provider_field = "provider"
    caregiver_field = "id"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    name = models.CharField(_("姓名"), max_length=30)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    phone = models.CharField(_("手机号码"), max_length=24, blank=True)
    kind = models.CharField(_("岗位"), max_length=16, choices=StaffKind.choices)
    caregiver_level = models.CharField(
        _("养老护理员等级"), max_length=1, choices=CaregiverLevel.choices, blank=True
    )
    certificate_number = models.CharField(_("职业技能等级证书编号"), max_length=40, blank=True)
    health_certificate_expires = models.DateField(_("健康证有效期至"), null=True, blank=True)
    region_code = models.CharField(_("工作区域区划代码"), max_length=12)
    # Where the caregiver starts from, for the nearest-caregiver choice (WGS-84).
    base_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    base_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    status_reason = models.CharField(_("状态原因"), max_length=200, blank=True)
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    skills = models.ManyToManyField(
        "catalogue.ServiceItem",
        through="StaffSkill",
        verbose_name=_("可提供的服务项目"),
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["provider", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "id_number"], name="staff_unique_id_per_provider"
            )
        ]
        indexes = [
            models.Index(fields=["status", "region_code"], name="staff_status_region"),
            # Dispatch looks first for caregivers based in a box around the address.
            models.Index(fields=["base_latitude", "base_longitude"], name="staff_base_point"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_assignable(self) -> bool:
        return self.status == StaffStatus.ACTIVE and self.provider.is_assignable


class StaffSkill(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="skill_rows")
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "item"], name="staff_skill_unique"),
        ]
        indexes = [models.Index(fields=["item", "staff"], name="staff_skill_by_item")]

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.item_id}"


class StaffAvailability(models.Model):
    """A weekly working window (weekday 0 = Monday); the window ends after it starts, same day."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("星期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))

    class Meta:
        verbose_name = _("可服务时段")
        verbose_name_plural = _("可服务时段")
        ordering = ["staff", "weekday", "starts_at"]
        # Dispatch reads the windows of one weekday for thousands of skilled staff at once.
        indexes = [models.Index(fields=["weekday", "staff"], name="availability_by_weekday")]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="availability_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class TrainingRecord(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings")
    topic = models.CharField(_("培训内容"), max_length=100)
    trained_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    kind = models.CharField(
        _("培训类型"),
        max_length=10,
        choices=[("pre_job", _("岗前培训")), ("on_job", _("在岗培训"))],
        default="on_job",
    )
    organiser = models.CharField(_("培训机构"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["staff", "-trained_on"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours")]

    def __str__(self) -> str:
        return f"{self.trained_on} {self.topic}"


class BlacklistEntry(models.Model):
    """Every block and lift of a provider or staff member, kept: the status fields say the present."""

    scope_field = "region_code"

    region_code = models.CharField(_("决定区划代码"), max_length=12)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="blacklist"
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="blacklist"
    )
    is_lift = models.BooleanField(_("解除"), default=False)
    reason = models.CharField(_("原因"), max_length=200)
    decided_on = models.DateField(_("决定日期"))
    authority = models.CharField(_("决定机关"), max_length=100)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("黑名单记录")
        verbose_name_plural = _("黑名单记录")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, staff__isnull=True)
                | Q(provider__isnull=True, staff__isnull=False),
                name="blacklist_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.reason}"
