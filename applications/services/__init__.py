"""Writes for applications to join, stage gates, deadline extensions and an area leaving the
programme, one module per concept. Every name other code calls as ``applications.services.X``
is importable from here.

Every status change: locks the row, asks the workflow (applications/workflows.py, and
programmes/workflows.py for the area), checks the actor's scope, writes one activity entry, and
leaves the area's stage and status to programmes.services.area_move.
"""

from programmes.services import applicant_register

from .admission import (
    APPLICATION_FIELDS,
    REQUIRED_TO_SUBMIT,
    BulkResult,
    application_admit,
    application_create,
    application_decide,
    application_decide_preview,
    application_missing,
    application_reject,
    application_submit,
    application_update,
    application_withdraw,
    applications_decide_bulk,
    applications_start_assessment_bulk,
)
from .assessment import application_recommend, application_score, application_start_assessment
from .assessors import (
    AssignResult,
    assessor_assign,
    assessor_remove,
    assessors_assign_bulk,
    conflict_declare,
    peer_conflict_declare,
)
from .extensions import extension_grant, gate_deadline
from .gates import (
    GATE_FIELDS,
    GATE_FROM_STAGES,
    GATE_MILESTONE_KIND,
    GATE_MOVES_AREA_TO,
    DecisionPreview,
    area_stage_derive,
    gate_approve,
    gate_create,
    gate_decide,
    gate_decide_preview,
    gate_reject,
    gate_submit,
    gate_update,
    gate_withdraw,
)
from .leaving import LEAVING_OUTCOMES, LeaveResult, area_leave, area_leaving_effects, area_reinstate

__all__ = [
    "APPLICATION_FIELDS",
    "GATE_FIELDS",
    "GATE_FROM_STAGES",
    "GATE_MILESTONE_KIND",
    "GATE_MOVES_AREA_TO",
    "LEAVING_OUTCOMES",
    "REQUIRED_TO_SUBMIT",
    "AssignResult",
    "BulkResult",
    "DecisionPreview",
    "LeaveResult",
    "applicant_register",
    "application_admit",
    "application_create",
    "application_decide",
    "application_decide_preview",
    "application_missing",
    "application_recommend",
    "application_reject",
    "application_score",
    "application_start_assessment",
    "application_submit",
    "application_update",
    "application_withdraw",
    "applications_decide_bulk",
    "applications_start_assessment_bulk",
    "area_leave",
    "assessor_assign",
    "assessor_remove",
    "assessors_assign_bulk",
    "conflict_declare",
    "peer_conflict_declare",
    "area_leaving_effects",
    "area_reinstate",
    "area_stage_derive",
    "extension_grant",
    "gate_approve",
    "gate_create",
    "gate_deadline",
    "gate_decide",
    "gate_decide_preview",
    "gate_reject",
    "gate_submit",
    "gate_update",
    "gate_withdraw",
]
