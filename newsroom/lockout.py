"""The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE), in the admin's look and language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

#: The status django-axes answers a locked-out login with (Too Many Requests).
LOCKED_OUT_STATUS = 429


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=LOCKED_OUT_STATUS)
    return response.render()
