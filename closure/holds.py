"""The holds a closed grant puts on its area (registered from apps.py): its records are
read-only (core.area_writes) and no money moves on its award (grants.holds). They are checks
asked before a write, not writes, so they live here rather than among the services."""

from accounts import permissions as perms

from .models import GrantClosure
from .workflows import ClosureStatus


def closed_grant_hold(area, user) -> str | None:
    """The area-writes hold (core.area_writes): a closed grant's records are read-only; while a
    correction is open, only programme managers and admins change them."""
    cache = "_closure_status"
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


def closed_payment_hold(payment) -> str | None:
    """The payment hold (grants.holds): no money moves on an award of a closed grant."""
    status = (
        GrantClosure.objects.filter(area_id=payment.award.area_id)
        .values_list("status", flat=True)
        .first()
    )
    if status == ClosureStatus.CLOSED:
        return "This grant is closed: no payment can be approved or paid on it."
    return None
