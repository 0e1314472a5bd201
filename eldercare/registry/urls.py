from django.urls import path

from eldercare.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
