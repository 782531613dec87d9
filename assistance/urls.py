from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("reminders/run/", views.reminders_run, name="reminders-run"),
    path("households/", views.household_list, name="households"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/visit/", views.visit_new, name="visit-new"),
    path("households/<int:pk>/assign/", views.cadre_assign, name="assign"),
    path("households/<int:pk>/plan/", views.plan_edit, name="plan"),
    path("households/<int:pk>/measures/new/", views.measure_new, name="measure-new"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("follow-ups/", views.follow_up_list, name="follow-ups"),
    path("follow-ups/<int:pk>/close/", views.follow_up_close, name="follow-up-close"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("cadres/new/", views.cadre_new, name="cadre-new"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre-edit"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/rotate/", views.team_rotate, name="team-rotate"),
    path("plans/", views.plan_list, name="plans"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("village-plans/", views.village_plan_list, name="village-plans"),
    path("village-plans/new/", views.village_plan_edit, name="village-plan-new"),
    path("village-plans/<int:pk>/edit/", views.village_plan_edit, name="village-plan-edit"),
]
