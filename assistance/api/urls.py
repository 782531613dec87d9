from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AssistancePlanViewSet,
    AssistedHouseholdViewSet,
    CadrePairingViewSet,
    CadreViewSet,
    CoverageView,
    FollowUpViewSet,
    MeasureViewSet,
    VillagePlanViewSet,
    VisitViewSet,
    WorkTeamViewSet,
)

router = DefaultRouter()
router.register("cadres", CadreViewSet, basename="assistance-cadre")
router.register("teams", WorkTeamViewSet, basename="assistance-team")
router.register("pairings", CadrePairingViewSet, basename="assistance-pairing")
router.register("visits", VisitViewSet, basename="assistance-visit")
router.register("follow-ups", FollowUpViewSet, basename="assistance-follow-up")
router.register("plans", AssistancePlanViewSet, basename="assistance-plan")
router.register("measures", MeasureViewSet, basename="assistance-measure")
router.register("village-plans", VillagePlanViewSet, basename="assistance-village-plan")
router.register("households", AssistedHouseholdViewSet, basename="assistance-household")
urlpatterns = [path("coverage/", CoverageView.as_view(), name="assistance-coverage"), *router.urls]
