from django.urls import URLPattern

app_name = "carevisits"
urlpatterns: list[URLPattern] = []
