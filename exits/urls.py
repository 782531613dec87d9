from django.urls import path

from . import views

app_name = "exits"

urlpatterns = [
    path("", views.procedure_list, name="procedures"),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure"),
    path("procedures/<int:pk>/sign/", views.procedure_sign, name="procedure-sign"),
    path("procedures/<int:pk>/objections/", views.objection_record, name="objection-record"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("households/<int:household_pk>/propose/", views.procedure_propose, name="propose"),
    path("households/<int:household_pk>/return/", views.household_return, name="return"),
    path("households/<int:household_pk>/monitoring/", views.monitoring_report, name="monitoring-report"),
    path("notice/<str:code>/", views.public_notice, name="notice"),
    path("screening/", views.screening, name="screening"),
    path("villages/", views.villages, name="villages"),
    path("villages/<str:code>/propose/", views.village_exit_propose, name="village-exit-propose"),
    path("village-exits/<int:pk>/", views.village_exit_detail, name="village-exit"),
    path("county/", views.county_exit, name="county"),
    path("settings/", views.exit_settings, name="settings"),
    path("settings/standards/", views.village_standard_add, name="settings-standard-add"),
    path(
        "settings/standards/<int:pk>/retire/", views.village_standard_retire, name="settings-standard-retire"
    ),
    path("monitoring/", views.monitoring_list, name="monitoring"),
    path("monitoring/<int:pk>/", views.monitoring_detail, name="monitoring-detail"),
    path("monitoring/<int:pk>/sign/", views.monitoring_sign, name="monitoring-sign"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("check-tasks/<int:pk>/complete/", views.check_task_complete, name="check-task-complete"),
]
