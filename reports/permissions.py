"""Who may ask for, see and download reports, and who may export data. Plain functions returning
``(allowed, reason)``, used by views, services and templates alike."""

from accounts import permissions as perms
from core.errors import Decision
from support.permissions import looks_after

from .models import Audience, JobStatus, ReportJob, ReportKind


def can_use_reports_page(user) -> bool:
    """The reports page is in the menu for programme managers, funder officers and admins; other
    staff and lead organisation users reach it from an area page."""
    return perms.is_programme_manager(user) or perms.is_funder_officer(user) or perms.is_admin(user)


def sees_staff_edition(user, area=None) -> bool:
    """The staff edition of an area's report carries its support record (risks, contact notes,
    follow-ups): programme managers, funder officers, admins, and the relationship manager who
    looks after the area now. Every other relationship manager sees the area's public record."""
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True
    return area is not None and looks_after(user, area)


def audience_for(user, area=None) -> str:
    """The edition a report is made in is fixed by who asks for it."""
    return Audience.STAFF if sees_staff_edition(user, area) else Audience.AREA


def can_request_report(user, *, kind: str, area=None, round=None) -> Decision:
    if kind == ReportKind.AREA_PROGRESS:
        if area is None:
            return False, "Choose an area."
        allowed, reason = perms.can_view_area(user, area)
        if not allowed:
            return False, reason
        return True, ""
    if kind == ReportKind.PROGRAMME:
        if round is None:
            return False, "Choose a round."
        if can_use_reports_page(user):
            return True, ""
        return False, "Programme reports are for programme managers, funder officers and admins."
    return False, "Unknown kind of report."


def can_view_job(user, job: ReportJob) -> Decision:
    """Only people entitled to a report's edition see, follow or download it: the staff edition
    of an area's report as `sees_staff_edition` says; the lead organisations' edition to any
    programme staff and to the area's own lead organisation users; programme reports to the
    people who may ask for them."""
    refused = (False, "You can only see reports about areas your organisation leads.")
    if job.kind == ReportKind.PROGRAMME:
        if can_use_reports_page(user):
            return True, ""
        return False, "Programme reports are for programme managers, funder officers and admins."
    if job.audience == Audience.STAFF:
        if sees_staff_edition(user, job.area):
            return True, ""
        if perms.is_programme_staff(user):
            return (
                False,
                "This edition includes the support record of an area you do not look after.",
            )
        return refused
    if perms.is_programme_staff(user):
        return True, ""
    if (
        perms.is_lead_organisation_user(user)
        and job.area_id
        and perms.user_belongs_to(user, job.area.lead_organisation_id)
    ):
        return True, ""
    return refused


def can_retry_job(user, job: ReportJob) -> Decision:
    """The person who asked for a report, or a programme manager or admin, may try a failed one
    again: never someone who could not ask for that edition."""
    allowed, reason = can_view_job(user, job)
    if not allowed:
        return allowed, reason
    if job.requested_by_id != getattr(user, "pk", None) and not perms.is_manager_or_admin(user):
        return (
            False,
            "Only the person who asked for this report or a programme manager can retry it.",
        )
    if job.status != JobStatus.FAILED:
        return False, "Only a failed report can be tried again."
    return True, ""


def can_export(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can export data."


def can_export_payment_run(user) -> Decision:
    """The payment run (approved payments, ready to pay) as a file for the bank: the people who
    approve and pay, finance officers and programme managers."""
    if perms.is_finance_officer(user) or perms.is_programme_manager(user):
        return True, ""
    return False, "Only finance officers and programme managers can export the payment run."


def can_view_dashboard(user) -> Decision:
    """The programme dashboard: programme managers, funder officers and admins."""
    if can_use_reports_page(user):
        return True, ""
    return False, "The programme dashboard is for programme managers, funder officers and admins."


def can_view_what_worked(user) -> Decision:
    """A round's What worked page and its downloads (suppressed aggregates only): the people who
    see the dashboard and the programme report, programme managers, funder officers and admins."""
    if can_use_reports_page(user):
        return True, ""
    return False, "What worked is for programme managers, funder officers and admins."


def can_import(user) -> Decision:
    """Uploading a CRM export of historical records (the web form of ``import_records``)."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can import records."


def can_retry_import(user, job) -> Decision:
    allowed, reason = can_import(user)
    if not allowed:
        return allowed, reason
    if job.status != JobStatus.FAILED:
        return False, "Only a failed import can be tried again."
    if job.has_problems:
        return False, "The file has problems: correct it and upload it again."
    if not job.file:
        return False, "The uploaded file is no longer kept: upload it again."
    return True, ""
