"""Response headers the browser enforces: a Content-Security-Policy with no inline script or
style, and a Permissions-Policy that turns off device features the site never uses."""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if request.path.startswith("/admin/"):
            policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", policy)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "PERMISSIONS_POLICY", "")
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response


class ProbeMiddleware:
    """First in MIDDLEWARE: /healthz, /readyz and /metrics are answered before anything else looks at the
    request, so a load balancer probing a backend by its address over plain HTTP gets the answer
    rather than a redirect to https (SecurityMiddleware) or a 400 for a host not in
    ALLOWED_HOSTS (CommonMiddleware). The views read no host, session or user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import views

        if request.path_info == "/healthz":
            return views.healthz(request)
        if request.path_info == "/readyz":
            return views.readyz(request)
        if request.path_info == "/metrics":
            from .metrics import metrics_view

            return metrics_view(request)
        return self.get_response(request)
