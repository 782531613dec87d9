from django.urls import path

from . import views

app_name = "fieldwork"

urlpatterns = [
    path("", views.app, name="app"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("devices/", views.devices, name="devices"),
    path("devices/<uuid:pk>/revoke/", views.device_revoke_view, name="device-revoke"),
]
