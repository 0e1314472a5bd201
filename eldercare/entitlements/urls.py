from django.urls import path

from eldercare.entitlements.views import accounts, credits, documents, runs

app_name = "entitlements"

urlpatterns = [
    path("", credits.credit_list, name="credits"),
    path("export.xlsx", credits.credit_export, name="credit_export"),
    path("grants/", credits.grant_list, name="grants"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/resume/", runs.run_resume, name="run_resume"),
    path("documents/", documents.document_list, name="documents"),
    path("documents/upload/", documents.document_upload, name="document_upload"),
    path("documents/<int:pk>/", documents.document_detail, name="document"),
    path("documents/<int:pk>/file.yaml", documents.document_file, name="document_file"),
    path("documents/<int:pk>/activate/", documents.document_activate, name="document_activate"),
    path("documents/<int:pk>/retire/", documents.document_retire, name="document_retire"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/export.xlsx", accounts.account_export, name="account_export"),
    path("accounts/<int:pk>/", accounts.statement, name="statement"),
    path("accounts/<int:pk>/statement.xlsx", accounts.statement_export, name="statement_export"),
]
