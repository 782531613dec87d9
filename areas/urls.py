from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.area_index, name="list"),
    path("import/", views.area_import, name="import"),
    path("children/", views.area_children, name="children"),
    path("policy/", views.policy_home, name="policy-home"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/policy/", views.area_policy, name="policy"),
    path("<str:code>/policy/year/", views.area_policy_year, name="policy-year"),
]
