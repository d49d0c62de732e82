import factory
from faker.providers import BaseProvider

from accounts.models import AreaAssignment, OrganisationMembership, Role, User


class IrishSurnames(BaseProvider):
    """Every made-up person's surname has an apostrophe (O'Hughes, O'Neill). Pages escape it
    (O&#x27;Neill), so a test that looks for a name in the page unescaped fails on every run,
    not on the 2% of runs where Faker happened to pick O'Brien."""

    def last_name_with_apostrophe(self) -> str:
        surname = self.generator.last_name()
        return surname if "'" in surname else f"O'{surname}"


factory.Faker.add_provider(IrishSurnames, locale="en_GB")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name_with_apostrophe", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")
    role = Role.LEAD_ORGANISATION

    class Params:
        programme_manager = factory.Trait(role=Role.PROGRAMME_MANAGER)
        funder_officer = factory.Trait(role=Role.FUNDER_OFFICER)
        finance_officer = factory.Trait(role=Role.FINANCE_OFFICER)
        relationship_manager = factory.Trait(role=Role.RELATIONSHIP_MANAGER)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory("programmes.tests.factories.OrganisationFactory")


class AreaAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaAssignment

    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    user = factory.SubFactory(UserFactory, relationship_manager=True)
