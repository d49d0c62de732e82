"""What a user may open: anything outside their scope is a 404, never a hint that it exists."""

from django.http import Http404

from programmes import selectors as programme_selectors

from .. import selectors
from ..models import Application, GateApplication

PAGE_SIZE = 25


def visible_application(user, pk) -> Application:
    application = selectors.application_detail(user=user, pk=pk)
    if application is None:
        raise Http404("No such application.")
    return application


def visible_gate(user, pk) -> GateApplication:
    gate = selectors.gate_list(user=user).filter(pk=pk).first()
    if gate is None:
        raise Http404("No such application.")
    return gate


def visible_area(user, reference):
    area = programme_selectors.area_list(user=user).filter(reference=reference).first()
    if area is None:
        raise Http404("No such area.")
    return area
