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
