import pytest
from django.urls import reverse

from programmes.tests.factories import RoundFactory
from reports.models import Audience, JobStatus, ReportJob, ReportKind
from reports.tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


# --- The reports page --------------------------------------------------------------------------


def test_reports_page_needs_login(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_reports_page_lists_forms_recent_and_scheduled_reports(client_for, programme_manager):
    mine = ReportJobFactory(requested_by=programme_manager, succeeded=True)
    monthly = ReportJobFactory(programme=True, scheduled=True, report_date="2026-11-01")
    response = client_for(programme_manager).get(reverse("reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Area progress report" in html and "Programme report" in html
    assert mine.area.name in html and "You" in html
    assert reverse("reports:job_download", args=[mine.pk]) in html
    assert "Monthly programme reports" in html and "1 November 2026" in html
    assert monthly.round.name in html
    assert reverse("reports:export_areas_csv") in html


def test_lead_user_sees_only_own_areas_and_no_programme_form(
    client_for, lead_user, area, other_area
):
    own = ReportJobFactory(area=area, for_lead_organisation=True)
    ReportJobFactory(area=other_area, for_lead_organisation=True)
    staff_edition = ReportJobFactory(area=area, running=True)
    response = client_for(lead_user).get(reverse("reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Request programme report" not in html
    assert area.name in html and other_area.name not in html
    assert reverse("reports:job_detail", args=[own.pk]) in html
    assert reverse("reports:job_detail", args=[staff_edition.pk]) not in html
    assert "Export" not in html
    options = response.context["area_form"].fields["area"].queryset
    assert list(options) == [area]


# Transactional: the request's transaction really commits, so the outbox sends the task before
# the page announces it (inside a test transaction it would still be waiting).
@pytest.mark.django_db(transaction=True)
def test_requesting_from_the_page_creates_a_job_and_redirects(
    client_for, programme_manager, sent_tasks
):
    rnd = RoundFactory()
    response = client_for(programme_manager).post(
        reverse("reports:index"), {"p-round": rnd.pk, "programme_report": "1"}, follow=True
    )
    job = ReportJob.objects.get()
    assert job.kind == ReportKind.PROGRAMME and job.round == rnd
    assert response.redirect_chain[-1][0] == reverse("reports:job_detail", args=[job.pk])
    # The status line follows the job (queued here: the task was recorded, not run).
    assert "Your programme report is queued" in response.content.decode()


def test_an_empty_request_shows_the_error_next_to_the_field(client_for, programme_manager):
    response = client_for(programme_manager).post(
        reverse("reports:index"), {"a-area": "", "area_report": "1"}
    )
    assert response.status_code == 200
    assert response.context["area_form"].errors["area"]
    assert not ReportJob.objects.exists()


def test_lead_user_cannot_post_a_programme_report(client_for, lead_user, sent_tasks):
    client_for(lead_user).post(
        reverse("reports:index"), {"p-round": RoundFactory().pk, "programme_report": "1"}
    )
    assert not ReportJob.objects.exists()


def test_repeated_request_says_the_report_is_already_being_made(
    client_for, programme_manager, area, sent_tasks
):
    existing = ReportJobFactory(area=area, running=True)
    client = client_for(programme_manager)
    response = client.post(reverse("reports:area_request", args=[area.reference]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:job_detail", args=[existing.pk])
    body = response.content.decode()
    assert "had already been asked for" in body
    assert "This area progress report is being prepared." in body  # another manager asked


# --- The area page button ----------------------------------------------------------------------


def test_area_page_offers_the_report_to_staff_and_the_areas_lead_organisation(
    client_for, relationship_manager, lead_user, area
):
    url = reverse("programmes:area_detail", args=[area.reference])
    button = reverse("reports:area_request", args=[area.reference])
    assert button in client_for(relationship_manager).get(url).content.decode()
    assert button in client_for(lead_user).get(url).content.decode()


def test_lead_user_request_from_area_page_makes_their_own_edition(client_for, lead_user, area):
    response = client_for(lead_user).post(reverse("reports:area_request", args=[area.reference]))
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert job.area == area
    assert job.audience != "staff"


def test_area_request_for_another_area_is_404_for_lead_user(client_for, lead_user, other_area):
    response = client_for(lead_user).post(
        reverse("reports:area_request", args=[other_area.reference])
    )
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_area_request_needs_post(client_for, programme_manager, area):
    response = client_for(programme_manager).get(
        reverse("reports:area_request", args=[area.reference])
    )
    assert response.status_code == 405


# --- Job page, progress partial, retry, download -----------------------------------------------


def test_job_page_needs_login(client):
    job = ReportJobFactory()
    response = client.get(reverse("reports:job_detail", args=[job.pk]))
    assert response.status_code == 302


def test_job_page_polls_while_running(client_for, programme_manager):
    job = ReportJobFactory(running=True)
    html = client_for(programme_manager).get(reverse("reports:job_detail", args=[job.pk]))
    html = html.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("reports:job_progress", args=[job.pk])}"' in html
    assert 'aria-valuenow="40"' in html and "Gathering stage history" in html


def test_progress_partial_returns_the_bar_while_running(client_for, programme_manager):
    job = ReportJobFactory(running=True)
    response = client_for(programme_manager).get(reverse("reports:job_progress", args=[job.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'role="progressbar"' in html and 'data-progress="40"' in html
    assert 'hx-trigger="every 1s"' in html


def test_progress_partial_stops_polling_and_offers_download_when_done(
    client_for, programme_manager
):
    job = ReportJobFactory(succeeded=True)
    html = client_for(programme_manager).get(reverse("reports:job_progress", args=[job.pk]))
    html = html.content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert reverse("reports:job_download", args=[job.pk]) in html


def test_failed_job_shows_the_error_and_a_retry_button(client_for, programme_manager):
    job = ReportJobFactory(failed=True)
    html = client_for(programme_manager).get(reverse("reports:job_progress", args=[job.pk]))
    html = html.content.decode()
    assert "hx-trigger" not in html
    assert "disk full" in html
    assert reverse("reports:job_retry", args=[job.pk]) in html


def test_retry_requeues_and_sends_a_new_task(
    client_for, programme_manager, sent_tasks, django_capture_on_commit_callbacks
):
    job = ReportJobFactory(failed=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(programme_manager).post(reverse("reports:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.error == ""
    assert sent_tasks == [job.pk]


def test_retry_of_a_running_job_is_refused(client_for, programme_manager, sent_tasks):
    job = ReportJobFactory(running=True)
    client_for(programme_manager).post(reverse("reports:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and sent_tasks == []


def test_staff_can_download_any_finished_report_in_the_edition_theirs_to_read(
    client_for, programme_manager, relationship_manager
):
    job = ReportJobFactory(succeeded=True)
    response = client_for(programme_manager).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert job.area.reference in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # A relationship manager who does not look after the area reads only the lead organisations'
    # edition of its report: the staff edition carries its risks and contact notes (issue 11).
    staff_url = reverse("reports:job_download", args=[job.pk])
    assert client_for(relationship_manager).get(staff_url).status_code == 404
    public = ReportJobFactory(area=job.area, for_lead_organisation=True, succeeded=True)
    public_url = reverse("reports:job_download", args=[public.pk])
    assert client_for(relationship_manager).get(public_url).status_code == 200


def test_lead_user_downloads_own_areas_lead_edition(client_for, lead_user, area):
    job = ReportJobFactory(area=area, for_lead_organisation=True, succeeded=True)
    response = client_for(lead_user).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("view", ["job_detail", "job_progress", "job_download", "job_retry"])
def test_lead_user_gets_404_for_another_areas_report(client_for, lead_user, other_area, view):
    job = ReportJobFactory(area=other_area, for_lead_organisation=True, succeeded=True)
    client = client_for(lead_user)
    url = reverse(f"reports:{view}", args=[job.pk])
    response = client.post(url) if view == "job_retry" else client.get(url)
    assert response.status_code == 404


def test_lead_user_gets_404_for_the_staff_edition_of_own_area(client_for, lead_user, area):
    job = ReportJobFactory(area=area, audience=Audience.STAFF, succeeded=True)
    response = client_for(lead_user).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 404


def test_lead_user_gets_404_for_programme_reports(client_for, lead_user):
    job = ReportJobFactory(programme=True, succeeded=True)
    response = client_for(lead_user).get(reverse("reports:job_detail", args=[job.pk]))
    assert response.status_code == 404


def test_download_of_an_unfinished_report_is_404(client_for, programme_manager):
    job = ReportJobFactory(running=True)
    response = client_for(programme_manager).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 404


def test_reports_in_the_menu_for_managers_not_for_lead_users(
    client_for, programme_manager, lead_user, area
):
    url = reverse("reports:index")
    pm_page = client_for(programme_manager).get(reverse("programmes:area_list"))
    assert f'href="{url}"' in pm_page.content.decode()
    lead_page = client_for(lead_user).get(reverse("programmes:my_areas"), follow=True)
    assert f'href="{url}"' not in lead_page.content.decode()


def test_reports_page_query_count_does_not_grow_with_jobs(
    client_for, programme_manager, django_assert_max_num_queries
):
    client = client_for(programme_manager)
    ReportJobFactory.create_batch(2, succeeded=True)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("reports:index"))
    ReportJobFactory.create_batch(15, succeeded=True)
    ReportJobFactory.create_batch(5, programme=True, scheduled=True, report_date="2026-10-01")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("reports:index"))


def test_staff_type_an_area_reference_and_lead_users_choose_from_their_own(
    client_for, programme_manager, lead_user, area, other_area, sent_tasks
):
    staff = client_for(programme_manager)
    page = staff.get(reverse("reports:index")).content.decode()
    assert 'name="a-area"' in page and other_area.name not in page  # no list of every area
    response = staff.post(reverse("reports:index"), {"a-area": "NOPE-1", "area_report": "1"})
    assert "There is no area with that reference." in response.content.decode()
    response = staff.post(
        reverse("reports:index"), {"a-area": other_area.reference, "area_report": "1"}
    )
    assert ReportJob.objects.get().area == other_area

    lead = client_for(lead_user)
    page = lead.get(reverse("reports:index")).content.decode()
    assert f'<option value="{area.reference}">' in page and other_area.reference not in page
    response = lead.post(
        reverse("reports:index"), {"a-area": other_area.reference, "area_report": "1"}
    )
    assert "There is no area with that reference." in response.content.decode()
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize(
    "state, says, never",
    [
        ({}, "Your area progress report is queued", "being prepared"),
        ({"running": True}, "Your area progress report is being prepared.", "is ready"),
        ({"succeeded": True}, "Your area progress report is ready", "being prepared"),
        ({"failed": True}, "Your area progress report could not be made", "being prepared"),
    ],
)
def test_the_status_line_follows_the_job(client_for, programme_manager, area, state, says, never):
    """Issue 14: after asking for a report the page said "being prepared" even once it was
    ready. The line is part of the polled panel, so the page and each poll say the same."""
    job = ReportJobFactory(area=area, requested_by=programme_manager, **state)
    client = client_for(programme_manager)
    for name in ("reports:job_detail", "reports:job_progress"):
        body = client.get(reverse(name, args=[job.pk])).content.decode()
        line = body[body.index('id="job-state"') :].split("</p>", 1)[0]
        assert says in line
        assert never not in body
