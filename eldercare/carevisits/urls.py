from django.urls import path

from eldercare.carevisits import views

app_name = "carevisits"
urlpatterns = [
    path("", views.home, name="home"),
    path("key-elderly/", views.key_elderly, name="key_elderly"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/<int:resident_pk>/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/amend/", views.agreement_amend, name="agreement_amend"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="agreement_end"),
    path("log/<int:resident_pk>/", views.log_contact, name="log"),
    path("mine/", views.mine, name="mine"),
    path("overdue/", views.overdue, name="overdue"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_action, name="follow_up"),
    path("statistics/", views.statistics, name="statistics"),
    path("policy/", views.policy, name="policy"),
]
