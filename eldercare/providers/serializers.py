"""API shapes: output serializers document the responses; input serializers parse bodies, and
the services check every rule. ID numbers and phones of staff are masked in every response."""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from eldercare.core.masking import mask_id_number, mask_phone
from eldercare.providers.models import (
    CaregiverLevel,
    Facility,
    FacilityKind,
    LicenceKind,
    OperationMode,
    Provider,
    ProviderKind,
    ProviderLicence,
    ProviderPrice,
    StaffKind,
    StaffMember,
)


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


ProblemListSerializer = inline_serializer(
    "ProviderProblemList", fields={"errors": ProblemSerializer(many=True)}
)


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderLicence
        fields = ["id", "kind", "number", "issued_by", "valid_from", "valid_to"]


class PriceSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")

    class Meta:
        model = ProviderPrice
        fields = ["item", "item_name", "price_fen", "effective_from"]


class ProviderSerializer(serializers.ModelSerializer):
    areas = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = [
            "id",
            "region_code",
            "name",
            "credit_code",
            "kind",
            "brand",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "hotline",
            "address",
            "description",
            "status",
            "status_reason",
            "status_date",
            "status_authority",
            "areas",
        ]

    def get_areas(self, provider: Provider) -> list[str]:
        return [area.region_code for area in provider.areas.all()]


class ProviderDetailSerializer(ProviderSerializer):
    licences = LicenceSerializer(many=True, read_only=True)
    prices = serializers.SerializerMethodField()

    class Meta(ProviderSerializer.Meta):
        fields = [*ProviderSerializer.Meta.fields, "licences", "prices"]

    def get_prices(self, provider: Provider) -> list[dict[str, Any]]:
        """The prices in effect today (`prices_in_effect` put on the instance by the view)."""
        return list(PriceSerializer(getattr(provider, "current_prices", []), many=True).data)


class ProviderInputSerializer(serializers.Serializer):
    region_code = serializers.CharField(required=False, help_text="登记区划（新增时必填）")
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=40, help_text="统一社会信用代码（GB 32100）")
    kind = serializers.ChoiceField(choices=ProviderKind.choices)
    areas = serializers.ListField(child=serializers.CharField(), required=False)
    brand = serializers.CharField(required=False, allow_blank=True)
    legal_representative = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    hotline = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class DecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    authority = serializers.CharField(required=False, allow_blank=True)


class PriceInputSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="服务项目编码")
    price_fen = serializers.IntegerField(help_text="价格（分）")
    effective_from = serializers.DateField()


class LicenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LicenceKind.choices)
    number = serializers.CharField()
    issued_by = serializers.CharField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)


class StaffSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="脱敏")
    phone = serializers.SerializerMethodField(help_text="脱敏")
    skills = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "provider",
            "name",
            "id_number",
            "phone",
            "kind",
            "caregiver_level",
            "certificate_number",
            "health_certificate_expires",
            "region_code",
            "base_latitude",
            "base_longitude",
            "status",
            "status_reason",
            "status_date",
            "skills",
            "availability",
        ]

    def get_id_number(self, member: StaffMember) -> str:
        return mask_id_number(member.id_number)

    def get_phone(self, member: StaffMember) -> str:
        return mask_phone(member.phone) if member.phone else ""

    def get_skills(self, member: StaffMember) -> list[str]:
        return [row.item.code for row in member.skill_rows.all()]

    def get_availability(self, member: StaffMember) -> list[dict[str, Any]]:
        return [
            {
                "weekday": w.weekday,
                "starts_at": f"{w.starts_at:%H:%M}",
                "ends_at": f"{w.ends_at:%H:%M}",
            }
            for w in member.availability.all()
        ]


class StaffInputSerializer(serializers.Serializer):
    provider = serializers.IntegerField(required=False, help_text="服务机构（新增时必填）")
    name = serializers.CharField(max_length=30)
    id_number = serializers.CharField(max_length=24)
    phone = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=StaffKind.choices)
    caregiver_level = serializers.ChoiceField(choices=CaregiverLevel.choices, required=False)
    certificate_number = serializers.CharField(required=False, allow_blank=True)
    health_certificate_expires = serializers.DateField(required=False, allow_null=True)
    region_code = serializers.CharField()
    base_latitude = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    base_longitude = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(), required=False)


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = 星期一 … 6 = 星期日")
    starts_at = serializers.TimeField()
    ends_at = serializers.TimeField()


class AvailabilityInputSerializer(serializers.Serializer):
    windows = WindowSerializer(many=True)


class TrainingInputSerializer(serializers.Serializer):
    topic = serializers.CharField()
    trained_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    kind = serializers.ChoiceField(choices=[("pre_job", "岗前培训"), ("on_job", "在岗培训")])
    organiser = serializers.CharField(required=False, allow_blank=True)


class FacilitySerializer(serializers.ModelSerializer):
    services = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "region_code",
            "name",
            "kind",
            "address",
            "latitude",
            "longitude",
            "floor_area_m2",
            "beds",
            "operation_mode",
            "operator",
            "opening_hours",
            "services",
            "is_operating",
            "is_newly_built",
            "medical_partner",
            "built_on",
        ]

    def get_services(self, facility: Facility) -> list[str]:
        return [item.code for item in facility.services.all()]


class FacilityInputSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=FacilityKind.choices)
    address = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="WGS-84"
    )
    longitude = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="WGS-84"
    )
    floor_area_m2 = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    beds = serializers.IntegerField(required=False, min_value=0)
    operation_mode = serializers.ChoiceField(choices=OperationMode.choices)
    operator = serializers.IntegerField(required=False, allow_null=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True)
    services = serializers.ListField(child=serializers.CharField(), required=False)
    is_operating = serializers.BooleanField(required=False, default=True)
    is_newly_built = serializers.BooleanField(required=False, default=False)
    medical_partner = serializers.CharField(required=False, allow_blank=True)
    built_on = serializers.DateField(required=False, allow_null=True)
