from django.urls import path

from eldercare.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("chain/", views.chain_settings, name="chain"),
    # Public, no login: the status by application number and the last four ID characters.
    path("status/", views.status_lookup, name="status"),
    path("residents/<int:resident_pk>/new/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/decide/", views.application_decide, name="decide"),
    path("<int:pk>/resubmit/", views.application_resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
