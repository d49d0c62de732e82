"""Generate N areas quickly (bulk_create) in a throwaway database, for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_bench \\
        .venv/bin/python bench/make_data.py --areas 1000

It migrates the database, removes the areas a previous run made (references starting BN-) and
creates N areas in one live round, each with a lead organisation, one to three themes, two
partners, a relationship manager and three activity entries. Never point it at a database you
care about.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")

PREFIX = "BN-"
BATCH = 1000


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def clear():
    from accounts.models import AreaAssignment
    from activity.models import ActivityEntry
    from programmes.models import Area, Organisation, Partner

    areas = Area.objects.filter(reference__startswith=PREFIX)
    ActivityEntry.objects.filter(area__in=areas).delete()
    AreaAssignment.objects.filter(area__in=areas).delete()
    Partner.objects.filter(area__in=areas).delete()
    try:
        from reports.models import ReportJob

        ReportJob.objects.filter(area__in=areas).delete()
    except ImportError:
        pass
    areas.delete()
    Organisation.objects.filter(name__startswith="Bench ").delete()


def make(n: int, seed: int = 1) -> dict:
    """Create n areas; return the round and a sample area reference."""
    from accounts.models import AreaAssignment, Role, User
    from activity.models import ActivityEntry, Visibility
    from programmes.models import (
        AREA_STAGE_ORDER,
        Approach,
        Area,
        AreaTheme,
        AreaType,
        Organisation,
        OrganisationType,
        Partner,
        PartnerType,
        Programme,
        Round,
        Theme,
    )

    rng = random.Random(seed)
    clear()
    today = datetime.date.today()
    programme, _ = Programme.objects.get_or_create(
        slug="our-place",
        defaults={
            "name": "Our Place",
            "funder_name": "Department for Communities",
            "manager_name": "Locality",
        },
    )
    rnd, _ = Round.objects.get_or_create(
        slug="bench-round",
        defaults={
            "programme": programme,
            "name": "Benchmark round",
            "status": Round.Status.LIVE,
            "opens_on": today - datetime.timedelta(days=200),
            "closes_on": today - datetime.timedelta(days=100),
            "starts_on": today - datetime.timedelta(days=90),
            "ends_on": today + datetime.timedelta(days=400),
        },
    )
    rms = []
    for i in range(5):
        user, _ = User.objects.get_or_create(
            username=f"bench-rm{i}",
            defaults={
                "role": Role.RELATIONSHIP_MANAGER,
                "first_name": "Bench",
                "last_name": f"RM{i}",
            },
        )
        rms.append(user)
    User.objects.get_or_create(username="bench-pm", defaults={"role": Role.PROGRAMME_MANAGER})
    themes = list(Theme.objects.all())
    org_types = list(OrganisationType)
    las = ["Leeds", "York", "Carlisle", "Bristol", "Norwich", "Truro", "Derby", "Hull"]

    started = time.perf_counter()
    leads = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench Lead {i:05d}",
                org_type=org_types[i % len(org_types)],
                org_identifier=f"360G-bench-lead-{i}",
                town=las[i % len(las)],
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    partners = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench Partner {i:05d}",
                org_type=OrganisationType.LOCAL_AUTHORITY,
                org_identifier=f"360G-bench-partner-{i}",
            )
            for i in range(2 * n)
        ],
        batch_size=BATCH,
    )
    areas = Area.objects.bulk_create(
        [
            Area(
                reference=f"{PREFIX}{i:05d}",
                name=f"Bench Neighbourhood {i:05d}",
                local_authority=las[i % len(las)],
                area_type=rng.choice(list(AreaType)),
                lead_organisation=leads[i],
                approach=rng.choice(list(Approach)),
                round=rnd,
                stage=rng.choice(AREA_STAGE_ORDER),
                joined_on=rnd.starts_on + datetime.timedelta(days=rng.randint(0, 60)),
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    area_themes = []
    for area in areas:
        for position, theme in enumerate(rng.sample(themes, rng.randint(1, 3)), 1):
            area_themes.append(AreaTheme(area=area, theme=theme, position=position))
    AreaTheme.objects.bulk_create(area_themes, batch_size=BATCH)
    Partner.objects.bulk_create(
        [
            Partner(
                area=area,
                organisation=partners[2 * i + k],
                partner_type=[PartnerType.LOCAL_AUTHORITY, PartnerType.NHS][k],
            )
            for i, area in enumerate(areas)
            for k in range(2)
        ],
        batch_size=BATCH,
    )
    AreaAssignment.objects.bulk_create(
        [
            AreaAssignment(area=area, user=rms[i % len(rms)], started_on=area.joined_on)
            for i, area in enumerate(areas)
        ],
        batch_size=BATCH,
    )
    now = datetime.datetime.now(datetime.UTC)
    ActivityEntry.objects.bulk_create(
        [
            ActivityEntry(
                area=area,
                verb=verb,
                summary=summary,
                visibility=Visibility.AREA,
                occurred_at=now - datetime.timedelta(days=days),
            )
            for area in areas
            for verb, summary, days in (
                ("area.moved", "Admitted: now Getting Ready", 80),
                ("partner.added", "Added a partner", 60),
                ("area.moved", "Getting Going grant approved", 20),
            )
        ],
        batch_size=BATCH,
    )
    return {
        "round": rnd,
        "sample": areas[n // 2].reference,
        "seconds": time.perf_counter() - started,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=1000)
    args = parser.parse_args()
    setup()
    result = make(args.areas)
    print(f"Made {args.areas} areas in {result['seconds']:.1f} s (round {result['round'].slug}).")


if __name__ == "__main__":
    main()
