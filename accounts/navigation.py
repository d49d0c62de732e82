"""The main navigation, by role. Each app adds its pages here so the menu is in one place.

An item is (label, url name, predicate on the user[, menu group]). Order here is the order in
the menu. Items that share a group become one dropdown when the user sees more than one of them,
so a programme manager's menu fits on one line.
"""

from django.urls import reverse

from . import permissions as perms

NAV_ITEMS = [
    # Everyone's start page (core/mywork.py); its count is fetched after the page loads.
    ("My work", "mywork", lambda u: True),
    ("My areas", "programmes:my_areas", perms.is_lead_organisation_user),
    ("My applications", "applications:my_applications", perms.is_lead_organisation_user),
    ("Apply", "applications:apply", perms.is_lead_organisation_user),
    ("My areas", "support:my_areas", perms.is_relationship_manager),
    ("Follow-ups", "support:followup_list", perms.is_relationship_manager),
    (
        "Dashboard",
        "reports:dashboard_current",
        lambda u: perms.is_manager_or_admin(u) or perms.is_funder_officer(u),
    ),
    ("Areas", "programmes:area_list", perms.is_programme_staff, "Areas"),
    ("Organisations", "programmes:organisation_list", perms.is_programme_staff, "Areas"),
    ("Assessment", "applications:assessment_queue", perms.is_manager_or_admin, "Decisions"),
    ("Stage gates", "applications:gate_queue", perms.is_manager_or_admin, "Decisions"),
    (
        "Plan review queue",
        "plans:review_queue",
        lambda u: perms.is_programme_manager(u) or perms.is_funder_officer(u),
        "Decisions",
    ),
    (
        "Due diligence",
        "diligence:list",
        lambda u: perms.is_manager_or_admin(u) or perms.is_funder_officer(u),
        "Decisions",
    ),
    ("Progress returns", "delivery:returns_list", perms.is_programme_staff, "Support"),
    ("Events", "support:event_list", perms.is_programme_staff, "Support"),
    ("Peer reviews", "plans:peer_review_list", perms.is_lead_organisation_user),
    ("Team", "team_mine", perms.is_lead_organisation_user),
    ("Surveys", "surveys:my_surveys", perms.is_lead_organisation_user),
    (
        "Finance",
        "grants:finance",
        lambda u: (
            perms.is_manager_or_admin(u)
            or perms.is_funder_officer(u)
            or perms.is_finance_officer(u)
        ),
    ),
    (
        "Reports",
        "reports:index",
        lambda u: perms.is_manager_or_admin(u) or perms.is_funder_officer(u),
    ),
    (
        "Surveys",
        "surveys:survey_list",
        lambda u: perms.is_manager_or_admin(u) or perms.is_funder_officer(u),
    ),
]

# Menu links whose count is loaded by the page after it is shown (so every page does not run
# every app's queue queries): url name -> the url name of a fragment with the count.
COUNT_URLS = {"mywork": "mywork_count"}


def nav_for(user) -> list[dict]:
    """The menu for this user: links, and dropdowns ({"label", "children"}) for groups."""
    if not getattr(user, "is_authenticated", False):
        return []
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for label, url_name, allowed, *group in NAV_ITEMS:
        if not allowed(user):
            continue
        link = {"label": label, "url": reverse(url_name), "name": url_name}
        if url_name in COUNT_URLS:
            link["count_url"] = reverse(COUNT_URLS[url_name])
        if not group:
            menu.append(link)
        elif group[0] in groups:
            groups[group[0]]["children"].append(link)
        else:
            groups[group[0]] = {"label": group[0], "children": [link]}
            menu.append(groups[group[0]])
    # A group with a single visible page is just a link.
    return [item["children"][0] if len(item.get("children", [])) == 1 else item for item in menu]


def nav_url_names(user) -> list[str]:
    """Every page the user's menu links to, dropdowns flattened: for tests and checks."""
    return [link["name"] for item in nav_for(user) for link in item.get("children", [item])]
