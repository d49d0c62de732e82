from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from . import permissions as perms

# Each role's start page. Apps that own a role's main page change the entry here.
START_PAGES = {
    "programme_manager": "programmes:area_list",
    "funder_officer": "programmes:area_list",
    "relationship_manager": "support:my_areas",
    "admin": "programmes:area_list",
    "lead_organisation": "programmes:my_areas",
}


@login_required
def home(request):
    """Send each role to its own start page."""
    user = request.user
    if perms.is_admin(user):
        return redirect(START_PAGES["admin"])
    return redirect(START_PAGES.get(user.role, "programmes:my_areas"))
