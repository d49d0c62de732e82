"""Demo data for messages: a short conversation on R2-041 between its lead organisation ("lead")
and its relationship manager, with a document and a staff note the lead never sees. The lead
wrote last, so the thread waits for the relationship manager's reply (for "My work").

Goes through messaging.services; skipped when any message exists."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AreaAssignment
from messaging.models import Message
from messaging.services import message_post
from programmes.models import Area

from .context import DEMO_PDF

THREAD = [
    (
        "lead",
        "We met the council's commissioning lead last week and they want to pool the youth "
        "work budget with us. Do we need a cost benefit analysis for that strand?",
    ),
    (
        "rm",
        "Yes: the pooled strand is the one the top-up grant pays for, so the plan needs a CBA "
        "for it. The programme's guidance is attached. Shall we talk it through on Thursday?",
    ),
    ("lead", "Thursday at 2pm works. We will send the draft budget the day before."),
]
NOTE = (
    "The lead organisation is keen but stretched: the coordinator works two days a week. "
    "Offer the CBA specialist's extra days before the draft plan is due."
)


def load(ctx):
    if ctx is None or Message.objects.exists():
        return ctx
    area = Area.objects.select_related("lead_organisation").filter(reference="R2-041").first()
    if area is None:
        return ctx
    assignment = AreaAssignment.objects.filter(area=area, ended_on__isnull=True).first()
    people = {"lead": ctx.users["lead"], "rm": assignment.user if assignment else ctx.users["rm"]}
    for who, body in THREAD:
        document = None
        if who == "rm":
            document = SimpleUploadedFile("CBA guidance.pdf", DEMO_PDF, "application/pdf")
        message_post(area=area, actor=people[who], body=body, uploaded_file=document)
    message_post(area=area, actor=people["rm"], body=NOTE, note=True)
    ctx.created = True
    return ctx
