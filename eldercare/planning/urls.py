from django.urls import path

from eldercare.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("map/", views.coverage_map, name="map"),
    path("points/", views.points, name="points"),
    path("points/save/", views.point_save, name="point_save"),
    path("points/generate/", views.points_generate, name="points_generate"),
    path("points/import/", views.points_import, name="points_import"),
    path("points/template/", views.points_template, name="points_template"),
    path("areas/", views.areas, name="areas"),
    path("areas/new/", views.area_new, name="area_new"),
    path("areas/<int:pk>/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/delete/", views.area_delete, name="area_delete"),
    path("areas/import/", views.areas_import, name="areas_import"),
    path("areas/template/", views.areas_template, name="areas_template"),
    path("circles/", views.circles, name="circles"),
    path("circles/<int:pk>/delete/", views.circle_delete, name="circle_delete"),
]
