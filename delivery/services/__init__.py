"""Writes for the delivery stage, one module per concept: the return schedule and returns
(``returns``), their staff review (``review``), funding secured (``funding``), CBA outturn (``outturn``), and the Making it Happen
application with its match-funding commitments (``making_it_happen``).

Every service checks the user's permission (``delivery/permissions.py``) and, for a status
change, the move against ``delivery/workflows.py``; validates beside the database constraints;
and writes the audit trail. Views, admin, demo and tasks all call these, by the names re-exported
here.
"""

from ..models import DELIVERY_STAGES
from .funding import funding_record_delete, funding_record_save
from .making_it_happen import (
    commitment_add,
    commitment_confirm,
    commitment_receive,
    commitment_withdraw,
    mih_application_save,
)
from .outturn import outturn_line_delete, outturn_line_save
from .returns import (
    implementation_started_on,
    return_save,
    return_submit,
    return_submit_preview,
    returns_flag_overdue,
    returns_schedule,
    returns_schedule_all,
    validate_factors,
)
from .review import return_comments_answer, return_review

__all__ = [
    "DELIVERY_STAGES",
    "commitment_add",
    "commitment_confirm",
    "commitment_receive",
    "commitment_withdraw",
    "funding_record_delete",
    "funding_record_save",
    "implementation_started_on",
    "mih_application_save",
    "outturn_line_delete",
    "outturn_line_save",
    "return_comments_answer",
    "return_review",
    "return_save",
    "return_submit",
    "return_submit_preview",
    "returns_flag_overdue",
    "returns_schedule",
    "returns_schedule_all",
    "validate_factors",
]
