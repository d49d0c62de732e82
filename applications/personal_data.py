"""What applications hold about a person (core.personal_data, registered in apps.py)."""

from core.personal_data import PersonalData

from .models import Application, ConflictDeclaration, GateApplication

KINDS = (
    PersonalData(
        name="applications_applications",
        description="Applications to join the programme that you made.",
        rows=lambda person: Application.objects.filter(applicant=person).order_by("pk"),
    ),
    PersonalData(
        name="applications_stage_gates",
        description="Stage-gate applications you started, with the documents attached to them.",
        rows=lambda person: GateApplication.objects.filter(created_by=person).order_by("pk"),
        files=("development_strategy", "logic_model"),
    ),
    PersonalData(
        name="applications_declarations_of_interest",
        description="Your declarations of any conflict of interest, as an assessor or a peer "
        "reviewer.",
        rows=lambda person: ConflictDeclaration.objects.filter(assessor=person).order_by("pk"),
    ),
)
