from django.urls import path

from .views import DeviceRegisterView, PhotoUploadView, SyncView, WorkingCopyView

urlpatterns = [
    path("devices/", DeviceRegisterView.as_view(), name="fieldwork-device"),
    path("households/", WorkingCopyView.as_view(), name="fieldwork-copy"),
    path("sync/", SyncView.as_view(), name="fieldwork-sync"),
    path("photos/<uuid:upload_id>/", PhotoUploadView.as_view(), name="fieldwork-photo"),
]
