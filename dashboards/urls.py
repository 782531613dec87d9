from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("targets/", views.targets, name="targets"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("<str:code>/", views.area_dashboard, name="area"),
    path("<str:code>/export/<str:table>.xlsx", views.area_export, name="export"),
]
