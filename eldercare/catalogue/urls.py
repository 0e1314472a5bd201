from django.urls import path

from eldercare.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.in_effect, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/edit/", views.item_edit, name="item_edit"),
    path("lists/", views.list_index, name="lists"),
    path("lists/new/", views.list_create, name="list_create"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/edit/", views.list_edit, name="list_edit"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list_publish"),
    path("lists/<int:pk>/withdraw/", views.list_withdraw, name="list_withdraw"),
    path("lists/<int:pk>/discard/", views.list_discard, name="list_discard"),
    path("lists/<int:pk>/entries/add/", views.entry_add, name="entry_add"),
    path("lists/<int:pk>/entries/<int:entry_pk>/edit/", views.entry_edit, name="entry_edit"),
    path("lists/<int:pk>/entries/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
]
