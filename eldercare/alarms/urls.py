from django.urls import path

from eldercare.alarms import exports, views

app_name = "alarms"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("board/data/", views.board_data, name="board-data"),
    path("board/stream/", views.board_stream, name="board-stream"),
    path("list/", views.alarm_list, name="list"),
    path("<int:pk>/", views.alarm_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.alarm_acknowledge, name="acknowledge"),
    path("<int:pk>/close/", views.alarm_close, name="close"),
    path("<int:pk>/note/", views.alarm_note, name="note"),
    path("<int:pk>/visit/", views.alarm_visit, name="visit"),
    path("<int:pk>/reveal/", views.alarm_reveal, name="reveal"),
    path("devices/", views.device_list, name="devices"),
    path("devices/new/", views.device_new, name="device-new"),
    path("devices/<int:pk>/", views.device_detail, name="device"),
    path("devices/<int:pk>/bind/", views.device_bind, name="device-bind"),
    path("devices/<int:pk>/unbind/", views.device_unbind, name="device-unbind"),
    path("devices/<int:pk>/retire/", views.device_retire, name="device-retire"),
    path("devices/<int:pk>/secret/", views.device_secret, name="device-secret"),
    path("residents/<int:resident_pk>/chain/", views.resident_chain, name="chain"),
    path("statistics/", exports.statistics_page, name="statistics"),
    path("statistics/export/", exports.statistics_export, name="statistics-export"),
]
