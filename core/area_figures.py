"""Numbers the area page's panels show about the area: unread messages and staff notes, logic
model rows, adviser days, open follow-ups.

Counted by each panel for itself they were one query each. Instead each app declares its
figures here, from its AppConfig.ready (so programmes, whose page it is, imports none of them),
as expressions on the area (correlated subqueries on `OuterRef("pk")`), and the area page's
own query selects them all (`programmes.views.area_detail`). A panel reads its figures with
`figures_of` and counts for itself when the area came from another query."""

from collections.abc import Callable

_PREFIX = "figure"
_BUILDERS: dict[str, Callable] = {}


def register(app: str, build: Callable) -> None:
    """`build(user)` returns {name: expression on the area} for the signed-in `user`."""
    _BUILDERS[app] = build


def with_figures(queryset, *, user):
    """The areas of `queryset` annotated with every app's figures for `user`."""
    annotations = {}
    for app, build in _BUILDERS.items():
        for name, expression in build(user).items():
            annotations[f"{_PREFIX}_{app}_{name}"] = expression
    return queryset.annotate(**annotations)


def figures_of(area, app: str) -> dict | None:
    """{name: value} of `app`'s figures read with `area`, or None when the area was read
    without them (then the panel counts for itself)."""
    prefix = f"{_PREFIX}_{app}_"
    found = {
        key[len(prefix) :]: value for key, value in vars(area).items() if key.startswith(prefix)
    }
    return found or None
