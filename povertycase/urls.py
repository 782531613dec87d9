from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core import views as core_views
from core.headers import INLINE_STYLES, content_security_policy

# Each domain app contributes pages under /<app>/ and API routes under /api/<app>/ when it has them.
DOMAIN_APPS = [app for app in settings.PROJECT_APPS if app != "core"]


def _optional(module: str) -> bool:
    try:
        import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return False
    return True


api_auth_patterns: list[URLPattern | URLResolver] = [
    path(
        "login/",
        content_security_policy(**INLINE_STYLES)(
            auth_views.LoginView.as_view(template_name="rest_framework/login.html")
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

api_patterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script comes from its own address (?script), not inline in the page.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/api_swagger.html"),
        name="swagger-ui",
    ),
    # Redoc's library writes <style> elements and runs its search in a worker made from a blob: its page
    # alone allows those (still no inline script); docs/security.md.
    path(
        "redoc/",
        content_security_policy(style_src="'self' 'unsafe-inline'", worker_src="'self' blob:")(
            SpectacularRedocView.as_view(url_name="schema", template_name="core/api_redoc.html")
        ),
        name="redoc",
    ),
    # The browsable API's login and logout (rest_framework.urls); its login page sets style="".
    path(
        "auth/",
        include((api_auth_patterns, "rest_framework")),
    ),
]
api_patterns += [
    path(f"{app}/", include(f"{app}.api.urls")) for app in DOMAIN_APPS if _optional(f"{app}.api.urls")
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("core.urls")),
] + [path(f"{app}/", include(f"{app}.urls")) for app in DOMAIN_APPS if _optional(f"{app}.urls")]

# Error pages in the site's layout and language (DEBUG off; `dev.py up` keeps Django's debug pages).
handler400 = "core.views.error_400"
handler404 = "core.views.error_404"
handler403 = "core.views.error_403"

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE
