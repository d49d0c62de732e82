"""Signals other apps may listen to without this app knowing them."""

from django.dispatch import Signal

# Sent after activity entries are written (one by `activity_record`, many by
# `activity_record_many`), inside the writer's transaction, with `entries`: the entries written
# (earlywarning reads their areas and verbs). Every state-changing service records an entry,
# bulk imports included, so a reader that keeps figures derived from the data
# (`reports.freshness`) learns here that they may have moved.
recorded = Signal()
