from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/<str:app_label>/<str:model_name>/<str:pk>/", views.audit_log, name="audit"),
    path(
        "attachments/<str:app_label>/<str:model_name>/<str:pk>/upload/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/requeue/", views.job_requeue_view, name="job-requeue"),
    path("notifications/", views.notifications, name="notifications"),
]
