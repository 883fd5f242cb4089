"""Top-level routes: the admin for editors, the API and its documentation for developers."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-root", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("articles.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script as a file of its own and ReDoc without fonts from elsewhere: both work under
    # the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY), which allows no inline script. They are
    # HTML pages with no metadata to describe: OPTIONS answers 405 (DRF's metadata through their template
    # renderer was a 500).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", metadata_class=None), name="api-docs"),
    # ReDoc's sidebar always shows its maker's logo, loaded from their site: that one image is allowed there.
    path(
        "api/redoc/",
        csp_update({"img-src": ["https://cdn.redoc.ly"]})(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html", metadata_class=None)
        ),
        name="api-redoc",
    ),
]

admin.site.site_header = _("Newsroom archive")
admin.site.site_title = _("Newsroom archive")
admin.site.index_title = _("Archive administration")
