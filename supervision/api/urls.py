from rest_framework.routers import DefaultRouter

from .views import ComplaintViewSet, InspectionViewSet, ProblemViewSet, SupervisionFiguresViewSet

router = DefaultRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("problems", ProblemViewSet, basename="problem")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("figures", SupervisionFiguresViewSet, basename="figures")
urlpatterns = router.urls
