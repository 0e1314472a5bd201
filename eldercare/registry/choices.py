"""Vocabularies of the registry; the Chinese labels are exactly what the screening sheet uses."""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eldercare.registry.rules import Category

StrOrPromise = str | Promise


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class LivingArrangement(models.TextChoices):
    ALONE = "alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    WITH_CHILDREN = "with_children", _("与子女同住")
    WITH_RELATIVES = "with_relatives", _("与其他亲属同住")
    LEFT_BEHIND = "left_behind", _("留守")
    INSTITUTIONAL = "institutional", _("集中供养")
    OTHER = "other", _("其他")


class EconomicStatus(models.TextChoices):
    DESTITUTE = "destitute", _("特困供养")
    DIBAO = "dibao", _("低保")
    MARGINAL = "marginal", _("低保边缘")
    POVERTY_ALLEVIATED = "poverty_alleviated", _("脱贫/建档立卡")
    GENERAL = "general", _("一般")


class FamilyPlanningStatus(models.TextChoices):
    NONE = "none", _("无")
    BEREAVED = "bereaved", _("失独")
    DISABLED_CHILD = "disabled_child", _("伤残")


class DisabilityType(models.TextChoices):
    VISUAL = "visual", _("视力")
    HEARING = "hearing", _("听力")
    SPEECH = "speech", _("言语")
    PHYSICAL = "physical", _("肢体")
    INTELLECTUAL = "intellectual", _("智力")
    MENTAL = "mental", _("精神")
    MULTIPLE = "multiple", _("多重")


class DisabilityGrade(models.IntegerChoices):
    FIRST = 1, _("一级")
    SECOND = 2, _("二级")
    THIRD = 3, _("三级")
    FOURTH = 4, _("四级")


class MedicalInsurance(models.TextChoices):
    EMPLOYEE = "employee", _("城镇职工")
    RESIDENT = "resident", _("城乡居民")
    OTHER = "other", _("其他")
    NONE = "none", _("无")


class ResidenceType(models.TextChoices):
    LOCAL = "local", _("户籍且常住")
    REGISTERED_AWAY = "registered_away", _("户籍在本地、常住外地")
    NONLOCAL = "nonlocal", _("常住、户籍在外地")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("迁出")
    DECEASED = "deceased", _("死亡")


class ContactRelation(models.TextChoices):
    CHILD = "child", _("子女")
    SPOUSE = "spouse", _("配偶")
    RELATIVE = "relative", _("其他亲属")
    NEIGHBOUR = "neighbour", _("邻居")
    GRID_WORKER = "grid_worker", _("网格员")
    VILLAGE_CADRE = "village_cadre", _("村（居）干部")
    OTHER = "other", _("其他")


class HealthStatus(models.TextChoices):
    """The self-rated health scale of the national census (第七次全国人口普查)."""

    HEALTHY = "healthy", _("健康")
    BASICALLY_HEALTHY = "basically_healthy", _("基本健康")
    UNHEALTHY_SELF_CARE = "unhealthy_self_care", _("不健康，但生活能自理")
    NO_SELF_CARE = "no_self_care", _("生活不能自理")


class ServiceNeed(models.TextChoices):
    """Needs checklist of the screening sheet: the "6+X" basic items plus common local ones."""

    MEAL = "meal", _("助餐")
    BATH = "bath", _("助浴")
    CLEANING = "cleaning", _("助洁")
    MEDICAL = "medical", _("助医")
    MOBILITY = "mobility", _("助行")
    EMERGENCY = "emergency", _("助急")
    REHABILITATION = "rehabilitation", _("康复护理")
    COMPANIONSHIP = "companionship", _("精神慰藉")
    ERRANDS = "errands", _("委托代办")
    HOME_ADAPTATION = "home_adaptation", _("适老化改造")
    DAY_CARE = "day_care", _("日间照料")


# Display labels of the derived categories (rules.py decides membership; this only names them).
CATEGORY_LABELS: dict[Category, StrOrPromise] = {
    Category.AGED_65: _("65岁及以上"),
    Category.VERY_OLD: _("高龄（80岁及以上）"),
    Category.DESTITUTE: _("特困供养"),
    Category.DIBAO: _("低保"),
    Category.MARGINAL: _("低保边缘"),
    Category.POVERTY_ALLEVIATED: _("脱贫/建档立卡"),
    Category.ECONOMICALLY_DIFFICULT: _("经济困难"),
    Category.LIVING_ALONE: _("独居"),
    Category.EMPTY_NEST: _("空巢"),
    Category.LEFT_BEHIND: _("留守"),
    Category.BEREAVED: _("失独"),
    Category.FAMILY_PLANNING_SPECIAL: _("计生特殊家庭"),
    Category.SEVERELY_DISABLED: _("重度残疾（一、二级）"),
    Category.SPECIAL_DIFFICULTY: _("特殊困难老年人"),
}
