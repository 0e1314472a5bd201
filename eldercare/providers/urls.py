from django.urls import path

from eldercare.providers.views import blacklist, directory, facilities, providers, staff

app_name = "providers"

urlpatterns = [
    path("", providers.provider_list, name="list"),
    path("new/", providers.provider_new, name="new"),
    path("<int:pk>/", providers.provider_detail, name="detail"),
    path("<int:pk>/edit/", providers.provider_edit, name="edit"),
    path("<int:pk>/status/", providers.provider_status, name="status"),
    path("<int:pk>/prices/", providers.provider_price, name="price"),
    path("<int:pk>/licences/", providers.provider_licence, name="licence"),
    path(
        "<int:pk>/licences/<int:licence_pk>/remove/",
        providers.licence_remove,
        name="licence_remove",
    ),
    path("<int:provider_pk>/staff/new/", staff.staff_new, name="staff_new"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/reveal/", staff.staff_reveal, name="staff_reveal"),
    path("staff/<int:pk>/trainings/", staff.staff_training, name="staff_training"),
    path("staff/<int:pk>/availability/", staff.staff_availability, name="staff_availability"),
    path("staff/<int:pk>/status/", staff.staff_status, name="staff_status"),
    path("staff/<int:pk>/login/", staff.staff_login, name="staff_login"),
    path("facilities/", facilities.facility_list, name="facility_list"),
    path("facilities/export/", facilities.facility_export, name="facility_export"),
    path("facilities/import/", facilities.facility_import, name="facility_import"),
    path("facilities/new/", facilities.facility_new, name="facility_new"),
    path("facilities/<int:pk>/", facilities.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", facilities.facility_edit, name="facility_edit"),
    path("blacklist/", blacklist.blacklist, name="blacklist"),
    # Public, no login: the directory of providers, facilities and prices.
    path("directory/", directory.directory, name="directory"),
]
