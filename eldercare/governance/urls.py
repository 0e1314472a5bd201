from django.urls import path

from eldercare.governance.views import indicators, scoring, supervision, tasks

app_name = "governance"

urlpatterns = [
    path("", tasks.home, name="home"),
    path("lists/<int:pk>/", tasks.task_list, name="task_list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/report/", tasks.task_report, name="report"),
    path("reports/<int:pk>/attachment/", tasks.report_attachment, name="report_attachment"),
    path("attention/", tasks.attention, name="attention"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/new/", supervision.supervision_create, name="supervision_create"),
    path("supervision/<int:pk>/", supervision.round_detail, name="round"),
    path("supervision/<int:pk>/findings/", supervision.finding_add, name="finding_add"),
    path("findings/<int:pk>/rectify/", supervision.finding_rectify, name="finding_rectify"),
    path("sheets/<int:pk>/", scoring.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/scores/", scoring.manual_score, name="manual_score"),
    path("sheets/<int:pk>/run/", scoring.run_create, name="run_create"),
    path("runs/<int:pk>/", scoring.run_detail, name="run"),
    path("runs/<int:pk>/export.xlsx", scoring.run_xlsx, name="run_xlsx"),
    path("runs/<int:pk>/export.pdf", scoring.run_pdf, name="run_pdf"),
    path("indicators/", indicators.indicators, name="indicators"),
    path("indicators/values/", indicators.indicator_value, name="indicator_value"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/rows/", indicators.indicator_rows, name="indicator_rows"),
]
