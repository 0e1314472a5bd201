from django.urls import path

from eldercare.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.execution_page, name="home"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/allocate/", views.source_allocate, name="allocate"),
    path("sources/<int:pk>/correct/", views.source_correct, name="source_correct"),
    path("allocations/", views.allocation_list, name="allocations"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("allocations/<int:pk>/spend/", views.allocation_spend, name="spend"),
    path("allocations/<int:pk>/correct/", views.allocation_correct, name="allocation_correct"),
    path("expenditures/<int:pk>/", views.expenditure_detail, name="expenditure"),
    path("expenditures/<int:pk>/correct/", views.expenditure_correct, name="expenditure_correct"),
    path("expenditures/<int:pk>/vouchers/", views.voucher_upload, name="voucher_upload"),
    path("vouchers/<int:pk>/", views.voucher_download, name="voucher"),
    path("projects/", views.project_list, name="projects"),
    path("ledger.xlsx", views.ledger_export, name="export"),
]
