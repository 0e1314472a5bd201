from django.urls import path

from eldercare.registry import import_views, views

app_name = "registry"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("residents/", views.resident_list, name="list"),
    path("residents/export.xlsx", views.resident_export, name="export"),
    path("residents/new/", views.resident_create, name="create"),
    path("residents/<int:pk>/", views.resident_detail, name="detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="edit"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="reveal"),
    path("residents/<int:pk>/status/", views.resident_status, name="status"),
    path("residents/<int:pk>/contacts/", views.resident_contacts, name="contacts"),
    path("residents/<int:pk>/screening/", views.resident_screening, name="screening"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/errors.xlsx", import_views.import_errors, name="import_errors"),
    # After the job routes: a kind is a slug, and digits are a slug too.
    path("import/<slug:kind>/", import_views.import_upload, name="import_kind"),
    path(
        "import/<slug:kind>/templates/<slug:name>.xlsx",
        import_views.import_template,
        name="import_template",
    ),
]
