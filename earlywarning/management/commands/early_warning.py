"""The early-warning list of a round, worst first with each area's reasons, as of today or a past
day; with --backtest, the score replayed weekly over the round and how well it foretold the areas
that left (the last line: ``precision 0.67 recall 0.50``)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from earlywarning.backtest import backtest
from earlywarning.facts import round_facts
from earlywarning.signals import FLAG_THRESHOLD, score_round
from programmes.models import Round


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "List a round's areas by early-warning score, or backtest the score on its history."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="The round's slug.")
        parser.add_argument("--as-of", type=_date, help="Score as of this day (YYYY-MM-DD).")
        parser.add_argument(
            "--backtest",
            action="store_true",
            help="Replay the score weekly up to --as-of (today) and report precision and recall.",
        )

    def handle(self, *args, **options):
        rnd = Round.objects.filter(slug=options["round"]).first()
        if rnd is None:
            raise CommandError(f"No round with the slug {options['round']!r}.")
        as_of = options["as_of"] or timezone.localdate()
        facts = round_facts(rnd)
        if options["backtest"]:
            self._backtest(facts, as_of)
        else:
            self._list(facts, rnd, as_of)

    def _list(self, facts, rnd, as_of):
        scores = score_round(facts, as_of)
        flagged = sum(1 for s in scores if s.flagged)
        self.stdout.write(
            f"{rnd.name} as of {as_of:%Y-%m-%d}: {flagged} of {len(scores)} active areas "
            f"flagged (threshold {FLAG_THRESHOLD})"
        )
        for s in scores:
            area = facts.areas[s.area_id].area
            mark = "FLAGGED" if s.flagged else "       "
            reasons = "; ".join(r["reason"] for r in s.reasons) or "nothing of note"
            self.stdout.write(f"{s.score:3d} {mark} {area.reference} {area.name}: {reasons}")

    def _backtest(self, facts, as_of):
        # A finished round is replayed to its end, not to today.
        result = backtest(facts, until=min(as_of, facts.round.ends_on))
        self.stdout.write(
            f"Backtest of {facts.round.name}: weekly from {result.start:%Y-%m-%d} to "
            f"{result.until:%Y-%m-%d}, flagged at {result.threshold}"
        )
        for a in result.areas:
            if a.left_on is None and a.first_flagged is None:
                continue
            left = f"left {a.left_on:%Y-%m-%d}" if a.left_on else "still in"
            flagged = (
                f"first flagged {a.first_flagged:%Y-%m-%d}" if a.first_flagged else "never flagged"
            )
            warning = (
                f" ({a.weeks_warning:.0f} weeks before)" if a.weeks_warning is not None else ""
            )
            self.stdout.write(f"  {a.reference}: {left}, {flagged}{warning}")
        stayed = len(result.areas) - len(result.left)
        for name, (left, kept) in result.signal_counts().items():
            self.stdout.write(
                f"  signal {name}: fired for {left} of {len(result.left)} that left, "
                f"{kept} of {stayed} that stayed"
            )
        weeks = result.median_weeks_warning
        self.stdout.write(
            f"{len(result.areas)} areas, {len(result.left)} left, {len(result.flagged)} flagged, "
            f"{len(result.caught)} flagged before leaving; median warning "
            + (f"{weeks:.1f} weeks" if weeks is not None else "none")
        )
        self.stdout.write(f"precision {result.precision:.2f} recall {result.recall:.2f}")
