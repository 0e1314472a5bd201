from django.contrib import admin
from django.http import HttpRequest

from eldercare.core.models import AuditEvent


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
