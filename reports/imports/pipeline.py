"""A records import from start to end: read and check the whole file (`reading`), then, inside one
transaction, write the new records in bulk (`bulk`: the rows the steps would write), count those
already imported exactly so as unchanged, and take the others through their steps (`steps`). A
problem any record meets aborts the whole import, so a file is imported entirely or not at all;
every problem is reported as ``line N, column C: message``.

Records are matched on ``reference``: an admitted record's reference is its area's reference; a
record that was never admitted has no area, so it is matched on its round, lead organisation and
neighbourhood name. Importing the same file again changes nothing. A record whose later outcome
is now known (a Getting Going decision, a final plan, a plan decision) is brought up to date; a
value the services cannot change (an outcome already recorded differently) is an error.

Imports write history, never over live work: a record for an area that a person has worked on in
the app is refused (`live`). Decisions and sign-offs the import records are imported history,
marked as such with the file as their source, never credited to a user holding a role.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction

from accounts.models import Role, User
from activity.services import activity_batch
from core.errors import message_for
from programmes.models import Milestone, Round

from . import bulk, live, steps
from .reading import ImportFailed, Record, read_records

COUNTED = [
    "organisations",
    "applications",
    "areas",
    "getting_going_decisions",
    "final_plans",
    "plan_outcomes",
]


@dataclass
class ImportResult:
    """What the import did: rows created, updated and left unchanged, and what it created."""

    round: Round
    round_created: bool = False
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))

    def summary_lines(self) -> list[str]:
        c = self.counts
        return [
            f"Rows: {self.rows_created} created, {self.rows_updated} updated, "
            f"{self.rows_unchanged} unchanged.",
            f"Created {c['organisations']} organisations, {c['applications']} applications, "
            f"{c['areas']} areas, {c['getting_going_decisions']} Getting Going decisions, "
            f"{c['final_plans']} final plans and {c['plan_outcomes']} plan outcomes.",
        ]

    def count_row(self, outcome: str) -> None:
        """Count one record as "created", "updated" or "unchanged"."""
        setattr(self, f"rows_{outcome}", getattr(self, f"rows_{outcome}") + 1)


@dataclass
class ImportContext:
    """What every step of one import reads: the round, the users decisions are made as, the
    round's Getting Going milestone, and the result the steps count into."""

    round: Round
    pm: User
    funder: User
    milestone: Milestone | None
    result: ImportResult
    # Organisations by name_key (found for the file's names once, added to as they are made) and
    # the lead organisation users the imported applications are made by, by organisation id.
    organisations: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)


class Importer:
    """Writes checked records into a round in one transaction, all or nothing.

    `source` (the file's name) is kept on the imported history; `progress(done, total)` is
    called as records are written."""

    def __init__(
        self,
        *,
        records: list[Record],
        round_slug: str,
        source: str = "",
        progress: Callable[[int, int], None] | None = None,
    ):
        self.records = records
        self.round_slug = round_slug
        self.source = source[:200]
        self.progress = progress

    def run(self) -> ImportResult:
        """Write every record; raise ImportFailed listing every record's problem (nothing is
        written then)."""
        if not self.records:
            raise ImportFailed(["line 2, column reference: the file has no records."])
        with transaction.atomic():
            ctx = self._context()
            areas = steps.known_areas(self.records)
            new, other = bulk.split_new(ctx, self.records, areas)
            errors = live.live_area_problems(self.records, areas)
            errors += bulk.path_problems(ctx, new) + bulk.stage_problems(ctx, new)
            if not errors:
                total = len(self.records)
                unchanged, other = bulk.split_unchanged(ctx, other)
                ctx.result.rows_unchanged += len(unchanged)
                bulk.write_new(
                    ctx,
                    new,
                    source=self.source,
                    progress=lambda done: self._report(done + len(unchanged), total),
                )
                # The entries the services record are appended to their chains in one go at
                # the end (activity_record_many), with the import's own users taken off them.
                with activity_batch() as entries:
                    errors = self._write_all(ctx, other, done=len(new) + len(unchanged))
            if errors:
                transaction.set_rollback(True)
            else:
                steps.settle_history(ctx, source=self.source, entries=entries)
        if errors:
            raise ImportFailed(errors)
        return ctx.result

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _write_all(self, ctx: ImportContext, records: list[Record], *, done: int) -> list[str]:
        """Records that meet what is already recorded, one at a time through the services."""
        errors = []
        total = len(self.records)
        step = max(1, total // 20)
        for record in records:
            if error := self._write(ctx, record):
                errors.append(error)
            done += 1
            if done % step == 0 or done == total:
                self._report(done, total)
        return errors

    def _context(self) -> ImportContext:
        rnd, created = steps.find_or_create_round(self.records, self.round_slug)
        return ImportContext(
            round=rnd,
            pm=steps.system_user(steps.IMPORT_PM, Role.PROGRAMME_MANAGER, "Records import"),
            funder=steps.system_user(steps.IMPORT_FUNDER, Role.FUNDER_OFFICER, "Records import"),
            milestone=steps.gate_milestone(rnd, self.records),
            result=ImportResult(round=rnd, round_created=created),
            organisations=steps.organisations_named(self.records),
        )

    def _write(self, ctx: ImportContext, record: Record) -> str | None:
        """Write one record in a savepoint, so the others are still checked when it fails;
        return its problem as ``line N, column C: message``, or None."""
        try:
            with transaction.atomic():
                outcome = steps.import_record(ctx, record)
        except steps.RowError as exc:
            return f"line {record.line}, column {exc.column}: {exc}"
        except (ValidationError, PermissionDenied) as exc:
            return f"line {record.line}, column reference: {message_for(exc)}"
        ctx.result.count_row(outcome)
        return None


def records_import(*, path, round_slug: str, source: str = "", progress=None) -> ImportResult:
    """Check the whole file, then import it in one transaction. Raises ImportFailed with every
    problem (nothing written) when anything is wrong."""
    records = read_records(path, round_slug=round_slug)
    return Importer(
        records=records,
        round_slug=round_slug,
        source=source or Path(str(path)).name,
        progress=progress,
    ).run()


def progress_reporter(report: Callable[[int, str], None]) -> Callable[[int, int], None]:
    """A `progress(done, total)` for `Importer` that calls ``report(percent, message)`` on its
    own database connection (a short-lived thread), so the job's page sees it while the import's
    transaction is still open. SQLite has one writer at a time, so there it reports nothing."""

    def progress(done: int, total: int) -> None:
        if connection.vendor != "postgresql":
            return
        percent = 30 + int(65 * done / max(total, 1))

        def send():
            try:
                report(percent, f"Imported {done:,} of {total:,} records")
            finally:
                connections.close_all()

        worker = threading.Thread(target=send, daemon=True)
        worker.start()
        worker.join(timeout=10)

    return progress
