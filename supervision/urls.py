from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.problem_list, name="problems"),
    path("problems/new/", views.problem_create, name="problem-create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_create, name="complaint-create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("assessment/", views.assessment, name="assessment"),
    path("escalate/", views.escalate_now, name="escalate"),
]
