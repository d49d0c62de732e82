"""The evaluation's two questionnaires, as data (issue 15; ``shared/DOMAIN.md``): the lead
organisations' survey and the partners' survey. `standard_survey_create` in
``surveys/services/surveys.py`` writes them for a round; the scales and item lists are shared rows
that are created once.

A question is (code, text, kind, choice set, item list, follow-up of, shown when). Choice sets are
[(code, label, tone)], item lists [(code, label)].
"""

from plans.models import FundingSource

P, N, X = "positive", "negative", "neutral"

CHOICE_SETS = {
    "Difficulty": [
        ("very_easy", "Very easy", P),
        ("quite_easy", "Quite easy", P),
        ("quite_difficult", "Quite difficult", N),
        ("very_difficult", "Very difficult", N),
        ("not_applicable", "Not applicable", X),
    ],
    "Helpfulness": [
        ("very_helpful", "Very helpful", P),
        ("quite_helpful", "Quite helpful", P),
        ("not_very_helpful", "Not very helpful", N),
        ("not_at_all_helpful", "Not at all helpful", N),
        ("did_not_use", "Did not use", X),
    ],
    "Involvement": [
        ("very", "Very involved", P),
        ("quite", "Quite involved", P),
        ("not_very", "Not very involved", N),
        ("not_at_all", "Not at all involved", N),
    ],
    "Significance": [
        ("very", "Very significant", P),
        ("quite", "Quite significant", P),
        ("not_very", "Not very significant", N),
        ("not_at_all", "Not at all significant", N),
        ("not_involved", "Not involved in this", X),
    ],
    "Reasons a stage was difficult": [
        ("staff_resources", "Pressures on our own staff resources", X),
        ("technical", "Technically difficult", X),
        ("deadlines", "Deadlines were unrealistic", X),
        ("guidance", "Quality of guidance (not enough or unclear)", X),
        ("engagement", "Lack of engagement", X),
        ("too_ambitious", "Plan became too ambitious or unrealistic", X),
    ],
    # Codes are the progress returns' statuses, so answers can be set beside the records.
    "Implementation status": [
        ("ahead", "Ahead of schedule", P),
        ("on_schedule", "On schedule", P),
        ("behind", "Behind schedule", N),
        ("not_started", "Not started", N),
    ],
    "Secured against plan": [
        ("more", "More than planned", P),
        ("as_planned", "As planned", P),
        ("less", "Less than planned", N),
        ("none", "None", N),
    ],
    "Budget arrangement": [
        ("pooled", "Pooled", X),
        ("aligned", "Aligned", X),
        ("neither", "Neither", X),
    ],
    "Yes or no": [("yes", "Yes", X), ("no", "No", X)],
}

ITEM_LISTS = {
    "Stages of the process": [
        ("application", "Initial application"),
        ("strategy", "Development strategy (first key milestone)"),
        ("logic_model", "Logic model"),
        ("draft_plan", "Draft operational plan"),
        ("final_plan", "Final operational plan"),
        ("cba", "Cost benefit analysis (if one was done)"),
    ],
    "Types of support": [
        ("cash_grants", "Cash grants"),
        ("consultancy_days", "Additional five days of consultancy"),
        ("relationship_manager", "Relationship manager"),
        ("cba_training", "CBA training"),
        ("peer_review_events", "Peer review events"),
        ("peer_review_process", "Peer review process"),
        ("induction", "Induction events"),
        ("webinars", "Webinars"),
        ("regional_hubs", "Regional peer learning hubs"),
        ("online_resources", "Online resources"),
        ("champions", "Champions network"),
    ],
    "Statutory partners": [
        ("local_authority", "Local authority"),
        ("nhs", "NHS and clinical commissioning groups"),
        ("police", "Police or probation"),
    ],
    "Community involvement": [
        ("planning", "Planning and decision-making"),
        ("services", "Designing and delivering services"),
        ("consultation", "Consultation"),
    ],
    # Codes are the funding records' sources, so answers can be set beside the records.
    "Sources of funding": [(s.value, s.label) for s in FundingSource],
    "Processes a partner took part in": [
        ("application", "Initial application"),
        ("strategy", "Development strategy"),
        ("logic_model", "Logic model"),
        ("plan", "Operational plan"),
        ("cba", "Cost benefit analysis"),
        ("implementation", "Implementation"),
    ],
}

DIFFICULT = ["quite_difficult", "very_difficult"]

LEAD_QUESTIONS = [
    (
        "stage_difficulty",
        "How easy or difficult was each stage?",
        "scale",
        "Difficulty",
        "Stages of the process",
        None,
        [],
    ),
    (
        "stage_reasons",
        "Why was it difficult? (tick all that apply)",
        "multiple",
        "Reasons a stage was difficult",
        "Stages of the process",
        "stage_difficulty",
        DIFFICULT,
    ),
    (
        "support_helpfulness",
        "How helpful was each type of support?",
        "scale",
        "Helpfulness",
        "Types of support",
        None,
        [],
    ),
    (
        "partner_involvement",
        "How involved were the statutory partners up to the plan?",
        "scale",
        "Involvement",
        "Statutory partners",
        None,
        [],
    ),
    (
        "community_involvement",
        "How involved was the community?",
        "scale",
        "Involvement",
        "Community involvement",
        None,
        [],
    ),
    (
        "implementation_status",
        "How is implementation going against the plan?",
        "single",
        "Implementation status",
        None,
        None,
        [],
    ),
    (
        "funding_secured",
        "Funding secured since sign-off, against the plan, by source",
        "single",
        "Secured against plan",
        "Sources of funding",
        None,
        [],
    ),
    (
        "funding_arrangement",
        "Was the funding from this source pooled or aligned?",
        "single",
        "Budget arrangement",
        "Sources of funding",
        "funding_secured",
        ["more", "as_planned", "less"],
    ),
    ("comments", "Anything else you would like to tell us?", "text", None, None, None, []),
]

PARTNER_QUESTIONS = [
    (
        "involvement_significance",
        "How significant was your involvement in each process?",
        "scale",
        "Significance",
        "Processes a partner took part in",
        None,
        [],
    ),
    (
        "involvement_difficult",
        "Was your involvement difficult at any point?",
        "single",
        "Yes or no",
        None,
        None,
        [],
    ),
    (
        "difficulty_reasons",
        "Why was it difficult? (tick all that apply)",
        "multiple",
        "Reasons a stage was difficult",
        None,
        "involvement_difficult",
        ["yes"],
    ),
    ("comments", "Anything else you would like to tell us?", "text", None, None, None, []),
]

STANDARD = {
    "lead": {
        "title": "Lead organisation survey",
        "audience": "lead",
        "introduction": (
            "About nine months into implementation we ask every lead organisation how the "
            "programme went: how hard each stage was, which support helped, who was involved "
            "and where implementation and funding stand. It takes about 15 minutes; your "
            "answers are saved as a draft until you send them."
        ),
        "questions": LEAD_QUESTIONS,
    },
    "partner": {
        "title": "Partner survey",
        "audience": "partner",
        "introduction": (
            "The lead organisation named you as a partner. We would like to know how "
            "significant your involvement was and what made it difficult. It takes about five "
            "minutes; no account is needed."
        ),
        "questions": PARTNER_QUESTIONS,
    },
}
