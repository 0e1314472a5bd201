from django.contrib import admin

from eldercare.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "locality", "class_source", "valid_from", "valid_to")
    list_filter = ("level", "locality", "class_source")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent_code", "valid_from", "valid_to", "dataset")
    show_full_result_count = False
