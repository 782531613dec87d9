from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("export/", views.household_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import-template"),
    path("import/<uuid:pk>/", views.import_job, name="import-job"),
    path("import/<uuid:pk>/errors/", views.import_errors, name="import-errors"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/scan/", views.duplicates_scan, name="duplicates-scan"),
    path("duplicates/<int:pk>/review/", views.duplicate_review, name="duplicate-review"),
    path("cross-checks/", views.cross_checks, name="cross-checks"),
    path("cross-checks/matches/<int:pk>/review/", views.cross_check_review, name="cross-check-review"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/card/", views.household_card, name="card"),
    path("<int:pk>/members/new/", views.member_add, name="member-add"),
    path("<int:pk>/income/", views.income_add, name="income-add"),
    path("<int:pk>/conditions/", views.conditions_add, name="conditions-add"),
    path("<int:pk>/four-looks/", views.four_looks_add, name="four-looks-add"),
    path("<int:pk>/identification/start/", views.procedure_start, name="procedure-start"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("members/<int:pk>/move/", views.member_move, name="member-move"),
    path("members/<int:pk>/id-number/", views.member_id_reveal, name="member-id"),
    path("identification/<int:pk>/sign/", views.procedure_sign, name="procedure-sign"),
    path("identification/<int:pk>/objections/", views.objection_add, name="objection-add"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection-resolve"),
]
