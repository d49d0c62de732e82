from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from programmes.models import Round
from surveys import services


class Command(BaseCommand):
    help = (
        "Create the evaluation's standard lead organisation or partner survey for a round, as a "
        "draft (the same as the Surveys page's button). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="the round's slug, e.g. round-2")
        parser.add_argument("--which", choices=["lead", "partner"], default="lead")
        parser.add_argument(
            "--as-user", default="", help="a programme manager's or admin's username"
        )

    def handle(self, *args, **options):
        round = Round.objects.filter(slug=options["round"]).first()
        if round is None:
            raise CommandError(f"There is no round {options['round']!r}.")
        users = User.objects.filter(is_active=True)
        if options["as_user"]:
            user = users.filter(username=options["as_user"]).first()
        else:
            user = (
                users.filter(role__in=[Role.ADMIN, Role.PROGRAMME_MANAGER]).order_by("pk").first()
            )
        if user is None:
            raise CommandError("Name a programme manager or admin with --as-user.")
        survey = services.standard_survey_create(round=round, which=options["which"], actor=user)
        self.stdout.write(f"{survey.title}: survey {survey.pk} ({survey.get_status_display()}).")
