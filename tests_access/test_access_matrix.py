"""The declared access matrix: for every URL of the site (every pattern the resolver knows), each
role and each method, the outcome a request must get. A URL without a row fails the test, so no
page ships undeclared.

Codes: 200 and other numbers are HTTP statuses; L is a redirect to the login page; R any other
redirect (a form that saved and moved on, or refused with a message and sent the person back).
Roles are people of the demo, relative to the area a URL concerns (the "of_area" ones look after
or lead it; "other_" ones do not). Every request runs in a savepoint that is rolled back, so a
POST that succeeds changes nothing for the next one.

To see the table the site gives today (after a deliberate change): ACCESS_MATRIX_PRINT=1 pytest
tests_access -s
"""

import os
from copy import deepcopy

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver

from .conftest import CHECKED
from .world import ROLES, build_world, targets, url_for

ADMIN_PREFIX = "admin/"

# URL name -> (GET, POST): one code per role, in ROLES order:
# anonymous, programme_manager, funder_officer, finance_officer, rm_of_area, other_rm,
# lead_of_area, other_lead, admin
EXPECTED = {
    "activity:notification_read": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 R 404 404",
    ),
    "activity:notifications": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "activity:notifications_read_all": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R R R R R R",
    ),
    "activity:notifications_read_selected": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R R R R R R",
    ),
    "activity:preferences": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "diligence:details": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "diligence:document": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "diligence:document_download": (
        "L 200 200 200 403 403 403 403 200",
        "L 200 200 200 403 403 403 403 200",
    ),
    "diligence:document_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "diligence:duplicate_resolve": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "diligence:list": (
        "L 200 200 200 403 403 403 403 200",
        "L 200 200 200 403 403 403 403 200",
    ),
    "diligence:move": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "diligence:organisation": (
        "L 200 200 200 403 403 403 403 200",
        "L 200 200 200 403 403 403 403 200",
    ),
    "diligence:register_check": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "diligence:register_check_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "diligence:risk_decision": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "diligence:start": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "applications:application_decide": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:application_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "applications:application_edit": ("L R R R R R R 404 R", "L R R R R R R 404 R"),
    "applications:application_new": (
        "L 403 403 403 403 403 200 200 403",
        "L 403 403 403 403 403 200 200 403",
    ),
    # The admin is not assigned to assess R2-041's application: refused, with the reason (issue 23).
    "applications:application_score": (
        "L 405 405 405 405 405 405 405 405",
        "L R 200 200 200 200 200 404 200",
    ),
    "applications:application_start": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:application_submit": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "applications:application_withdraw": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:apply": (
        "L 403 403 403 403 403 200 200 403",
        "L 403 403 403 403 403 200 200 403",
    ),
    "applications:area_leave": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "applications:area_reinstate": (
        "L R 403 403 403 403 403 403 R",
        "L R 403 403 403 403 403 403 R",
    ),
    # Assessors and conflicts of interest (issue 23).
    "applications:assessors": (
        "L 200 200 200 200 200 404 404 200",
        "L 200 403 403 403 403 404 404 200",
    ),
    "applications:declare": (
        "L R 403 403 403 403 404 404 403",
        "L R 403 403 403 403 404 404 403",
    ),
    "applications:assessors_assign_bulk": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "applications:assessor_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 404 404 R",
    ),
    "plans:peer_declare": (
        "L 404 404 404 404 404 200 404 404",
        "L 404 404 404 404 404 200 404 404",
    ),
    "applications:declaration_register": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "applications:moderation": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "applications:assessment_queue": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "applications:extension_new": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "applications:gate_decide": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:gate_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "applications:gate_edit": (
        "L 403 403 403 403 403 R 404 403",
        "L 403 403 403 403 403 R 404 403",
    ),
    "applications:gate_evidence": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:gate_new": (
        "L 403 403 403 403 403 200 404 403",
        "L 403 403 403 403 403 200 404 403",
    ),
    "applications:gate_queue": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "applications:gate_submit": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:gate_withdraw": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 404 200",
    ),
    "applications:my_applications": (
        "L 403 403 403 403 403 200 200 403",
        "L 403 403 403 403 403 200 200 403",
    ),
    "applications:register": ("200 R R R R R R R R", "200 R R R R R R R R"),
    "closure:area_closure": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "closure:closure_close": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 403 404 R"),
    "closure:closure_correct": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 404 400",
    ),
    "closure:closure_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "closure:closure_start": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 403 404 R"),
    "closure:reconcile": ("L 405 405 405 405 405 405 405 405", "L 400 403 403 403 403 403 404 400"),
    "closure:unspent_move": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 403 404 R"),
    "closure:unspent_receive": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 400 403 403 403 404 400",
    ),
    "delivery:area_funding": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "delivery:area_making_it_happen": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "delivery:area_outturn": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "delivery:area_returns": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "delivery:commitment_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 400 404 400",
    ),
    "delivery:commitment_move": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 404 404 R",
    ),
    "delivery:funding_delete": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 R 404 R"),
    "delivery:funding_edit": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "delivery:outturn_delete": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 R 404 R"),
    "delivery:outturn_edit": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "delivery:return_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 403 403 403 403 403 403 404 403",
    ),
    "delivery:return_review": ("L 405 405 405 405 405 405 405 405", "L R 403 403 R 403 403 404 R"),
    "delivery:returns_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "banking:account_confirm": (
        "L 403 403 403 403 403 403 404 403",
        "L 403 403 403 403 403 403 404 403",
    ),
    "banking:account_enter": (
        "L 200 403 200 403 403 200 404 200",
        "L 200 403 200 403 403 200 404 200",
    ),
    "banking:account_reject": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 400 403 403 403 404 403",
    ),
    "banking:account_reveal": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 200 403 403 R 404 R",
    ),
    "banking:organisation_bank": (
        "L 200 403 200 403 403 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "banking:pending": (
        "L 200 403 200 403 403 403 403 403",
        "L 405 405 405 405 405 405 405 405",
    ),
    "grants:award_cancel": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "grants:award_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "grants:finance": ("L 200 200 200 200 200 403 403 200", "L 200 200 200 200 200 403 403 200"),
    "grants:finance_bulk": ("L 405 405 405 405 405 405 405 405", "L R 403 R 403 403 403 403 R"),
    "grants:offer_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 403 403 403 403 403 403 404 403",
    ),
    "grants:offer_pdf": ("L 200 200 200 200 200 200 404 200", "L 200 200 200 200 200 200 404 200"),
    "grants:offer_reissue": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "grants:offer_withdraw": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "grants:payment_add": (
        "L 200 403 403 403 403 403 404 200",
        "L 200 403 403 403 403 403 404 200",
    ),
    "grants:payment_approve": ("L 405 405 405 405 405 405 405 405", "L R 403 R 403 403 403 404 R"),
    "grants:payment_cancel": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "grants:payment_pay": ("L 405 405 405 405 405 405 405 405", "L 403 403 R 403 403 403 404 403"),
    "grants:payment_release": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 404 R",
    ),
    "grants:round_budget": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "grants:round_summary": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "grants:variation_new": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "grants:variation_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "grants:variation_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "grants:variation_approve": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 R R R R R 404 200",
    ),
    "grants:variation_cosign": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R R R R 404 R",
    ),
    "grants:variation_refuse": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R R R R 404 R",
    ),
    "grants:variation_withdraw": (
        "L 405 405 405 405 405 405 405 405",
        "L R R R R R R 404 R",
    ),
    "favicon": ("R R R R R R R R R", "R R R R R R R R R"),
    "healthz": ("200 200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405 405"),
    # No worker runs in the tests, so the readiness check says 503 to everyone (no login).
    "readyz": ("503 503 503 503 503 503 503 503 503", "405 405 405 405 405 405 405 405 405"),
    "home": ("L R R R R R R R R", "L R R R R R R R R"),
    "invitation_accept": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "mywork": ("L 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405"),
    "mywork_count": ("L 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405"),
    # Anyone's own view: whose group it is decides (404: nothing of that kind is theirs).
    "mywork_group": ("L 404 404 404 200 404 404 404 404", "L 405 405 405 405 405 405 405 405"),
    "mywork_hidden": ("L 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405"),
    # An empty form is refused with a message, back to My work.
    "mywork_hide": ("L 405 405 405 405 405 405 405 405", "L R R R R R R R R"),
    # Only the person who put it aside may bring it back (the lead's, here).
    "mywork_restore": ("L 405 405 405 405 405 405 405 405", "L 404 404 404 404 404 R 404 404"),
    # The header's search: everyone signed in, each finding only what they may see
    # (core/tests/test_search.py checks what each finds).
    "search": ("L 200 200 200 200 200 200 200 200", "L 405 405 405 405 405 405 405 405"),
    "lockout_list": ("L 403 403 403 403 403 403 403 200", "L 403 403 403 403 403 403 403 R"),
    "login": ("200 R R R R R R R R", "200 R R R R R R R R"),
    # A person's data (subject access, anonymisation): admins only, nobody else learns of it.
    "person_data": ("L 404 404 404 404 404 404 404 200", "L 405 405 405 405 405 405 405 405"),
    "person_data_download": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 404 200",
    ),
    "person_anonymise": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 404 400",
    ),
    "privacy": ("200 200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405 405"),
    # The glossary is public like the privacy notice: definitions, nothing about anyone.
    "glossary": ("200 200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405 405"),
    "logout": ("405 405 405 405 405 405 405 405 405", "L L L L L L L L L"),
    "password_change": ("L 200 200 200 200 200 200 200 200", "L 200 200 200 200 200 200 200 200"),
    "password_change_done": (
        "L 200 200 200 200 200 200 200 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "password_reset": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "password_reset_complete": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "password_reset_confirm": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "password_reset_done": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "plans:attachment_delete": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "plans:attachment_download": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "plans:attachment_upload": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "plans:cba_edit": ("L 403 403 403 403 403 200 404 403", "L 403 403 403 403 403 200 404 403"),
    # A lead answers a comment of the latest return only (R2-041's plan is a draft: 400).
    "plans:comment_answer": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 403 403 403 400 404 403",
    ),
    "plans:indicators_edit": (
        "L 403 403 403 403 403 200 404 403",
        "L 403 403 403 403 403 200 404 403",
    ),
    "plans:logic_model_edit": (
        "L 403 403 403 403 403 200 404 403",
        "L 403 403 403 403 403 200 404 403",
    ),
    "plans:peer_review_assign": (
        "L 200 403 403 403 403 403 403 403",
        "L 200 403 403 403 403 403 403 403",
    ),
    # The reviewer of R2-041's organisation declares any conflict first (issue 23): a redirect.
    "plans:peer_review_detail": (
        "L 404 404 404 404 404 R 404 404",
        "L 404 404 404 404 404 R 404 404",
    ),
    "plans:peer_review_list": (
        "L 403 403 403 403 403 200 200 403",
        "L 403 403 403 403 403 200 200 403",
    ),
    "plans:plan_edit": ("L 403 403 403 403 403 200 404 403", "L 403 403 403 403 403 200 404 403"),
    # The editor's drafts: its own lead organisation only (400: a POST naming no section).
    "plans:plan_draft_save": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 403 403 403 400 404 403",
    ),
    "plans:plan_drafts_discard": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 403 403 403 R 404 403",
    ),
    "plans:review": ("L 200 200 403 403 403 403 403 403", "L 200 200 403 403 403 403 403 403"),
    "plans:review_queue": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "plans:strategy_edit": (
        "L 403 403 403 403 403 200 404 403",
        "L 403 403 403 403 403 200 404 403",
    ),
    "plans:submit_draft": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "plans:submit_final": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "plans:version_compare": ("L R R R R R R 404 R", "L R R R R R R 404 R"),
    "plans:version_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "plans:workspace": ("L 200 200 200 200 200 200 404 200", "L 200 200 200 200 200 200 404 200"),
    "programmes:area_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "programmes:area_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "programmes:area_panel": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:area_panel_page": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:area_panel#closure": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:area_panel#contacts": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:area_panel#early_warning": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "earlywarning:index": ("L R R 403 R R 403 403 R", "L R R 403 R R 403 403 R"),
    "earlywarning:round_list": (
        "L 200 200 403 200 200 403 403 200",
        "L 200 200 403 200 200 403 403 200",
    ),
    "programmes:area_panel#delivery": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:area_panel#support": (
        "L 200 200 200 200 200 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmes:my_areas": ("L R R R R R 200 R R", "L R R R R R 200 R R"),
    "programmes:organisation_create": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "programmes:organisation_detail": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "programmes:organisation_edit": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "programmes:organisation_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "programmes:partner_add": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "programmes:partner_edit": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "programmes:partner_options": (
        "L 200 403 403 403 403 200 404 200",
        "L 200 403 403 403 403 200 404 200",
    ),
    "programmes:partner_remove": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 R 404 R",
    ),
    "reports:area_request": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "messaging:attachment_download": (
        "L 200 200 403 200 403 200 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "messaging:attachment_download#note": (
        "L 200 200 403 200 403 404 404 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "messaging:note_add": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 403 403 200 403 404 404 200",
    ),
    "messaging:thread": (
        "L 200 200 403 200 403 200 404 200",
        "L 200 403 403 200 403 200 404 200",
    ),
    "reports:dashboard": ("L 200 200 403 403 403 403 403 200", "L 200 200 403 403 403 403 403 200"),
    "reports:dashboard_current": ("L R R 403 403 403 403 403 R", "L R R 403 403 403 403 403 R"),
    "reports:what_worked": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "reports:what_worked_csv": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "reports:what_worked_xlsx": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "reports:what_worked_open_data": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "reports:what_worked_dictionary": (
        "L 200 200 403 403 403 403 403 200",
        "L 200 200 403 403 403 403 403 200",
    ),
    "reports:export_360giving_csv": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:export_360giving_json": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:export_areas_csv": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:export_areas_xlsx": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:export_csv": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:export_xlsx": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    # The payment run is for the people who approve and pay: programme managers and finance.
    "reports:export_payment_run_csv": (
        "L 200 403 200 403 403 403 403 403",
        "L 405 405 405 405 405 405 405 405",
    ),
    "reports:export_payment_run_xlsx": (
        "L 200 403 200 403 403 403 403 403",
        "L 405 405 405 405 405 405 405 405",
    ),
    # A background export is its requester's alone (the programme manager's here).
    "reports:export_job": (
        "L 200 404 404 404 404 404 404 404",
        "L 405 405 405 405 405 405 405 405",
    ),
    "reports:export_job_download": (
        "L 200 404 404 404 404 404 404 404",
        "L 405 405 405 405 405 405 405 405",
    ),
    "reports:export_job_progress": (
        "L 200 404 404 404 404 404 404 404",
        "L 405 405 405 405 405 405 405 405",
    ),
    "reports:export_job_retry": (
        "L 405 405 405 405 405 405 405 405",
        "L R 404 404 404 404 404 404 404",
    ),
    "reports:import_detail": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:import_index": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:import_progress": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:import_retry": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 403 403 R"),
    "reports:import_template": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "reports:index": ("L 200 200 200 200 200 200 200 200", "L 200 200 200 200 200 200 200 200"),
    "reports:job_detail": (
        "L 200 200 404 200 404 404 404 200",
        "L 200 200 404 200 404 404 404 200",
    ),
    "reports:job_detail#lead edition": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "reports:job_detail#programme": (
        "L 200 200 404 404 404 404 404 200",
        "L 200 200 404 404 404 404 404 200",
    ),
    "reports:job_download": (
        "L 200 200 404 200 404 404 404 200",
        "L 200 200 404 200 404 404 404 200",
    ),
    "reports:job_download#lead edition": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "reports:job_download#programme": (
        "L 200 200 404 404 404 404 404 200",
        "L 200 200 404 404 404 404 404 200",
    ),
    "reports:job_progress": (
        "L 200 200 404 200 404 404 404 200",
        "L 200 200 404 200 404 404 404 200",
    ),
    "reports:job_progress#lead edition": (
        "L 200 200 200 200 200 200 404 200",
        "L 200 200 200 200 200 200 404 200",
    ),
    "reports:job_progress#programme": (
        "L 200 200 404 404 404 404 404 200",
        "L 200 200 404 404 404 404 404 200",
    ),
    "reports:job_retry": ("L 405 405 405 405 405 405 405 405", "L R R 404 R 404 404 404 R"),
    "reports:job_retry#lead edition": ("L 405 405 405 405 405 405 405 405", "L R R R R R R 404 R"),
    "reports:job_retry#programme": (
        "L 405 405 405 405 405 405 405 405",
        "L R R 404 404 404 404 404 R",
    ),
    "support:adviser_edit": (
        "L 200 403 403 403 403 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "support:adviser_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "support:adviser_days": (
        "L 200 200 404 200 404 200 404 200",
        "L 404 404 404 404 404 404 404 404",
    ),
    "support:area_support": (
        "L 200 200 404 200 404 404 404 200",
        "L 200 200 404 200 404 404 404 200",
    ),
    "support:assignment": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 403 403 403 403 403 403 200",
    ),
    "support:attendance": (
        "L 200 403 403 200 200 403 403 200",
        "L 200 403 403 200 200 403 403 200",
    ),
    "support:booking_edit": (
        "L 200 403 404 200 404 403 404 200",
        "L 200 403 404 200 404 403 404 200",
    ),
    "support:booking_move": ("L 405 405 405 405 405 405 405 405", "L R 403 404 R 404 403 404 R"),
    "support:contact_log": (
        "L 200 403 404 200 404 404 404 200",
        "L 200 403 404 200 404 404 404 200",
    ),
    "support:event_create": (
        "L 200 403 403 200 200 403 403 200",
        "L 200 403 403 200 200 403 403 200",
    ),
    "support:event_detail": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "support:event_invite": (
        "L 200 403 403 200 200 403 403 200",
        "L 200 403 403 200 200 403 403 200",
    ),
    "support:event_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "support:followup_done": ("L 405 405 405 405 405 405 405 405", "L R 403 404 R 404 404 404 R"),
    "support:followup_list": (
        "L 200 200 200 200 200 403 403 200",
        "L 200 200 200 200 200 403 403 200",
    ),
    "support:my_areas": ("L 200 200 200 200 200 403 403 200", "L 200 200 200 200 200 403 403 200"),
    "support:risk_resolve": ("L 405 405 405 405 405 405 405 405", "L R 403 404 R 404 404 404 R"),
    "team": ("L 200 403 403 403 403 200 404 200", "L 200 403 403 403 403 200 404 200"),
    "team_invitation_revoke": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 R 404 R"),
    "team_member_remove": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 R 404 R"),
    "team_mine": ("L R R R R R 200 R R", "L R R R R R 200 R R"),
    "surveys:answer": ("L 404 404 404 404 404 200 404 404", "L 404 404 404 404 404 R 404 404"),
    "surveys:answer_link": ("200 200 200 200 200 200 200 200 200", "R R R R R R R R R"),
    "surveys:invitation_revoke": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "surveys:my_surveys": (
        "L 403 403 403 403 403 200 200 403",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:partner_invite": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "surveys:standard_create": (
        "L 405 405 405 405 405 405 405 405",
        "L R 403 403 403 403 403 403 R",
    ),
    "surveys:survey_compare": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:survey_detail": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:survey_export_csv": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:survey_list": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:survey_move": ("L 405 405 405 405 405 405 405 405", "L R 403 403 403 403 403 403 R"),
    "surveys:survey_results": (
        "L 200 200 403 403 403 403 403 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "surveys:survey_settings": (
        "L 405 405 405 405 405 405 405 405",
        "L 400 403 403 403 403 403 403 400",
    ),
    "two_factor_recovery_codes": ("L R R R R R R R R", "L 403 403 403 403 403 403 403 403"),
    "two_factor_remove": ("L 405 405 405 405 405 405 405 405", "L 403 403 403 403 403 403 403 403"),
    "two_factor_setup": ("L 200 200 200 200 200 200 200 200", "L 200 200 200 200 200 200 200 200"),
    "two_factor_verify": ("L R R R R R R R R", "L R R R R R R R R"),
}


def walk(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns + (p.namespace + ":" if p.namespace else "")
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            yield ns + (p.name or ""), prefix + str(p.pattern)


def _code(response) -> str:
    if response.status_code in (301, 302, 303):
        return "L" if "/accounts/login/" in response["Location"] else "R"
    return str(response.status_code)


class SignedIn:
    """One test client per person, signed in once. Every request runs in a savepoint that is
    rolled back, so the session rows are as sign-in left them; the client's cookies are put back
    after each request too (a request that signs out, rotates the session key or leaves a
    message cookie changes nothing for the next one). Signing in once per person rather than
    once per request is most of this test's speed."""

    def __init__(self):
        self._clients: dict = {}

    def request(self, user, method: str, url: str):
        key = user.username if user is not None else None
        if key not in self._clients:
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self._clients[key] = (client, deepcopy(client.cookies))
        client, cookies = self._clients[key]
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        client.cookies = deepcopy(cookies)
        return response


def _observe(signed_in, world, name, area, kwargs) -> tuple[str, str]:
    url = url_for(name, kwargs)
    rows = []
    for method in ("get", "post"):
        cells = []
        for role in ROLES:
            user = world.user_for(role, area or world.areas["R2-041"])
            cells.append(_code(signed_in.request(user, method, url)))
        rows.append(" ".join(cells))
    return rows[0], rows[1]


@pytest.mark.django_db
def test_every_url_answers_each_role_as_declared():
    world = build_world()
    signed_in = SignedIn()
    rows = targets(world)
    site_urls = [n for n, p in walk(get_resolver().url_patterns) if not p.startswith(ADMIN_PREFIX)]
    declared = {name.split("#", 1)[0] for name in rows}
    undeclared = sorted(set(site_urls) - declared)
    assert not undeclared, f"URLs with no row in the access matrix: {undeclared}"

    printing = os.environ.get("ACCESS_MATRIX_PRINT")
    mismatches, cases = [], 0
    for name, (area, kwargs) in sorted(rows.items()):
        got = _observe(signed_in, world, name, area, kwargs)
        cases += 2 * len(ROLES)
        if printing:
            print(f'    "{name}": ("{got[0]}", "{got[1]}"),')
        want = EXPECTED.get(name)
        if want != got:
            mismatches.append(f"{name}: expected {want}, got {got}")
    admin_cases, admin_mismatches = _walk_admin(signed_in, world)
    summary = (
        f"access matrix: {cases} URL x role x method cases checked over {len(rows)} rows, "
        f"and {admin_cases} cases over the admin site's URLs"
    )
    print(summary)
    CHECKED["summary"] = summary + (" (mismatches below)" if mismatches else ", as declared")
    assert not mismatches, "\n".join(mismatches)
    assert not admin_mismatches, "\n".join(admin_mismatches)


def _admin_url(pattern: str, world) -> str | None:
    """A concrete address for an admin pattern: object ids of a real row of that model."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    path = "/" + pattern
    if "<path:content_type_id>" in path:  # view on site: the demo area R2-041
        area = world.areas["R2-041"]
        ct = ContentType.objects.get_for_model(area)
        return f"/admin/r/{ct.pk}/{area.pk}/"
    if "<path:object_id>" in path:
        app_label, model_name = pattern.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        obj = model._default_manager.order_by("pk").first()
        object_id = obj.pk if obj is not None else 0
        path = path.replace("<path:object_id>", str(object_id))
    if "<" in path:  # app index (app_label) and the catch-all: name one app
        path = path.replace("<app_label>", "programmes").replace("(?P<url>.*)$", "x")
        if "<" in path or "(" in path:
            return None
    return path


def _walk_admin(signed_in, world) -> tuple[int, list[str]]:
    """The admin site is declared by one rule rather than a row per URL: everyone but an admin
    is sent to the admin's login page (GET and POST); an admin gets a page, a redirect, a
    refusal (the read-only audit records) or "not found", never a server error."""
    cases, mismatches = 0, []
    patterns = [p for _n, p in walk(get_resolver().url_patterns) if p.startswith(ADMIN_PREFIX)]
    for pattern in patterns:
        url = _admin_url(pattern, world)
        if url is None or url.rstrip("/").endswith(("/login", "/logout")):
            continue
        for role in ROLES:
            user = world.user_for(role, world.areas["R2-041"])
            methods = ("get",) if role == "admin" else ("get", "post")
            for method in methods:
                response = signed_in.request(user, method, url)
                cases += 1
                code = response.status_code
                if role == "admin":
                    ok = code in (200, 302, 403, 404)
                else:
                    ok = code == 302 and "/admin/login/" in response["Location"]
                if not ok:
                    mismatches.append(f"admin {url} {role} {method.upper()}: {code}")
    return cases, mismatches
