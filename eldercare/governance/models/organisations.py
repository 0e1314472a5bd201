from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    COMMITTEE = "committee", _("管委会")
    PARTY = "party", _("党群部门、人民团体")
    GROUP = "group", _("领导小组、联席会议及成员单位")
    # "县（区）人民政府", "各县区政府": every unit of that kind one level down, as one responsible
    # party of a task; each of them reports its own part from its own region.
    COLLECTIVE = "collective", _("下级各单位（统称）")


class Organisation(models.Model):
    """A responsible unit of the task lists (责任单位), in the directory of its region."""

    scope_field = "region_code"

    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    name = models.CharField(_("单位"), max_length=60)
    full_name = models.CharField(_("全称"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=OrganisationKind.choices)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["region_code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        return self.kind == OrganisationKind.COLLECTIVE
