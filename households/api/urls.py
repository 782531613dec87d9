from rest_framework.routers import DefaultRouter

from .views import (
    CrossCheckBatchViewSet,
    CrossCheckMatchViewSet,
    DuplicateViewSet,
    HouseholdViewSet,
    MemberViewSet,
    ObjectionViewSet,
    ProcedureViewSet,
)

router = DefaultRouter()
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("identifications", ProcedureViewSet, basename="identification")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("duplicates", DuplicateViewSet, basename="duplicate")
router.register("cross-checks", CrossCheckBatchViewSet, basename="cross-check")
router.register("cross-check-matches", CrossCheckMatchViewSet, basename="cross-check-match")
urlpatterns = router.urls
