from django.urls import URLPattern

app_name = "funds"
urlpatterns: list[URLPattern] = []
