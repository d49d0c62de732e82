"""The server-error page, which becomes "temporarily unavailable" (503) when the database is
unreachable. Both render without the request context: the navigation needs the user, and the
user needs the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request, template_name: str = "core/errors/500.html") -> HttpResponse:
    """handler500: Django calls it inside the failed request's except block, so the exception
    is still in sys.exc_info()."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        response = HttpResponse(loader.render_to_string("core/errors/503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string(template_name), status=500)
