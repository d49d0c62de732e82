"""Turning refusals into what a person reads: one `require`, one message helper, and one way to
put a service's refusal on a form."""

from django.core.exceptions import PermissionDenied, ValidationError

Decision = tuple[bool, str]


def require(decision: Decision) -> None:
    """Raise PermissionDenied with the decision's reason unless it allows the action. Services
    and views call it with a permission function's result: ``require(can_view_area(user, area))``."""
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def message_for(exc: Exception) -> str:
    """One line a person can read from a ValidationError (all its messages) or any other
    refusal (its text)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def errors_to_form(form, exc: ValidationError | PermissionDenied, field_map=None) -> None:
    """Show a service's refusal on the form: a ValidationError's messages next to the fields it
    names (renamed through `field_map` where the form calls them something else), anything else
    and a PermissionDenied's reason at the top."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    field_map = field_map or {}
    for name, errors in exc.error_dict.items():
        name = field_map.get(name, name)
        form.add_error(name if name in form.fields else None, errors)
