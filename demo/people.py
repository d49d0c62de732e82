"""The demo's people: one user per role (all with the same password, printed by `demo_logins`)
and the lead organisation contacts who apply for each organisation."""

from accounts.models import OrganisationMembership, Role, User

DEMO_PASSWORD = "ourplace-demo"

# username, first, last, role, job title
DEMO_USERS = [
    ("pm", "Priya", "Shah", Role.PROGRAMME_MANAGER, "Programme manager"),
    (
        "funder",
        "Daniel",
        "Okafor",
        Role.FUNDER_OFFICER,
        "Policy officer, Department for Communities",
    ),
    ("rm", "Helen", "Moss", Role.RELATIONSHIP_MANAGER, "Relationship manager, North"),
    ("rm2", "Tom", "Ainsworth", Role.RELATIONSHIP_MANAGER, "Relationship manager, South"),
    ("lead", "Sarah", "Whitfield", Role.LEAD_ORGANISATION, "Chief officer"),
    # A second lead organisation user whose area is signed off and in implementation, so progress
    # returns, funding secured and CBA outturn can be tried from the lead organisation's side.
    ("lead2", "Gareth", "Lloyd", Role.LEAD_ORGANISATION, "Parish clerk"),
    ("admin", "Alex", "Morgan", Role.ADMIN, "Systems administrator"),
    # Four eyes on money: approves payments and records them as paid, never both for one payment.
    ("finance", "Marcus", "Bell", Role.FINANCE_OFFICER, "Finance officer"),
]

# A second programme manager, without a login, who gives the demo's payments over the programme's
# threshold their second approval (the first is pm's, and finance pays them).
SECOND_APPROVER = ("jprice", "Joanna", "Price", Role.PROGRAMME_MANAGER, "Head of grants")


def demo_users() -> dict[str, User]:
    """The users in DEMO_USERS by username, created with the demo password the first time."""
    return {row[0]: _user(*row) for row in DEMO_USERS}


def second_approver() -> User:
    """The demo's second approver (no login: an unusable password)."""
    return _user(*SECOND_APPROVER, password=None)


def _user(username, first, last, role, title, password=DEMO_PASSWORD):
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@ourplace.example",
            "role": role,
            "job_title": title,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if made:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def contact(organisation, username, rng):
    """A lead organisation user for an organisation: the person who applies for it."""
    first = rng.choice(["Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry"])
    last = rng.choice(["Patel", "Walsh", "Hughes", "Begum", "Kowalski", "Evans", "Reid", "Khan"])
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "role": Role.LEAD_ORGANISATION,
            "job_title": "Project lead",
        },
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    join(user, organisation)
    return user


def join(user, organisation):
    """Make the user a (primary contact) member of the organisation."""
    OrganisationMembership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"is_primary_contact": True}
    )
    # permissions.user_belongs_to caches the user's organisations on the instance.
    user.__dict__.pop("_organisation_ids", None)
