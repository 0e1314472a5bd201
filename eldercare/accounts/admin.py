from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from eldercare.accounts.models import User


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "region_code", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("角色与区划", {"fields": ("role", "region_code", "phone")}),
    )


def _superusers_only(request: HttpRequest) -> bool:
    """The admin bypasses region scoping, so only system administrators may enter it."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.site_header = "居家和社区养老服务综合信息平台 · 系统管理"
