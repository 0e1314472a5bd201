from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from eldercare.core.audit import record
from eldercare.core.holiday_models import Holiday, HolidaySource, HolidayYear
from eldercare.core.holidays import calendar_changed
from eldercare.core.models import AuditAction, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, even for administrators."""

    list_display = (
        "created_at",
        "actor_username",
        "action",
        "object_type",
        "object_repr",
        "region_code",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_id", "region_code")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AuditedCalendarAdmin(admin.ModelAdmin):
    """Calendar rows edited here become "manual" (kept by later package loads) and are audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = {name: form.initial.get(name) for name in form.changed_data} if change else {}
        obj.source = HolidaySource.MANUAL
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes={
                name: [before.get(name), form.cleaned_data.get(name)] for name in form.changed_data
            },
        )
        calendar_changed.send(sender=type(obj), actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(actor=request.user, action=AuditAction.DELETE, obj=obj)
        super().delete_model(request, obj)
        calendar_changed.send(sender=type(obj), actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            record(actor=request.user, action=AuditAction.DELETE, obj=obj)
        super().delete_queryset(request, queryset)
        calendar_changed.send(sender=queryset.model, actor=request.user)


@admin.register(Holiday)
class HolidayAdmin(AuditedCalendarAdmin):
    """节假日安排: official holidays and adjusted working days; a year after 2026 is entered here."""

    list_display = ("day", "weekday", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source")
    date_hierarchy = "day"
    search_fields = ("name",)
    fields = ("day", "kind", "name")

    @admin.display(description="星期")
    def weekday(self, obj: Holiday) -> str:
        return "一二三四五六日"[obj.day.weekday()]


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedCalendarAdmin):
    """A year listed here has a complete schedule; other years count by weekends only."""

    list_display = ("year", "source", "note", "updated_at")
    fields = ("year", "note")
