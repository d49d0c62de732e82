"""Signals other apps listen to, so that applications need not know them.

``adviser_days_awarded``: a decision (admission to the programme, an approved stage gate) gave an
area adviser days. Sent inside the decision's transaction, with ``area``, ``days`` (a Decimal
above zero), ``reason``, ``actor``, ``occurred_at`` and ``imported``. Support keeps the area's
entitlement and adds the days (``support/apps.py`` connects it), so the decision and its days
commit together or not at all. Support reads applications (the next step, the area panel), so
applications telling support directly would make the two import each other.
"""

from django.dispatch import Signal

adviser_days_awarded = Signal()
