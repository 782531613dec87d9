from rest_framework.routers import DefaultRouter

from .views import AreaDashboardViewSet, ExitTargetViewSet, IncidenceFigureViewSet, IncidenceSnapshotViewSet

router = DefaultRouter()
router.register("figures", IncidenceFigureViewSet, basename="figure")
router.register("snapshots", IncidenceSnapshotViewSet, basename="snapshot")
router.register("targets", ExitTargetViewSet, basename="exit-target")
router.register("areas", AreaDashboardViewSet, basename="area-dashboard")
urlpatterns = router.urls
