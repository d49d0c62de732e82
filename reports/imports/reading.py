"""The first pass of a records import: read the whole file and check every cell and the rules
between cells, writing nothing. Every problem is reported as ``line N, column C: message`` (N is
the physical line in the file where the record starts, the header being line 1), all of them at
once; the first LISTED_PROBLEMS are kept and the rest counted, so a file of a million bad lines
makes a short list. A file the csv module cannot read (a cell longer than any column takes,
bytes that are not UTF-8, broken quoting) is a problem of the file like any other, located by
line and column, never an error a retry could cure."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.utils.text import slugify

from core.validators import single_line_problem
from programmes.models import Approach, Area, Organisation, OrganisationType, Theme

COLUMNS = [
    "reference",
    "round",
    "area_name",
    "local_authority",
    "lead_organisation",
    "organisation_type",
    "themes",
    "approach",
    "applied_on",
    "application_outcome",
    "getting_going_outcome",
    "cba_required",
    "plan_submitted_on",
    "plan_outcome",
    "plan_decided_on",
]
# Coded columns: each value the file may give, in any case, as the code the import uses. Codes
# and the labels the site shows are both accepted (the first spelling is the one listed in
# messages and in the template file).
ORG_TYPES = {
    **{t.label.lower(): t.value for t in OrganisationType},
    **{t.value: t.value for t in OrganisationType},
}
APPROACH_CODES = {
    "specific": "specific",
    "general": "general",
    Approach.SPECIFIC.label.lower(): "specific",
    Approach.GENERAL.label.lower(): "general",
}
APPLICATION_OUTCOME_CODES = {
    "admitted": "admitted",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
}
GATE_OUTCOME_CODES = {
    "": "",
    "approved": "approved",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
}
YES_NO = {"yes": True, "no": False, "y": True, "n": False, "true": True, "false": False}
PLAN_OUTCOME_CODES = {
    "": "",
    "approved": "approved",
    "signed off": "approved",
    "not approved": "not approved",
    "not_approved": "not approved",
    "returned": "returned",
    "returned for changes": "returned",
}
APPROACHES = set(APPROACH_CODES.values())
APPLICATION_OUTCOMES = set(APPLICATION_OUTCOME_CODES.values())
GATE_OUTCOMES = set(GATE_OUTCOME_CODES.values())
PLAN_OUTCOMES = set(PLAN_OUTCOME_CODES.values())


# Rows checked between two progress reports.
CHECK_STEP = 2000
# The longest each text cell may be: the columns that keep it (an area's and an application's
# neighbourhood name and local authority, the organisation's name).
MAX_LENGTHS = {
    "area_name": Area._meta.get_field("name").max_length,
    "local_authority": Area._meta.get_field("local_authority").max_length,
    "lead_organisation": Organisation._meta.get_field("name").max_length,
}


# How many problems a failed import keeps and lists; the others are only counted ("and N more").
LISTED_PROBLEMS = 100
# The longest cell any column takes (names are at most 200 characters, three themes far fewer): a
# longer cell is a mistake, refused before a problem could quote it. Below the csv module's own
# limit (131,072), which is found the same way when a cell passes it.
MAX_CELL = 1000


class Problems:
    """The problems found in a file, in order: the first LISTED_PROBLEMS kept, all counted.
    Collects like a list (`append`, `extend`, `len`, truth), so a checker need not know."""

    def __init__(self, problems=()):
        self.listed: list[str] = []
        self.count = 0
        self.extend(problems)

    def append(self, problem: str) -> None:
        self.count += 1
        if len(self.listed) < LISTED_PROBLEMS:
            self.listed.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self.listed)


class ImportFailed(Exception):
    """The file cannot be imported: `errors` lists the first LISTED_PROBLEMS problems found,
    `count` says how many there were and `more` how many are not listed."""

    def __init__(self, errors):
        problems = errors if isinstance(errors, Problems) else Problems(errors)
        super().__init__("\n".join(problems.listed))
        self.errors = problems.listed
        self.count = problems.count

    @property
    def more(self) -> int:
        return self.count - len(self.errors)


@dataclass
class Record:
    """One checked row of the file, with its cells as the import uses them."""

    line: int
    reference: str
    round: str
    area_name: str
    local_authority: str
    lead_organisation: str
    org_type: str
    themes: list
    approach: str
    applied_on: datetime.date
    application_outcome: str
    getting_going_outcome: str
    cba_required: bool
    plan_submitted_on: datetime.date | None
    plan_outcome: str
    plan_decided_on: datetime.date | None


def read_records(path, *, round_slug: str, progress=None) -> list[Record]:
    """`read_records_from` a file on this machine (``manage.py import_records``)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise ImportFailed([f"{path}: no such file."])
    with handle:
        return read_records_from(handle, round_slug=round_slug, progress=progress)


def read_records_from(stream, *, round_slug: str, progress=None) -> list[Record]:
    """Read and check the whole file from a binary stream (a local file, or one opened from the
    private storage, which may be an object store with no path); raise ImportFailed listing the
    first problems (and counting them all).
    `progress(checked, total)` hears every CHECK_STEP rows and at the end."""
    errors = Problems()
    # Bytes that are not UTF-8 are kept (as lone surrogates) so the row reading them can say
    # which cell holds them; no such cell goes further than that problem.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        rows = read_rows(text, errors)
    finally:
        text.detach()  # the caller closes the stream
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed(["line 2, column reference: the file has no records."])
    known = KnownNames.load({row["lead_organisation"].lower() for _, row in rows})
    seen_refs: dict[str, int] = {}
    records = []
    for done, (line, row) in enumerate(rows, 1):
        record = RowCheck(line, row, errors).record(round_slug, known, seen_refs)
        if record is not None:
            records.append(record)
        if progress is not None and (done % CHECK_STEP == 0 or done == len(rows)):
            progress(done, len(rows))
    if errors:
        raise ImportFailed(errors)
    return records


def _header_problems(header: list[str]) -> list[str]:
    """Why the header row is not exactly COLUMNS, column by column."""
    missing = [c for c in COLUMNS if c not in header]
    extra = [h or f"{i} (no name)" for i, h in enumerate(header, 1) if h not in COLUMNS]
    problems = [f"line 1, column {c}: this column is missing from the header." for c in missing]
    problems += [f"line 1, column {h}: this column is not expected." for h in extra]
    if not missing and not extra:
        problems.append(
            "line 1, column reference: the columns must be in this order: " + ",".join(COLUMNS)
        )
    return problems


def read_rows(handle, errors) -> list[tuple[int, dict]]:
    """The file's non-empty rows as (line where the row starts, {column: stripped cell}); a bad
    header, a row with the wrong number of cells, a cell longer than MAX_CELL or not UTF-8, and
    CSV the csv module cannot read are added to `errors` instead. Reading stops at broken CSV:
    past it, where one record ends and the next starts is a guess."""
    lines = RecordLines(handle)
    # strict: text after a closing quote is an error, never silently glued onto the cell.
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error:
        errors.append(syntax_problem(1, lines.text()))
        return []
    if header is None:
        errors.append("line 1, column reference: the file is empty.")
        return []
    if problem := cell_problem(1, header, lines):
        errors.append(problem)
        return []
    header = [h.strip() for h in header]
    if header != COLUMNS:
        errors.extend(_header_problems(header))
        return []
    rows = []
    last = reader.line_num
    while True:
        lines.start_record()
        line = last + 1  # a quoted cell may span lines: report where the record starts
        try:
            values = next(reader, None)
        except csv.Error:
            errors.append(syntax_problem(line, lines.text()))
            break
        if values is None:
            break
        last = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if problem := cell_problem(line, values, lines):
            errors.append(problem)
            continue
        if len(values) != len(COLUMNS):
            errors.append(
                f"line {line}, column reference: expected {len(COLUMNS)} cells, "
                f"found {len(values)}."
            )
            continue
        rows.append((line, {c: v.strip() for c, v in zip(COLUMNS, values, strict=True)}))
    return rows


def column_name(index: int) -> str:
    """The name of the file's column at `index` (0-based), as problems name it."""
    return COLUMNS[index] if index < len(COLUMNS) else f"{index + 1} (no name)"


def _long_cell(line: int, index: int, *, open_quote: bool = False) -> str:
    hint = " (is a closing quote missing?)" if open_quote else ""
    return (
        f"line {line}, column {column_name(index)}: this cell is longer than {MAX_CELL:,} "
        f"characters, more than any column takes{hint}."
    )


def cell_problem(line: int, values: list[str], lines: "RecordLines") -> str | None:
    """The first cell of a record read whole that cannot be checked: bytes that are not UTF-8,
    or longer than MAX_CELL (so no problem ever quotes a huge cell or a byte it cannot store)."""
    if lines.not_utf8:
        for index, value in enumerate(values):
            for ch in value:
                if "\udc80" <= ch <= "\udcff":
                    return (
                        f"line {line}, column {column_name(index)}: this cell is not UTF-8 text "
                        f"(byte 0x{ord(ch) - 0xDC00:02X}): save the file as CSV UTF-8."
                    )
    for index, value in enumerate(values):
        if len(value) > MAX_CELL:
            return _long_cell(line, index)
    return None


def syntax_problem(line: int, text: str) -> str:
    """Where and why the csv module could not read the record starting at `line` (`text`: the
    record as far as it read). Its own message names neither the line nor the column, so the
    record is walked again with the same rules (strict CSV, cells up to MAX_CELL) to find them."""
    index, quoted, spans_lines, length, state = 0, False, False, 0, "start"
    for ch in text:
        if state == "start":
            quoted, spans_lines, length = ch == '"', False, 0
            if quoted:
                state = "quoted"
                continue
            state = "plain"
        if state == "plain":
            if ch == ",":
                index, state = index + 1, "start"
                continue
            if ch in "\r\n":
                break
            length += 1
        elif state == "quoted":
            if ch == '"':
                state = "closed"
                continue
            spans_lines = spans_lines or ch in "\r\n"
            length += 1
        else:  # just after a quote inside a quoted cell: its end, or the first of a pair
            if ch == '"':
                state, length = "quoted", length + 1
            elif ch == ",":
                index, state = index + 1, "start"
                continue
            elif ch in "\r\n":
                break
            else:
                return (
                    f"line {line}, column {column_name(index)}: a cell in quotes must end at its "
                    "closing quote (put the whole cell in quotes, with any quote inside it "
                    'doubled: "").'
                )
        if length > MAX_CELL:
            return _long_cell(line, index, open_quote=quoted and spans_lines)
    if state == "quoted":
        message = "the quote that opens this cell is never closed."
    else:
        message = "this line cannot be read as CSV."
    return f"line {line}, column {column_name(index)}: {message}"


class RecordLines:
    """The file's lines as csv.reader reads them, keeping the current record's lines (to say
    where the csv module stopped) and whether they hold bytes that are not UTF-8."""

    def __init__(self, handle):
        self.handle = handle
        self.lines: list[str] = []
        self.not_utf8 = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        self.lines.append(line)
        if not self.not_utf8 and not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                self.not_utf8 = True
        return line

    def start_record(self) -> None:
        self.lines.clear()
        self.not_utf8 = False

    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class KnownNames:
    """Themes, and the organisations the file names that are already in the database, by
    lower-case name (the indexed name_key), read once per file."""

    themes: dict
    organisations: dict

    @classmethod
    def load(cls, names: set) -> "KnownNames":
        organisations = {}
        keys = sorted(names)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            for org in Organisation.objects.filter(name_key__in=chunk).order_by("pk"):
                organisations.setdefault(org.name_key, org)
        return cls(
            themes={t.name.lower(): t for t in Theme.objects.all()}, organisations=organisations
        )


class RowCheck:
    """Checks one row, cell by cell and then the rules between cells, adding each problem to the
    file's list of errors in the column order of the file."""

    def __init__(self, line: int, row: dict, errors: list[str]):
        self.line = line
        self.row = row
        self.errors = errors

    def err(self, column: str, message: str) -> None:
        self.errors.append(f"line {self.line}, column {column}: {message}")

    def date(self, column: str, *, required: bool) -> datetime.date | None:
        """The cell as a date (YYYY-MM-DD), or None (with a problem unless it may be empty)."""
        value = self.row[column]
        if not value:
            if required:
                self.err(column, "a date is required (YYYY-MM-DD).")
            return None
        try:
            if len(value) != 10:
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.err(column, f"“{value}” is not a date in the form YYYY-MM-DD.")
            return None

    def record(self, round_slug: str, known: KnownNames, seen_refs: dict) -> Record | None:
        """The row as a Record, or None when any cell has a problem."""
        before = len(self.errors)
        row = self.row
        self.reference(seen_refs)
        if row["round"] != round_slug and slugify(row["round"]) != round_slug:
            self.err("round", f"“{row['round']}” is not the round being imported ({round_slug}).")
        for column, value in row.items():
            # Every column is single-line text (core.validators), as on the site's forms; this
            # also keeps out NUL, which PostgreSQL cannot store in any text column.
            problem = single_line_problem(value)
            if problem:
                self.err(column, problem)
        for column, longest in MAX_LENGTHS.items():
            if not row[column]:
                self.err(column, "this cell must not be empty.")
            elif len(row[column]) > longest:
                self.err(column, f"at most {longest} characters (this has {len(row[column])}).")
        org_type = self.organisation_type(known.organisations)
        themes = self.themes(known.themes)
        approach = APPROACH_CODES.get(row["approach"].lower())
        if approach is None:
            self.err("approach", f"“{row['approach']}” is not specific or general.")
        applied_on = self.date("applied_on", required=True)
        outcome, gate, cba = self.outcomes()
        submitted_on, plan_outcome, decided_on = self.plan(applied_on, gate)
        if len(self.errors) > before:
            return None
        return Record(
            line=self.line,
            reference=row["reference"],
            round=row["round"],
            area_name=row["area_name"],
            local_authority=row["local_authority"],
            lead_organisation=row["lead_organisation"],
            org_type=org_type,
            themes=themes,
            approach=approach,
            applied_on=applied_on,
            application_outcome=outcome,
            getting_going_outcome=gate,
            cba_required=cba,
            plan_submitted_on=submitted_on,
            plan_outcome=plan_outcome,
            plan_decided_on=decided_on,
        )

    def reference(self, seen_refs: dict) -> None:
        """Present, well formed, and not already on an earlier line of the file."""
        ref = self.row["reference"]
        if not ref:
            self.err("reference", "a reference is required.")
        elif len(ref) > 20 or not all(ch.isupper() or ch.isdigit() or ch == "-" for ch in ref):
            self.err("reference", f"“{ref}” must be up to 20 capital letters, digits and hyphens.")
        elif ref in seen_refs:
            self.err("reference", f"{ref} already appears on line {seen_refs[ref]}.")
        else:
            seen_refs[ref] = self.line

    def organisation_type(self, organisations: dict) -> str | None:
        """The type's value; it must agree with an organisation already recorded by that name."""
        cell = self.row["organisation_type"]
        org_type = ORG_TYPES.get(cell.lower())
        if org_type is None:
            labels = ", ".join(t.label for t in OrganisationType)
            self.err("organisation_type", f"“{cell}” is not one of: {labels}.")
            return None
        known = organisations.get(self.row["lead_organisation"].lower())
        if known is not None and known.org_type != org_type:
            self.err(
                "organisation_type",
                f"{known.name} is already recorded as {known.get_org_type_display()}.",
            )
        return org_type

    def themes(self, themes: dict) -> list:
        """One to three known themes, separated by ";", none given twice."""
        names = [t.strip() for t in self.row["themes"].split(";") if t.strip()]
        chosen = []
        if not 1 <= len(names) <= 3:
            self.err("themes", f"give one to three themes separated by “;” (found {len(names)}).")
        for name in names:
            theme = themes.get(name.lower())
            if theme is None:
                self.err("themes", f"“{name}” is not a theme.")
            elif theme in chosen:
                self.err("themes", f"“{name}” is given twice.")
            else:
                chosen.append(theme)
        return chosen

    def outcomes(self) -> tuple[str, str, bool | None]:
        """The application's outcome, the Getting Going outcome (only for an admitted area) and
        whether a CBA was required (only after an approved gate)."""
        cell = self.row["application_outcome"]
        outcome = APPLICATION_OUTCOME_CODES.get(cell.lower(), cell)
        if outcome not in APPLICATION_OUTCOMES:
            self.err("application_outcome", f"“{outcome}” is not admitted, rejected or withdrawn.")
        cell = self.row["getting_going_outcome"]
        gate = GATE_OUTCOME_CODES.get(cell.lower(), cell)
        if gate not in GATE_OUTCOMES:
            self.err(
                "getting_going_outcome",
                f"“{gate}” is not approved, rejected or withdrawn (or empty: did not apply).",
            )
        elif gate and outcome in APPLICATION_OUTCOMES and outcome != "admitted":
            self.err("getting_going_outcome", f"must be empty: the application was {outcome}.")
        cba = YES_NO.get(self.row["cba_required"].lower())
        if cba is None and not self.row["cba_required"] and gate != "approved":
            cba = False  # meaningless without an approved gate: it may be left empty
        if cba is None:
            self.err("cba_required", f"“{self.row['cba_required']}” is not yes or no.")
        elif cba and gate in GATE_OUTCOMES and gate != "approved":
            self.err(
                "cba_required", "must be no: only an approved Getting Going gate can require a CBA."
            )
        return outcome, gate, cba

    def plan(self, applied_on, gate: str) -> tuple:
        """The final plan's submission date, its outcome and the outcome's date, in order."""
        row = self.row
        submitted_on = self.date("plan_submitted_on", required=False)
        if row["plan_submitted_on"] and gate in GATE_OUTCOMES and gate != "approved":
            self.err("plan_submitted_on", "must be empty: there is no approved Getting Going gate.")
        if submitted_on and applied_on and submitted_on < applied_on:
            self.err("plan_submitted_on", "is before applied_on.")
        outcome = PLAN_OUTCOME_CODES.get(row["plan_outcome"].lower(), row["plan_outcome"])
        if outcome not in PLAN_OUTCOMES:
            self.err("plan_outcome", f"“{outcome}” is not approved, not approved or returned.")
        elif outcome and not row["plan_submitted_on"]:
            self.err("plan_outcome", "needs plan_submitted_on: no final plan was submitted.")
        decided_on = self.date("plan_decided_on", required=False)
        if row["plan_decided_on"] and not outcome:
            self.err("plan_decided_on", "must be empty when there is no plan_outcome.")
        elif outcome in PLAN_OUTCOMES and outcome and not row["plan_decided_on"]:
            self.err(
                "plan_decided_on", "a date is required when there is a plan_outcome (YYYY-MM-DD)."
            )
        if decided_on and submitted_on and decided_on < submitted_on:
            self.err("plan_decided_on", "is before plan_submitted_on.")
        return submitted_on, outcome, decided_on
