import factory

from accounts.models import AreaAssignment, OrganisationMembership, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
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
