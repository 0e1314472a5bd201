"""Routes of the assessment report and statistics pages.

Included under /assessment/ in the "assessment" namespace (no app_name here, so it can be
included from the app's own urls.py): assessment:report, assessment:statistics.
"""

from django.urls import path

from eldercare.assessment import stats_views

urlpatterns = [
    path("<int:pk>/report.pdf", stats_views.report, name="report"),
    path("statistics/", stats_views.statistics, name="statistics"),
]
