"""How residents are shown outside the registry: API list rows and details, and the pieces that
exports share with them (phones per resident, derived categories).

List rows are built from `.values()` dicts with a fixed number of queries per page instead of
hydrating models through a ModelSerializer (the largest cost of a DRF list, see stack.md). The
Serializer classes describe the same shapes for the OpenAPI schema and the request bodies; the
services validate the bodies themselves.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from eldercare.accounts.access import scoped
from eldercare.core.masking import mask_id_number, mask_phone
from eldercare.regions.services import region_names
from eldercare.registry.choices import ResidentStatus, Sex
from eldercare.registry.models import Resident, ResidentPhone, ScreeningRecord
from eldercare.registry.rules import Category, ResidentFacts, age_on, categories

SUMMARY_COLUMNS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "region_code",
    "status",
    "id_number",
    "economic_status",
    "living_arrangement",
    "family_planning_status",
    "disability_grade",
)
DETAIL_FIELDS = (
    "ethnicity",
    "household_address",
    "residence_address",
    "residence_type",
    "living_arrangement",
    "economic_status",
    "family_planning_status",
    "disability_type",
    "disability_grade",
    "medical_insurance",
    "status_date",
    "moved_to",
    "created_at",
    "updated_at",
)
# The keys services.reveal_resident returns for each contact.
CONTACT_FIELDS = ("name", "relation", "phone")
SCREENING_FIELDS = (
    "id",
    "screened_on",
    "surveyor_name",
    "needs",
    "health_status",
    "care_situation",
    "notes",
)


def phones_by_resident(actor: Any, resident_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every resident's phone numbers in their order, in one query."""
    found: dict[int, list[str]] = {}
    rows = (
        scoped(actor, ResidentPhone.objects.filter(resident_id__in=list(resident_ids)))
        .order_by("resident_id", "position")
        .values_list("resident_id", "number")
    )
    for resident_id, number in rows:
        found.setdefault(resident_id, []).append(number)
    return found


def resident_categories(row: Mapping[str, Any], today: date) -> list[Category]:
    """rules.categories() of a `.values()` row (or a resident's fields), in declaration order."""
    found = categories(
        ResidentFacts(
            birth_date=row["birth_date"],
            economic_status=row["economic_status"],
            living_arrangement=row["living_arrangement"],
            family_planning_status=row["family_planning_status"],
            disability_grade=row["disability_grade"],
        ),
        today,
    )
    return [category for category in Category if category in found]


def summary(
    row: Mapping[str, Any], *, phones: list[str], region_name: str, today: date, unmasked: bool
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "age": age_on(row["birth_date"], today),
        "region_code": row["region_code"],
        "region_name": region_name,
        "status": row["status"],
        "categories": [category.value for category in resident_categories(row, today)],
        "id_number": row["id_number"] if unmasked else mask_id_number(row["id_number"]),
        "phones": phones if unmasked else [mask_phone(phone) for phone in phones],
    }


def resident_rows(actor: Any, rows: list[dict[str, Any]], *, today: date) -> list[dict[str, Any]]:
    """Masked list rows for `.values(*SUMMARY_COLUMNS)` rows: two queries, whatever their number."""
    phones = phones_by_resident(actor, [row["id"] for row in rows])
    names = region_names(row["region_code"] for row in rows)
    return [
        summary(
            row,
            phones=phones.get(row["id"], []),
            region_name=names.get(row["region_code"], ""),
            today=today,
            unmasked=False,
        )
        for row in rows
    ]


def resident_detail(
    resident: Resident, *, today: date, revealed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One resident with contacts and latest screening; real ID and phones only when `revealed`
    (the result of services.reveal_resident, which audits the unmasking)."""
    row = {column: getattr(resident, column) for column in SUMMARY_COLUMNS}
    if revealed is None:
        phones = list(resident.phones.values_list("number", flat=True))
        contacts = [
            {**contact, "phone": mask_phone(contact["phone"])}
            for contact in resident.contacts.values(*CONTACT_FIELDS)
        ]
    else:
        row["id_number"] = revealed["id_number"]
        phones = list(revealed["phones"])
        contacts = [
            {field: contact[field] for field in CONTACT_FIELDS} for contact in revealed["contacts"]
        ]
    return {
        **summary(
            row,
            phones=phones,
            region_name=region_names([resident.region_code]).get(resident.region_code, ""),
            today=today,
            unmasked=revealed is not None,
        ),
        **{field: getattr(resident, field) for field in DETAIL_FIELDS},
        "contacts": contacts,
        "latest_screening": resident.screenings.values(*SCREENING_FIELDS).first(),
    }


def screening_detail(screening: ScreeningRecord) -> dict[str, Any]:
    return {field: getattr(screening, field) for field in SCREENING_FIELDS}


# --- OpenAPI descriptions -----------------------------------------------------------------------


class ResidentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField()
    age = serializers.IntegerField(help_text="周岁")
    region_code = serializers.CharField(help_text="所属村（社区）12位区划代码")
    region_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ResidentStatus.choices)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=[category.value for category in Category]),
        help_text="由登记信息推算的类别（高龄、特困、空巢……）",
    )
    id_number = serializers.CharField(help_text="脱敏显示，如 320102********1234")
    phones = serializers.ListField(child=serializers.CharField(), help_text="脱敏显示")


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField(help_text="关系代码（如 child）；提交时也可用中文（如 子女）")
    phone = serializers.CharField(help_text="返回时脱敏")


class ScreeningSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    screened_on = serializers.DateField(required=False, help_text="默认今天")
    surveyor_name = serializers.CharField(required=False, help_text="默认当前用户")
    needs = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="服务需求代码或中文名称"
    )
    health_status = serializers.CharField(required=False)
    care_situation = serializers.CharField(required=False)
    notes = serializers.CharField(required=False)


class ResidentDetailSerializer(ResidentSummarySerializer):
    ethnicity = serializers.CharField()
    household_address = serializers.CharField()
    residence_address = serializers.CharField()
    residence_type = serializers.CharField()
    living_arrangement = serializers.CharField()
    economic_status = serializers.CharField()
    family_planning_status = serializers.CharField()
    disability_type = serializers.CharField()
    disability_grade = serializers.IntegerField(allow_null=True)
    medical_insurance = serializers.CharField()
    status_date = serializers.DateField(allow_null=True)
    moved_to = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    contacts = ContactSerializer(many=True)
    latest_screening = ScreeningSerializer(allow_null=True)


class ResidentInputSerializer(serializers.Serializer):
    """选项字段可填代码（如 alone）或中文名称（如 独居），与筛查摸底表相同。"""

    name = serializers.CharField()
    id_number = serializers.CharField(help_text="18位（或15位旧号），按 GB 11643 校验")
    region_code = serializers.CharField(help_text="村（社区）级12位区划代码")
    sex = serializers.CharField(required=False, help_text="可省略；填写时须与身份证号一致")
    birth_date = serializers.CharField(required=False, help_text="可省略；填写时须与身份证号一致")
    ethnicity = serializers.CharField(required=False)
    phones = serializers.ListField(child=serializers.CharField(), required=False)
    household_address = serializers.CharField(required=False)
    residence_address = serializers.CharField(required=False)
    residence_type = serializers.CharField(required=False)
    living_arrangement = serializers.CharField(required=False)
    economic_status = serializers.CharField(required=False)
    family_planning_status = serializers.CharField(required=False)
    disability_type = serializers.CharField(required=False)
    disability_grade = serializers.CharField(required=False)
    medical_insurance = serializers.CharField(required=False)


class ResidentChangeSerializer(ResidentInputSerializer):
    reason = serializers.CharField(required=False, help_text="修改原因，记入审计")


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ResidentStatus.choices)
    status_date = serializers.DateField(required=False, help_text="迁出或死亡时必填")
    moved_to = serializers.CharField(required=False, help_text="迁出时必填")
    reason = serializers.CharField(required=False)


class ContactListSerializer(serializers.Serializer):
    contacts = ContactSerializer(many=True, help_text="按呼叫顺序排列")


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


# Built inline: a declared field named "errors" would shadow Serializer.errors.
ProblemListSerializer = inline_serializer(
    "ProblemList", fields={"errors": ProblemSerializer(many=True)}
)
