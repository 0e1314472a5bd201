"""The API's shapes: plain functions build the data; Serializer classes describe it for OpenAPI."""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from eldercare.catalogue.models import (
    ListKind,
    ListStatus,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
    ServiceUnit,
)
from eldercare.catalogue.yuan import format_yuan


def item_data(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "category_label": str(item.get_category_display()),
        "unit": item.unit,
        "unit_label": str(item.get_unit_display()),
        "standard_price_fen": item.standard_price_fen,
        "standard_price_yuan": format_yuan(item.standard_price_fen) or None,
        "is_price_example": item.is_price_example,
        "service_standard": item.service_standard,
        "minimum_minutes": item.minimum_minutes,
        "is_basic": item.is_basic,
        "is_active": item.is_active,
        "region_code": item.region_code,
        "source": item.source,
    }


def list_summary(service_list: ServiceList) -> dict[str, Any]:
    return {
        "id": service_list.pk,
        "region_code": service_list.region_code,
        "kind": service_list.kind,
        "kind_label": str(service_list.get_kind_display()),
        "name": service_list.name,
        "version": service_list.version,
        "status": service_list.status,
        "effective_from": service_list.effective_from,
        "effective_to": service_list.effective_to,
    }


def entry_values(entry: ServiceListEntry) -> dict[str, Any]:
    return {
        "price_fen": entry.local_price_fen,
        "price_yuan": format_yuan(entry.local_price_fen) or None,
        "is_price_example": entry.is_price_example,
        "is_basic": entry.is_basic,
        "eligibility": entry.eligibility,
        "funding": entry.funding,
        "frequency_limit": entry.frequency_limit,
        "lead_agency": entry.lead_agency,
    }


def effective_entry_data(entry: ServiceListEntry) -> dict[str, Any]:
    """An item as it applies at a place: the item, the entry's terms and the list it comes from."""
    return {
        **item_data(entry.item),
        **entry_values(entry),
        "list": list_summary(entry.service_list),
    }


def list_detail_data(service_list: ServiceList, entries: list[ServiceListEntry]) -> dict[str, Any]:
    return {
        **list_summary(service_list),
        "basis": service_list.basis,
        "based_on": service_list.based_on_id,
        "superseded_by": service_list.superseded_by_id,
        "published_at": service_list.published_at,
        "entries": [
            {"position": entry.position, "item": item_data(entry.item), **entry_values(entry)}
            for entry in entries
        ],
    }


# --- schema -------------------------------------------------------------------------------------


class ServiceItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=ServiceCategory.choices)
    category_label = serializers.CharField()
    unit = serializers.ChoiceField(choices=ServiceUnit.choices)
    unit_label = serializers.CharField()
    standard_price_fen = serializers.IntegerField(allow_null=True, help_text="分；null 表示不定价")
    standard_price_yuan = serializers.CharField(allow_null=True, help_text="元，两位小数")
    is_price_example = serializers.BooleanField()
    service_standard = serializers.CharField()
    minimum_minutes = serializers.IntegerField(allow_null=True)
    is_basic = serializers.BooleanField()
    is_active = serializers.BooleanField()
    region_code = serializers.CharField(help_text="设立项目的区划；空为通用项目")
    source = serializers.CharField()  # type: ignore[assignment]  # a field, popped by the metaclass


class ServiceListSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region_code = serializers.CharField(help_text="空为全国")
    kind = serializers.ChoiceField(choices=ListKind.choices)
    kind_label = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ListStatus.choices)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True, help_text="最后适用的一天；null 为长期")


class _EntryTermsSerializer(serializers.Serializer):
    price_fen = serializers.IntegerField(allow_null=True)
    price_yuan = serializers.CharField(allow_null=True)
    is_price_example = serializers.BooleanField()
    is_basic = serializers.BooleanField()
    eligibility = serializers.CharField()
    funding = serializers.CharField()
    frequency_limit = serializers.CharField()
    lead_agency = serializers.CharField()


class EffectiveItemSerializer(ServiceItemSerializer, _EntryTermsSerializer):
    list = ServiceListSummarySerializer()


class ServiceItemDetailSerializer(ServiceItemSerializer):
    in_effect = EffectiveItemSerializer(
        allow_null=True, help_text="?region= 给出时：该区划在 ?on= 当天适用的条目"
    )


class ListEntrySerializer(_EntryTermsSerializer):
    position = serializers.IntegerField()
    item = ServiceItemSerializer()


class ServiceListDetailSerializer(ServiceListSummarySerializer):
    basis = serializers.CharField()
    based_on = serializers.IntegerField(allow_null=True)
    superseded_by = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    entries = ListEntrySerializer(many=True)


class CatalogueProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


# Built inline: a declared field named "errors" would shadow Serializer.errors.
ProblemListSerializer = inline_serializer(
    "CatalogueProblemList", fields={"errors": CatalogueProblemSerializer(many=True)}
)
