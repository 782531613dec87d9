from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AllocationViewSet,
    DeclaredTotalViewSet,
    DisbursementViewSet,
    ExecutionReportView,
    FundSourceViewSet,
    HouseholdReceiptsView,
    NoticeViewSet,
    ProjectFundingViewSet,
    ProjectViewSet,
    PublicLookupView,
    ReconciliationView,
)

router = DefaultRouter()
router.register("sources", FundSourceViewSet, basename="fund-source")
router.register("allocations", AllocationViewSet, basename="allocation")
router.register("projects", ProjectViewSet, basename="project")
router.register("fundings", ProjectFundingViewSet, basename="project-funding")
router.register("disbursements", DisbursementViewSet, basename="disbursement")
router.register("notices", NoticeViewSet, basename="notice")
router.register("declared-totals", DeclaredTotalViewSet, basename="declared-total")

urlpatterns = [
    path("reports/execution/", ExecutionReportView.as_view(), name="funds-execution-report"),
    path("reports/reconciliation/", ReconciliationView.as_view(), name="funds-reconciliation"),
    path(
        "households/<int:household_id>/receipts/",
        HouseholdReceiptsView.as_view(),
        name="funds-household-receipts",
    ),
    path("public-lookup/", PublicLookupView.as_view(), name="funds-public-lookup"),
    *router.urls,
]
