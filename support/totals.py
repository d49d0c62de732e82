"""An area's adviser days in one value, shared by the services and the selectors."""

from decimal import Decimal
from typing import NamedTuple


class DayTotals(NamedTuple):
    """An area's adviser days: what it is entitled to, what has been delivered (used) and what
    is planned (booked, not delivered yet)."""

    entitled: Decimal
    delivered: Decimal
    planned: Decimal

    @property
    def remaining(self) -> Decimal:
        """Entitlement not used yet (planned days are still in it)."""
        return self.entitled - self.delivered

    @property
    def available(self) -> Decimal:
        """What can still be booked: the entitlement less delivered and planned days."""
        return self.entitled - self.delivered - self.planned
