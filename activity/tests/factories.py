import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry, Notification, Visibility


class ActivityEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityEntry

    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    verb = "area.noted"
    summary = factory.Sequence(lambda n: f"Something happened {n}")
    visibility = Visibility.STAFF
    occurred_at = factory.LazyFunction(timezone.now)

    class Params:
        for_area = factory.Trait(visibility=Visibility.AREA)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so the entry takes its place in its area's hash chain.
        from activity.services import activity_record

        return activity_record(**kwargs)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    entry = factory.SubFactory(ActivityEntryFactory)

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
