"""What follows admission, for `mix_rows.Mix`: stage-gate applications and decisions, awards and
their payment schedules, operational plans with versions and sign-offs, the support log, progress
returns and funding secured, and about ten activity entries per area."""

import datetime
from decimal import Decimal

from mix_plan import Row, day_after, money

AWAITING_REVIEW = {"final_submitted", "under_review", "pm_approved", "funder_approved"}
HAD_FINAL = AWAITING_REVIEW | {"returned", "signed_off"}
ADVANCE_SHARE = {"getting_ready": 100, "getting_going": 90, "going_further": 90}
SECTION_TEXT = {
    "issues_and_why": "Families reach help only in crisis; three services visit the same homes.",
    "service_changes": "One neighbourhood team with a shared caseload and a single front door.",
    "money_differently": "Part of the council's early help budget is pooled with the NHS.",
    "governance": "A partnership board chaired by a resident meets every six weeks.",
    "resourcing": "Two coordinators, seconded staff from the council and the GP practice.",
    "risks": "Staff turnover; the pooled budget needs each partner's sign-off every year.",
    "timetable": "Team in place by spring; first review after twelve months.",
}
SIGNED_BY = {
    "pm_approved": ["programme_manager"],
    "funder_approved": ["funder"],
    "signed_off": ["programme_manager", "funder"],
}
CONTACT_KINDS = ["visit", "call", "email", "meeting", "workshop"]
PROGRESS = ["ahead", "on_schedule", "on_schedule", "behind", "not_started"]
FACTORS = ["staff_skills", "funding_secured", "management", "statutory_partners", "residents"]
SOURCES = ["la_mainstream", "statutory_pooled", "external_grants", "in_kind", "commissioned"]


class Work:
    def final_on(self, p) -> datetime.date | None:
        """The day the area's final plan was (last) submitted, drawn once per area."""
        if "final_on" not in p:
            if p["plan"] in AWAITING_REVIEW:
                p["final_on"] = day_after(self.today, -self.rng.randint(3, 200))
            elif p["plan"] == "returned" and self.rng.random() < 0.6:
                p["final_on"] = day_after(self.today, -self.rng.randint(20, 250))
            elif p["plan"] == "signed_off":
                p["final_on"] = day_after(p["joined"], 300)
            else:
                p["final_on"] = None
        return p["final_on"]

    # Gates, awards and payments -----------------------------------------------------------------

    def gates_and_awards(self):
        from applications.models import GateApplication
        from grants.models import Award, Payment

        gates, awards, schedules = [], [], []

        def award(i, stage, amount, on):
            schedule = self._schedule(i, stage, money(amount), on)
            scheduled = sum(s["amount"] for s in schedule if s["status"] != "cancelled")
            awards.append(
                Row(
                    area=self.areas[i],
                    stage=stage,
                    amount=money(amount),
                    awarded_on=on,
                    awarded_by=self.pm,
                    reason=f"{stage.replace('_', ' ').capitalize()} grant",
                    total_scheduled=scheduled,
                )
            )
            schedules.append(schedule)

        for i, p in enumerate(self.profiles):
            joined = p["joined"]
            award(i, "getting_ready", 3000, joined)
            if p["stage"] == "getting_ready":
                if p["gate"]:
                    gates.append(self._gate(i, "getting_going", p["gate"], 10000, joined))
                continue
            gg_day = day_after(joined, 120)
            gates.append(self._gate(i, "getting_going", "approved", 10000, joined))
            award(i, "getting_going", 10000, gg_day)
            if p["top_up"]:
                amount = 500 * self.rng.randint(10, 40)
                gates.append(self._gate(i, "going_further", "approved", amount, joined))
                award(i, "going_further", amount, gg_day)
            if p["mih_gate"]:
                amount = 1000 * self.rng.randint(20, 100)
                gates.append(self._gate(i, "making_it_happen", p["mih_gate"], amount, joined))
                if p["mih_gate"] == "approved":
                    award(i, "making_it_happen", amount, day_after(joined, 500))
        self.gates = self.load(GateApplication, gates)
        made = self.load(Award, awards)
        self.load(
            Payment,
            [
                Row(award=a, **spec)
                for a, schedule in zip(made, schedules, strict=True)
                for spec in schedule
            ],
        )

    def _gate(self, i, stage, status, amount, joined):
        from programmes.models import Milestone

        kind = (
            Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION
            if stage == "making_it_happen"
            else Milestone.Kind.GETTING_GOING_APPLICATION
        )
        offset = {"getting_going": 90, "going_further": 90, "making_it_happen": 470}[stage]
        submitted = None if status == "draft" else self.at(day_after(joined, offset))
        if status == "submitted":
            submitted = self.now - datetime.timedelta(days=self.rng.randint(1, 60))
        decided = status in ("approved", "rejected")
        return Row(
            area=self.areas[i],
            target_stage=stage,
            amount_requested=money(amount),
            milestone=self.milestones[kind],
            summary="Our development strategy and logic model are agreed with partners.",
            status=status,
            created_by=self.leads[i],
            submitted_at=submitted,
            amount_approved=money(amount) if status == "approved" else None,
            cba_required=self.profiles[i]["cba"],
            decision_reasons="Strong partnership." if decided else "",
            decided_at=submitted + datetime.timedelta(days=30) if decided else None,
            decided_by=self.pm if decided else None,
        )

    def _schedule(self, i, stage, amount, on) -> list[dict]:
        """The award's payments as grants.services.award_grant makes them, moved on as far as the
        area's story has gone: advances paid, retentions released on the final plan."""
        p, rng = self.profiles[i], self.rng
        share = ADVANCE_SHARE.get(stage, 50)
        advance = money(amount * Decimal(share) / 100)
        paid = {"status": "paid", "paid_on": day_after(on, 7), "reference": f"BACS-{on:%Y%m}"}
        first = dict(paid, approved_by=self.pm, approved_at=self.at(on), paid_by=self.funder)
        if stage != "getting_ready" and rng.random() < 0.1:
            first = {"status": rng.choice(["scheduled", "approved"]), "paid_on": None}
        out = [{"kind": "advance", "amount": advance, "due_on": on, **first}]
        retention = amount - advance
        if retention <= 0:
            return out
        held = {"status": "held", "paid_on": None}
        if stage == "making_it_happen":
            rest = dict(held, release_condition="manager_release")
        elif self.final_on(p):
            released = self.at(self.final_on(p))
            done = p["stage"] != "getting_going"
            rest = dict(paid if done else {"status": rng.choice(["scheduled", "approved"])})
            rest.update(release_condition="final_plan_submitted", released_at=released)
            rest["paid_on"] = day_after(self.final_on(p), 14) if done else None
        else:
            rest = dict(held, release_condition="final_plan_submitted")
        if p["status"] == "withdrawn" and rest["status"] == "held":
            rest.update(status="cancelled", cancelled_reason="The area left the programme.")
        out.append({"kind": "retention", "amount": retention, "due_on": None, **rest})
        return out

    # Plans --------------------------------------------------------------------------------------

    def plans(self):
        from plans.models import (
            CostBenefitAnalysis,
            DevelopmentStrategy,
            LogicModel,
            OperationalPlan,
        )

        chosen = [i for i, p in enumerate(self.profiles) if p["plan"]]
        plans = self.load(OperationalPlan, [self._plan(i) for i in chosen])
        self._versions(chosen, plans)
        areas = [self.areas[i] for i in chosen]
        self.load(
            DevelopmentStrategy,
            [
                Row(area=a, **dict.fromkeys(("issues", "evidence_of_need", "who_engaged"), SECTION_TEXT["issues_and_why"]))
                for a in areas
            ],
        )  # fmt: skip
        models = self.load(LogicModel, [Row(area=a, updated_by=self.leads[0]) for a in areas])
        self._logic_rows(models)
        cba_areas = [self.areas[i] for i in chosen if self.profiles[i]["cba"]]
        cbas = self.load(
            CostBenefitAnalysis,
            [Row(area=a, discount_rate_pct=Decimal("3.50")) for a in cba_areas],
        )
        self._cba_lines(cbas)

    def _plan(self, i):

        p = self.profiles[i]
        status, final = p["plan"], self.final_on(p)
        drafted = day_after(p["joined"], 200)
        versions = {"draft": 0, "draft_submitted": 1}.get(status, 2)
        if status == "signed_off" and self.rng.random() < 0.3:
            versions = 3
        p["versions"] = versions
        signed = status == "signed_off"
        return Row(
            area=self.areas[i],
            status=status,
            version_number=versions,
            submitted_by=self.leads[i] if versions else None,
            submitted_at=self.at(final or drafted) if versions else None,
            final_submitted_at=self.at(final) if final else None,
            decided_by=self.pm if signed else None,
            decided_at=self.at(day_after(final, 80)) if signed else None,
            retention_released_at=self.at(final) if final else None,
            updated_by=self.leads[i],
            **SECTION_TEXT,
        )

    def _versions(self, chosen, plans):
        from plans.models import PlanVersion, SectionComment, SignOff

        versions, signoffs, returned = [], [], []
        content = {
            "sections": SECTION_TEXT,
            "budget_arrangements": [],
            "resourcing_lines": [],
            "logic_model": [dict.fromkeys(["inputs", "activities", "outputs"], "Coordinators")],
            "cba": None,
        }
        for i, plan in zip(chosen, plans, strict=True):
            p = self.profiles[i]
            final = self.final_on(p) or day_after(p["joined"], 300)
            for number in range(1, p["versions"] + 1):
                day = day_after(p["joined"], 200) if number == 1 else final
                versions.append(
                    Row(
                        plan=plan,
                        number=number,
                        kind="draft" if number == 1 else "final",
                        content=content,
                        submitted_by=self.leads[i],
                        submitted_at=self.at(day, 9 + number),
                    )
                )
            for party in SIGNED_BY.get(p["plan"], []):
                user = self.pm if party == "programme_manager" else self.funder
                signoffs.append(
                    Row(plan=plan, party=party, user=user, signed_at=self.at(final, 15))
                )
            if p["plan"] == "returned" and p["versions"] == 2:
                returned.append((plan, len(versions) - 1))
        made = self.load(PlanVersion, versions)
        self.load(SignOff, signoffs)
        self.load(
            SectionComment,
            [
                Row(plan=plan, version=made[k], section=section, comment=text,
                               author=self.pm)
                for plan, k in returned
                for section, text in (
                    ("risks", "Say who owns each risk and what happens if it occurs."),
                    ("resourcing", "Show which partner pays for the coordinators after year one."),
                )
            ],
        )  # fmt: skip

    def _logic_rows(self, models):
        from plans.models import LogicModelRow

        self.load(
            LogicModelRow,
            [
                Row(logic_model=m, order=k, inputs="Two coordinators",
                              activities="Shared caseload meetings", outputs="Families seen early",
                              short_term_outcomes="Fewer repeat referrals",
                              long_term_outcomes="Lower demand on crisis services",
                              indicators="Referrals per quarter")
                for m in models
                for k in (1, 2)
            ],
        )  # fmt: skip

    def _cba_lines(self, cbas):
        from plans.models import BenefitLine, CostLine

        self.load(
            CostLine,
            [
                Row(cba=c, year=y, description="Coordinators", amount=money(40000),
                         borne_by="Lead organisation")
                for c in cbas
                for y in (0, 1)
            ],
        )  # fmt: skip
        self.load(
            BenefitLine,
            [
                Row(cba=c, year=y, description="Fewer crisis placements",
                            amount=money(65000), benefit_type="fiscal", agency="Council",
                            optimism_bias_pct=Decimal("20"))
                for c in cbas
                for y in (1, 2)
            ],
        )  # fmt: skip

    # Support ------------------------------------------------------------------------------------

    def support(self):
        from support.models import Adviser, AdviserDay, AdviserEntitlement, FollowUp, SupportContact

        rng = self.rng
        self.load(
            AdviserEntitlement,
            [
                Row(area=a, days=Decimal(days), reason=reason, granted_by=self.pm,
                                   granted_at=self.at(a.joined_on))
                for i, a in enumerate(self.areas)
                for days, reason in [("1.5", "Getting Ready adviser days")]
                + ([("5", "Getting Going adviser days")]
                   if self.profiles[i]["stage"] != "getting_ready" else [])
            ],
        )  # fmt: skip
        adviser, _ = Adviser.objects.get_or_create(name="Sam Adviser")
        self.load(
            AdviserDay,
            [
                Row(area=a, adviser=adviser, date=day_after(a.joined_on, 40),
                           days=Decimal("1.0"), status="delivered", booked_by=self.rm_of[i])
                for i, a in enumerate(self.areas)
                if rng.random() < 0.7
            ],
        )  # fmt: skip
        contacts = self.load(
            SupportContact,
            [self._contact(i, a) for i, a in enumerate(self.areas) for _ in range(3)],
        )
        followups = []
        for i, a in enumerate(self.areas):
            if rng.random() < 0.6:
                contact = max(contacts[3 * i : 3 * i + 3], key=lambda c: c.date)
                done = rng.random() < 0.65
                followups.append(
                    Row(
                        contact=contact,
                        area=a,
                        action="Send the draft partnership agreement to the council.",
                        due_on=day_after(contact.date, 14),
                        owner=self.rm_of[i],
                        done_at=self.at(day_after(contact.date, 10)) if done else None,
                        done_by=self.rm_of[i] if done else None,
                    )
                )
        self.load(FollowUp, followups)

    def _contact(self, i, area):

        rng = self.rng
        risk = rng.choice(["low", "medium", "high"]) if rng.random() < 0.08 else "none"
        resolved = risk != "none" and rng.random() < 0.5
        return Row(
            area=area,
            date=day_after(self.today, -rng.randint(1, 200)),
            kind=rng.choice(CONTACT_KINDS),
            duration_minutes=rng.choice([30, 45, 60, 90]),
            participants="Coordinator and chair",
            notes="Talked through the partnership board's terms of reference and next steps.",
            logged_by=self.rm_of[i],
            risk_level=risk,
            risk_description="The council's lead officer is leaving." if risk != "none" else "",
            risk_resolved_at=self.now if resolved else None,
            risk_resolved_by=self.rm_of[i] if resolved else None,
        )

    # Delivery -----------------------------------------------------------------------------------

    def delivery(self):
        from delivery.models import FundingRecord, ProgressReturn, ReturnFactor

        rng = self.rng
        returns = []
        signed = [i for i, p in enumerate(self.profiles) if p["plan"] == "signed_off"]
        for i in signed:
            start = day_after(self.final_on(self.profiles[i]), 80)
            while start <= self.today:
                returns.append(self._return(i, start))
                start = day_after(start, 91)
        made = self.load(ProgressReturn, returns)
        self.load(
            ReturnFactor,
            [
                Row(progress_return=r, factor=rng.choice(FACTORS),
                             kind="obstacle" if r.progress_status in ("behind", "not_started")
                             else "enabler")
                for r in made
                if r.status == "submitted"
            ],
        )  # fmt: skip
        self.load(
            FundingRecord,
            [
                Row(area=self.areas[i], source=SOURCES[(i + k) % len(SOURCES)],
                              year=self.today.year - k, arrangement="pooled" if k else "aligned",
                              amount=money(rng.randint(5, 80) * 1000), funder_name="The council",
                              recorded_by=self.rm_of[i])
                for i in signed
                for k in (0, 1)
            ],
        )  # fmt: skip

    def _return(self, i, start):

        end = day_after(start, 90)
        due = day_after(end, 30)
        submitted = due < day_after(self.today, -5) and self.rng.random() < 0.9
        return Row(
            area=self.areas[i],
            period_start=start,
            period_end=end,
            due_on=due,
            # Staff have reviewed and accepted the older returns; recent ones await review.
            status=(
                ("accepted" if due < day_after(self.today, -60) else "submitted")
                if submitted
                else "draft"
            ),
            submitted_by=self.leads[i] if submitted else None,
            submitted_at=self.at(day_after(due, -5)) if submitted else None,
            progress_status=self.rng.choice(PROGRESS) if submitted else "",
            achievements="The shared caseload meeting runs every fortnight." if submitted else "",
            steering_group_meeting=submitted,
            service_users_reached=self.rng.randint(10, 300) if submitted else 0,
        )

    # Activity -----------------------------------------------------------------------------------

    def activity(self):
        from activity.models import ActivityChain, ActivityEntry, Notification

        entries, notify = [], []
        for i, p in enumerate(self.profiles):
            for verb, summary, day, visibility, actor in self._story(i, p)[:10]:
                if verb == "plan.final_submitted" and p["plan"] in AWAITING_REVIEW:
                    notify.append(len(entries))
                entries.append(
                    Row(
                        area=self.areas[i],
                        actor=actor,
                        verb=verb,
                        summary=summary,
                        visibility=visibility,
                        target_type="programmes.area",
                        target_id=str(self.areas[i].id),
                        occurred_at=self.at(min(day, self.today), 11),
                        reason="",
                        imported=False,
                        data={},
                    )
                )
        chains = _chain(entries)
        made = self.load(ActivityEntry, entries)
        self.load(ActivityChain, chains)
        self.load(
            Notification,
            [
                Row(recipient=self.pm, entry=made[k],
                             read_at=self.now if k % 2 else None)
                for k in notify
            ],
        )  # fmt: skip

    def _story(self, i, p) -> list[tuple]:
        """About ten things that happened to the area, oldest first, padded with contacts."""
        j, lead, pm, rm = p["joined"], self.leads[i], self.pm, self.rm_of[i]
        story = [
            ("application.submitted", "Application submitted", day_after(j, -30), "area", lead),
            ("application.admitted", "Admitted: starts at Getting Ready", j, "area", pm),
            ("grant.awarded", "Getting Ready grant of £3,000 awarded", j, "area", pm),
            ("partner.added", "Partner added: the council", day_after(j, 10), "area", lead),
        ]
        if p["stage"] != "getting_ready":
            story += [
                ("gate.submitted", "Getting Going application sent", day_after(j, 90), "area", lead),
                ("gate.approved", "Getting Going approved", day_after(j, 120), "area", pm),
                ("grant.awarded", "Getting Going grant of £10,000", day_after(j, 120), "area", pm),
            ]  # fmt: skip
        if self.final_on(p):
            story.append(
                ("plan.final_submitted", "Final plan sent", self.final_on(p), "area", lead)
            )
        if p["plan"] == "signed_off":
            story.append(("plan.signed_off", "Plan signed off", day_after(j, 380), "area", pm))
        while len(story) < 10:
            day = day_after(self.today, -self.rng.randint(1, 200))
            story.append(("support.contact", "Contact logged: visit", day, "staff", rm))
        return sorted(story, key=lambda s: s[2])


def _id(value):
    return value["id"] if isinstance(value, dict) else getattr(value, "pk", value)


def _chain(entries: list) -> list:
    """Link the entries into their areas' hash chains exactly as `activity_record` would (position,
    previous hash, content hash; `activity.chain` is the one definition), so `audit_verify` passes
    on the bench data and the rows look like the app's. Entries come grouped by area, oldest first.
    Returns the chain heads to load."""
    from types import SimpleNamespace

    from activity.chain import chain_key, content_hash

    heads: dict = {}
    for row in entries:
        area_id = _id(row["area"])
        head = heads.setdefault(
            area_id, Row(key=chain_key(area_id), area=area_id, length=0, head_hash="")
        )
        row["chain_position"], row["previous_hash"] = head["length"] + 1, head["head_hash"]
        view = SimpleNamespace(
            **{k: v for k, v in row.items() if k not in ("area", "actor")},
            area_id=area_id,
            actor_id=_id(row["actor"]),
            corrects_id=None,
        )
        row["content_hash"] = content_hash(view)
        head["length"], head["head_hash"] = row["chain_position"], row["content_hash"]
    return list(heads.values())
