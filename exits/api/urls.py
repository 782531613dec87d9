from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("eligibility", views.EligibilityViewSet, basename="eligibility")
router.register("flags", views.ExitFlagViewSet, basename="exit-flag")
router.register("procedures", views.ExitProcedureViewSet, basename="exit-procedure")
router.register("objections", views.ExitObjectionViewSet, basename="exit-objection")
router.register("monitoring", views.MonitoringCaseViewSet, basename="monitoring-case")
router.register("village-exits", views.VillageExitViewSet, basename="village-exit")
router.register("county-exits", views.CountyExitViewSet, basename="county-exit")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("check-tasks", views.CheckTaskViewSet, basename="check-task")
urlpatterns = router.urls
