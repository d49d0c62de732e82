"""The holds a closed grant puts on its area (registered from apps.py): its records are
read-only (core.area_writes) and no money moves on its award (grants.holds). They are checks
asked before a write, not writes, so they live here rather than among the services. Each comes
with the annotations a page adds to its query, so asking every row costs no query."""

from django.db.models import OuterRef, Subquery

from accounts import permissions as perms

from .models import GrantClosure
from .workflows import ClosureStatus


def closed_grant_hold(area, user) -> str | None:
    """The area-writes hold (core.area_writes): a closed grant's records are read-only; while a
    correction is open, only programme managers and admins change them."""
    cache = "closure_status"  # annotated by the area page's selector (closed_area_annotations)
    if not hasattr(area, cache):
        setattr(
            area,
            cache,
            GrantClosure.objects.filter(area_id=area.pk).values_list("status", flat=True).first(),
        )
    status = getattr(area, cache)
    if status == ClosureStatus.CLOSED:
        return "This grant is closed, so its records cannot be changed."
    if status == ClosureStatus.CORRECTING and not perms.is_manager_or_admin(user):
        return "This grant is closed: only programme managers are correcting its records."
    return None


def closed_area_annotations() -> dict:
    """For the area page and its panels (core.area_writes): the status of the area's grant
    closure (None: not being closed), read by ``closed_grant_hold`` instead of a query."""
    return {
        "closure_status": Subquery(
            GrantClosure.objects.filter(area_id=OuterRef("pk")).values("status")[:1]
        )
    }


def closed_payment_annotations() -> dict:
    """For a page of payments (grants.selectors.with_four_eyes): the status of the grant
    closure of each payment's area (None: not being closed), so the hold asks no query per row."""
    return {
        "closure_status": Subquery(
            GrantClosure.objects.filter(area_id=OuterRef("award__area_id")).values("status")[:1]
        )
    }


def closed_payment_hold(payment) -> str | None:
    """The payment hold (grants.holds): no money moves on an award of a closed grant. Reads what
    ``closed_payment_annotations`` put on a page's rows, else asks now."""
    if hasattr(payment, "closure_status"):
        status = payment.closure_status
    else:
        status = (
            GrantClosure.objects.filter(area_id=payment.award.area_id)
            .values_list("status", flat=True)
            .first()
        )
    if status == ClosureStatus.CLOSED:
        return "This grant is closed: no payment can be approved or paid on it."
    return None
