from django.urls import include, path

from eldercare.assessment import views

app_name = "assessment"

urlpatterns = [
    path("residents/<int:resident_pk>/new/", views.assessment_new, name="new"),
    path("residents/<int:resident_pk>/request/", views.reassessment_request, name="request"),
    path("<int:pk>/step/<int:step>/", views.assessment_step, name="step"),
    path("<int:pk>/conditions/", views.assessment_conditions, name="conditions"),
    path("<int:pk>/review/", views.assessment_review, name="review"),
    path("<int:pk>/discard/", views.assessment_discard, name="discard"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/correct/", views.assessment_correct, name="correct"),
    path("due/", views.due_list, name="due"),
    path("settings/", views.policy, name="policy"),
    path("", include("eldercare.assessment.stats_urls")),
]
