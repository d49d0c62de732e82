"""What plans hold about a person (core.personal_data, registered in apps.py)."""

from core.personal_data import PersonalData

from .models import PeerReview, PlanAttachment, PlanSectionDraft, PlanVersion, SectionComment

KINDS = (
    PersonalData(
        name="plans_documents",
        description="Documents you uploaded to an area's plan, with the files.",
        rows=lambda person: PlanAttachment.objects.filter(uploaded_by=person).order_by("pk"),
        files=("file",),
    ),
    PersonalData(
        name="plans_versions",
        description="Versions of operational plans you submitted.",
        rows=lambda person: PlanVersion.objects.filter(submitted_by=person).order_by("pk"),
    ),
    PersonalData(
        name="plans_unsaved_drafts",
        description="Text you typed in an operational plan's sections and had not yet saved.",
        rows=lambda person: PlanSectionDraft.objects.filter(saved_by=person).order_by("pk"),
    ),
    PersonalData(
        name="plans_section_comments",
        description="Comments you wrote on sections of plans.",
        rows=lambda person: SectionComment.objects.filter(author=person).order_by("pk"),
    ),
    PersonalData(
        name="plans_peer_reviews",
        description="Peer reviews you submitted.",
        rows=lambda person: PeerReview.objects.filter(submitted_by=person).order_by("pk"),
    ),
)
