from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.funds_index, name="index"),
    path("reports/", views.report, name="report"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/check/", views.ledger_check_start, name="ledger-check"),
    path("reconciliation/new/", views.declared_total_create, name="declared-new"),
    path("sources/", views.source_list, name="sources"),
    path("allocations/", views.allocation_list, name="allocations"),
    path("allocations/new/", views.allocation_create, name="allocation-new"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project-new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/fund/", views.project_fund, name="project-fund"),
    path("projects/<int:pk>/notice/", views.project_notice, name="project-notice"),
    path("projects/<int:pk>/measures/", views.project_measures, name="project-measures"),
    path("projects/<int:pk>/pay-households/", views.project_batch, name="project-batch"),
    path("projects/<int:pk>/status/<str:status>/", views.project_transition, name="project-transition"),
    path("payments/", views.disbursement_list, name="disbursements"),
    path("payments/new/", views.disbursement_create, name="disbursement-new"),
    path("payments/<int:pk>/", views.disbursement_detail, name="disbursement"),
    path("payments/<int:pk>/reverse/", views.disbursement_reverse, name="disbursement-reverse"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("public/notices/", views.public_notices, name="public-notices"),
    path("public/lookup/", views.public_lookup, name="lookup"),
]
