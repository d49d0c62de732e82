"""The programme report's survey chapter: each survey of the round with answers, its response
rate and, for every scale question, the stacked bars overall and by organisation type group
(small groups suppressed), drawn as static SVG by ``surveys.charts``."""

from surveys import charts, figures, selectors

from .base import ReportContext


def programme_surveys(ctx: ReportContext) -> dict | None:
    surveys = selectors.round_surveys_with_answers(round=ctx.round)
    if not surveys:
        return None
    chapters = []
    for survey in surveys:
        figs = figures.survey_figures(survey=survey)
        for figure in figs:
            for panel in figure["panels"]:
                panel.svg = None if panel.suppressed else charts.stacked_bars(figure, panel)
        chapters.append(
            {
                "survey": survey,
                "rate": selectors.tracking(survey=survey)["area_rate"],
                "figures": figs,
            }
        )
    return {"chapters": chapters, "min_group": figures.MIN_GROUP}
