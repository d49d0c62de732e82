"""The rows `make_data.make()` inserts: people, the round, organisations, areas and applications
here; the work that follows admission (gates, awards, plans, support, returns, activity) in
`mix_work`. Every row is built in memory and bulk-inserted; dates follow each area's own story
(applied, admitted, Getting Going, plan, sign-off, returns) so the pages show what a real
programme shows."""

import datetime
import random

import mix_work
from django.utils import timezone
from mix_plan import (
    AREA_KINDS,
    GATE_MIX,
    LOCAL_AUTHORITIES,
    OTHER_APPLICATIONS,
    PLACES,
    PLAN_MIX,
    PREFIX,
    ROUND_SLUG,
    STAGE_MIX,
    Row,
    day_after,
    pick,
)

ORG_TYPE_MIX = [("vcs", 60), ("parish_council", 15), ("local_authority", 15), ("other_public", 10)]


class Mix(mix_work.Work):
    def __init__(self, *, n: int, seed: int, load):
        self.n = n
        self.rng = random.Random(seed)
        self.load = load
        self.today = timezone.localdate()
        self.now = timezone.now()

    def build(self):
        self._people()
        self._round()
        self._profiles()
        self._organisations()
        self._areas()
        self._applications()
        self.gates_and_awards()
        self.plans()
        self.support()
        self.delivery()
        self.activity()

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def samples(self) -> dict:
        """The area whose detail page and PDF are measured, and the areas report jobs are asked
        for. The detail page's queries depend on what the area has (a CBA adds some, a top-up
        award others), so the sample has the same shape at every size: signed off, with returns,
        payments and a CBA, no top-up and no Making it Happen gate."""
        rich = next(
            (
                self.areas[i].reference
                for i, p in enumerate(self.profiles)
                if i >= self.n // 3
                and p["stage"] == "implementation"
                and p["status"] == "active"
                and p["cba"]
                and not p["top_up"]
                and not p["mih_gate"]
            ),
            self.areas[self.n // 2].reference,
        )
        return {"rich": rich, "report_areas": [a.reference for a in self.areas[:64]]}

    # People -------------------------------------------------------------------------------------

    def _people(self):
        from accounts.models import Role, User

        def user(username, role, first, last, **extra):
            return Row(
                username=username,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@bench.invalid",
                password="!",
                **extra,
            )

        staff = [
            user("bench-pm", Role.PROGRAMME_MANAGER, "Priya", "Manager"),
            user("bench-funder", Role.FUNDER_OFFICER, "Femi", "Funder"),
            user("bench-admin", Role.ADMIN, "Ada", "Admin", is_staff=True, is_superuser=True),
        ]
        rms = [
            user(f"bench-rm{k}", Role.RELATIONSHIP_MANAGER, "Robin", f"RM{k:03d}")
            for k in range(max(5, self.n // 200))
        ]
        self.others = sum(round(self.n * share) for _, share in OTHER_APPLICATIONS)
        leads = [
            user(f"bench-lead{i}", Role.LEAD_ORGANISATION, "Lee", f"Lead{i:05d}")
            for i in range(self.n + self.others)
        ]
        made = self.load(User, staff + rms + leads)
        self.pm, self.funder, self.admin = made[:3]
        self.rms = made[3 : 3 + len(rms)]
        self.leads = made[3 + len(rms) :]

    def _round(self):
        from applications.models import AssessmentCriterion, RoundAssessmentSettings
        from programmes.models import Milestone, Programme, Round, Stage
        from programmes.services import round_create

        programme, _ = Programme.objects.get_or_create(
            slug="our-place",
            defaults={
                "name": "Our Place",
                "funder_name": "Department for Communities",
                "manager_name": "Locality",
            },
        )
        starts = day_after(self.today, -640)
        self.round = round_create(
            programme=programme,
            slug=ROUND_SLUG,
            name="Benchmark round",
            opens_on=day_after(starts, -90),
            closes_on=day_after(starts, -10),
            starts_on=starts,
            ends_on=day_after(self.today, 700),
            status=Round.Status.LIVE,
        )
        K = Milestone.Kind
        rows = [
            ("Applications close", K.APPLICATIONS_CLOSE, Stage.APPLICATION, -10),
            ("Getting Going application", K.GETTING_GOING_APPLICATION, Stage.GETTING_GOING, 150),
            ("Draft operational plan", K.DRAFT_PLAN, Stage.GETTING_GOING, 330),
            ("Final operational plan", K.FINAL_PLAN, Stage.GETTING_GOING, 420),
            ("Making it Happen application", K.MAKING_IT_HAPPEN_APPLICATION, Stage.MAKING_IT_HAPPEN, 600),
        ]  # fmt: skip
        made = self.load(
            Milestone,
            [
                Row(round=self.round, name=name, kind=kind, stage=stage, due_on=day_after(starts, d))
                for name, kind, stage, d in rows
            ],
        )  # fmt: skip
        self.milestones = {m.kind: m for m in made}
        RoundAssessmentSettings.objects.create(round=self.round, score_min=0, score_max=5)
        self.load(
            AssessmentCriterion,
            [
                Row(round=self.round, name=name, order=k)
                for k, name in enumerate(["Need", "Partnership", "Deliverability"])
            ],
        )

    def _profiles(self):
        """Each area's story, decided up front so every table agrees with every other."""
        rng, starts = self.rng, self.round.starts_on
        self.profiles = []
        for i in range(self.n):
            stage = pick(rng, STAGE_MIX)
            p = {"stage": stage, "status": "active", "plan": None, "gate": None, "cba": False}
            p["joined"] = day_after(starts, rng.randint(0, 60))
            p["place"] = PLACES[i % len(PLACES)]
            p["kind"] = AREA_KINDS[(i // len(PLACES)) % len(AREA_KINDS)]
            p["la"] = LOCAL_AUTHORITIES[rng.randrange(len(LOCAL_AUTHORITIES))]
            if stage == "getting_ready":
                p["gate"] = pick(rng, GATE_MIX)
                roll = rng.random()
                if roll < 0.07:
                    p["status"], p["gate"] = "not_progressed", "rejected"
                elif roll < 0.12:
                    p["status"] = "withdrawn"
            else:
                p["cba"] = rng.random() < 0.3
                p["top_up"] = rng.random() < 0.12
                p["plan"] = pick(rng, PLAN_MIX) if stage == "getting_going" else "signed_off"
                if stage == "getting_going" and rng.random() < 0.04:
                    p["status"], p["plan"] = "withdrawn", "draft"
                if stage == "making_it_happen" and rng.random() < 0.1:
                    p["status"] = "completed"
                p["mih_gate"] = (
                    "approved"
                    if stage == "making_it_happen"
                    else (
                        "submitted" if stage == "implementation" and rng.random() < 0.25 else None
                    )
                )
            self.profiles.append(p)

    # Organisations and areas --------------------------------------------------------------------

    def _organisations(self):
        from programmes.models import Organisation

        rng = self.rng
        councils = [
            Row(
                name=f"{la} Council",
                org_type="local_authority",
                org_identifier=f"360G-bench-la-{k}",
                town=la.split()[0],
            )
            for k, la in enumerate(LOCAL_AUTHORITIES)
        ]
        leads = [
            Row(
                name=f"{p['place']} Community Partnership {i}",
                org_type=pick(rng, ORG_TYPE_MIX),
                org_identifier=f"360G-bench-lead-{i}",
                charity_number=f"{1100000 + i}",
                town=p["la"].split()[0],
                email=f"hello{i}@bench.invalid",
            )
            for i, p in enumerate(self.profiles)
        ]
        groups = [
            Row(
                name=f"{p['place']} Residents' Association {i}",
                org_type="vcs",
                org_identifier=f"360G-bench-group-{i}",
                town=p["la"].split()[0],
            )
            for i, p in enumerate(self.profiles)
        ]
        others = [
            Row(
                name=f"{PLACES[k % len(PLACES)]} Neighbourhood Forum {k}",
                org_type=pick(rng, ORG_TYPE_MIX),
                org_identifier=f"360G-bench-applicant-{k}",
            )
            for k in range(self.others)
        ]
        made = self.load(Organisation, councils + leads + groups + others)
        self.councils = dict(zip(LOCAL_AUTHORITIES, made[: len(councils)], strict=True))
        made = made[len(councils) :]
        self.lead_orgs, self.groups = made[: self.n], made[self.n : 2 * self.n]
        self.other_orgs = made[2 * self.n :]

    def _areas(self):
        from accounts.models import AreaAssignment, OrganisationMembership
        from programmes.models import Area, AreaTheme, Partner, Theme

        rng = self.rng
        self.themes = list(Theme.objects.order_by("order"))
        self.areas = self.load(
            Area,
            [
                Row(
                    reference=f"{PREFIX}{i:05d}",
                    name=f"{p['place']} {p['kind']}",
                    local_authority=p["la"],
                    area_type=rng.choice(["urban", "estate", "town", "rural", "mixed"]),
                    lead_organisation=self.lead_orgs[i],
                    approach=rng.choice(["specific", "general"]),
                    round=self.round,
                    stage=p["stage"],
                    status=p["status"],
                    joined_on=p["joined"],
                    description=f"A neighbourhood of {p['la']} working with its public services.",
                )
                for i, p in enumerate(self.profiles)
            ],
        )
        self.area_themes = [rng.sample(self.themes, rng.randint(1, 3)) for _ in self.areas]
        self.load(
            AreaTheme,
            [
                Row(area=area, theme=theme, position=k)
                for area, themes in zip(self.areas, self.area_themes, strict=True)
                for k, theme in enumerate(themes, 1)
            ],
        )
        self.load(
            Partner,
            [
                Row(area=a, organisation=org, partner_type=kind, involvement=inv)
                for i, a in enumerate(self.areas)
                for org, kind, inv in (
                    (self.councils[a.local_authority], "local_authority", "active"),
                    (self.groups[i], "vcs", "leading"),
                )
            ],
        )
        self.rm_of = [self.rms[i % len(self.rms)] for i in range(self.n)]
        self.load(
            AreaAssignment,
            [
                Row(area=a, user=self.rm_of[i], started_on=a.joined_on)
                for i, a in enumerate(self.areas)
            ],
        )
        self.load(
            OrganisationMembership,
            [
                Row(user=user, organisation=org, is_primary_contact=True)
                for user, org in zip(self.leads, self.lead_orgs + self.other_orgs, strict=True)
            ],
        )

    # Applications to join -----------------------------------------------------------------------

    def _applications(self):
        from applications.models import Application, ApplicationPartner, ApplicationTheme

        rng = self.rng
        apps = [self._application(i, p) for i, p in enumerate(self.profiles)]
        themes = list(self.area_themes)
        k = 0
        for status, share in OTHER_APPLICATIONS:
            for _ in range(round(self.n * share)):
                apps.append(self._other_application(k, status))
                themes.append(rng.sample(self.themes, rng.randint(1, 3)))
                k += 1
        made = self.load(Application, apps)
        self.load(
            ApplicationTheme,
            [
                Row(application=app, theme=theme, position=pos)
                for app, chosen in zip(made, themes, strict=True)
                for pos, theme in enumerate(chosen, 1)
            ],
        )
        self.load(
            ApplicationPartner,
            [
                Row(application=app, name=name, partner_type=kind)
                for app in made
                for name, kind in (
                    (f"{app.local_authority} Council", "local_authority"),
                    (f"{app.area_name} Residents' Association", "vcs"),
                )
            ],
        )
        self.applications = made

    def _application_text(self, name: str) -> dict:
        return {
            "issues": f"People in {name} wait too long for help that arrives too late.",
            "services_involved": "The council's early help team, the GP practice and the school.",
            "expected_outcomes": "Fewer crises, more people helped early, services joined up.",
        }

    def _application(self, i, p):

        area = self.areas[i]
        return Row(
            round=self.round,
            applicant=self.leads[i],
            organisation=self.lead_orgs[i],
            area_name=area.name,
            local_authority=area.local_authority,
            area_type=area.area_type,
            approach=area.approach,
            status="admitted",
            recommendation="admit",
            submitted_at=self.at(day_after(p["joined"], -30)),
            decided_at=self.at(p["joined"]),
            decided_by=self.pm,
            area=area,
            **self._application_text(area.name),
        )

    def _other_application(self, k, status):

        rng = self.rng
        submitted = None if status == "draft" else self.now - datetime.timedelta(rng.randint(2, 90))
        decided = status in ("rejected", "withdrawn")
        name = f"{PLACES[k % len(PLACES)]} {AREA_KINDS[k % len(AREA_KINDS)]}"
        return Row(
            round=self.round,
            applicant=self.leads[self.n + k],
            organisation=self.other_orgs[k],
            area_name=name,
            local_authority=LOCAL_AUTHORITIES[k % len(LOCAL_AUTHORITIES)],
            area_type="urban",
            approach="general",
            status=status,
            recommendation={"under_assessment": "admit", "rejected": "reject"}.get(status, ""),
            submitted_at=submitted,
            decided_at=submitted + datetime.timedelta(days=1) if decided else None,
            decided_by=self.pm if status == "rejected" else None,
            decision_reasons="The proposal does not yet involve public services."
            if status == "rejected"
            else "",
            **self._application_text(name),
        )
