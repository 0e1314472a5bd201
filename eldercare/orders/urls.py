from django.urls import path

from eldercare.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("today/", views.work_today_page, name="today"),
    path("supervision/", views.supervision, name="supervision"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/export/", views.statement_export, name="statement_export"),
    path("photos/<int:photo_pk>/", views.photo_download, name="photo"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/dispatch/", views.order_dispatch, name="dispatch"),
    path("<int:pk>/photos/", views.photo_upload, name="photos"),
    path("<int:pk>/<str:step>/", views.order_step, name="step"),
]
