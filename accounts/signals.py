"""What happens when someone signs in, and the signal accounts sends when a team changes.

``team_changed``: someone was invited to an organisation's team, an invitation was withdrawn,
someone joined or was removed. Sent inside the change's transaction with ``verb``, ``summary``,
``actor`` and optionally ``target``, ``data`` and ``notify`` (the people to tell). The audit
trail records it, staff only (``activity/apps.py`` connects it): accounts is the layer every app
imports, activity included, so it announces the change rather than importing activity.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from .middleware import LAST_SEEN_KEY
from .two_factor import remember_device_state

team_changed = Signal()


@receiver(user_logged_in, dispatch_uid="accounts_signed_in")
def signed_in(sender, request, user, **kwargs):
    """Start the idle clock and note whether the second-factor step is due."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_KEY] = int(time.time())
    remember_device_state(request, user)


# A person's data was exported or the person was anonymised (accounts.personal_data). Sent
# inside the change's transaction with ``verb``, ``summary``, ``actor``, ``target``, ``reason``,
# ``data`` and ``corrects_entries_of`` (the person whose latest entry the record corrects, or
# None). The audit trail records it, staff only (activity/apps.py connects it).
person_data_handled = Signal()
