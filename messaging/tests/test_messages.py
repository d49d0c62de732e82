"""Messages on an area: who reads and writes, what the lead never sees, who is told, documents."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory
from activity.models import ActivityEntry, Notification, Visibility
from activity.tasks import notifications_email
from core.tests.sample_files import PDF
from messaging import services
from messaging.models import Message
from messaging.selectors import threads_awaiting_reply_for, unread_count
from programmes.tests.panels import area_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def rm(area):
    return AreaAssignmentFactory(
        area=area, user=UserFactory(username="rm_a", relationship_manager=True)
    ).user


def _thread(area):
    return reverse("messaging:thread", args=[area.reference])


def test_lead_of_another_area_gets_404(client_for, area, other_area, lead_user):
    other_lead = UserFactory(username="lead_b")
    MembershipFactory(user=other_lead, organisation=other_area.lead_organisation)
    client = client_for(other_lead)
    assert client.get(_thread(area)).status_code == 404
    assert client.post(_thread(area), {"message-body": "hello"}).status_code == 404
    assert not Message.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, area):
    response = client.get(_thread(area))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lead_never_sees_a_staff_note_nor_its_count(client_for, area, lead_user, rm):
    services.message_post(area=area, actor=lead_user, body="When is the plan due?")
    services.message_post(area=area, actor=rm, body="Secret: area at risk", note=True)
    services.message_post(area=area, actor=rm, body="By 1 March.")
    client = client_for(lead_user)
    for url in (_thread(area), area.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "By 1 March." in page
        assert "Secret: area at risk" not in page
        assert "staff note" not in page.lower()
    # The lead's unread count counts the RM's reply, not the note.
    assert unread_count(area=area, user=lead_user) == 0  # read just now by opening the thread
    note = Message.objects.get(kind="note")
    assert (
        client.post(
            reverse("messaging:note_add", args=[area.reference]), {"note-body": "x"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("messaging:attachment_download", args=[area.reference, note.pk])
        ).status_code
        == 404
    )


def test_staff_see_notes_apart_from_the_thread(client_for, area, lead_user, rm):
    services.message_post(area=area, actor=rm, body="Chased the council", note=True)
    page = client_for(rm).get(_thread(area)).content.decode()
    assert "Staff notes" in page and "Chased the council" in page
    area_page = client_for(rm).get(area.get_absolute_url()).content.decode()
    assert "1 staff note" in area_page


def test_timeline_shows_messages_and_notes_only_to_staff(client_for, area, lead_user, rm):
    services.message_post(area=area, actor=lead_user, body="Hello from the lead")
    services.message_post(area=area, actor=rm, body="Private note text", note=True)
    entries = ActivityEntry.objects.filter(area=area, verb__startswith="message.")
    assert {e.verb: e.visibility for e in entries} == {
        "message.posted": Visibility.AREA,
        "message.note_added": Visibility.STAFF,
    }
    lead_timeline = area_panel(client_for(lead_user), area, "timeline")
    assert "wrote to the programme team" in lead_timeline
    assert "Private note text" not in lead_timeline
    assert "Staff note by" not in lead_timeline
    staff_timeline = area_panel(client_for(rm), area, "timeline")
    assert "Staff note by" in staff_timeline


def test_lead_message_notifies_rm_and_programme_managers(
    area, lead_user, rm, programme_manager, funder_officer, django_capture_on_commit_callbacks
):
    colleague = UserFactory(username="lead_colleague")
    MembershipFactory(user=colleague, organisation=area.lead_organisation)
    with django_capture_on_commit_callbacks(execute=False):
        message = services.message_post(
            area=area, actor=lead_user, body="Can we talk about the CBA?"
        )
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"rm_a", "pm"}
    notifications_email(Notification.objects.first().entry_id)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rm.email, programme_manager.email])
    assert "Can we talk about the CBA?" in mail.outbox[0].body
    assert message.from_lead


def test_staff_message_notifies_the_lead_organisation(
    area, lead_user, rm, programme_manager, django_capture_on_commit_callbacks
):
    colleague = UserFactory(username="lead_colleague")
    MembershipFactory(user=colleague, organisation=area.lead_organisation)
    with django_capture_on_commit_callbacks(execute=False):
        services.message_post(area=area, actor=programme_manager, body="Your plan is in review.")
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"lead", "lead_colleague"}


def test_staff_note_never_notifies_the_lead(area, lead_user, rm, programme_manager):
    services.message_post(area=area, actor=programme_manager, body="note", note=True)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"rm_a"}


def test_who_may_write(area, lead_user, rm, funder_officer, finance_officer):
    for user in (
        funder_officer,
        finance_officer,
        UserFactory(username="rm_b", relationship_manager=True),
    ):
        with pytest.raises(PermissionDenied):
            services.message_post(area=area, actor=user, body="hi")
    with pytest.raises(PermissionDenied):
        services.message_post(area=area, actor=lead_user, body="sneaky", note=True)
    assert not Message.objects.exists()


def test_funder_reads_but_cannot_write(client_for, area, lead_user, funder_officer):
    services.message_post(area=area, actor=lead_user, body="Question")
    client = client_for(funder_officer)
    page = client.get(_thread(area)).content.decode()
    assert "Question" in page and "Send message" not in page
    assert client.post(_thread(area), {"message-body": "hi"}).status_code == 403


def test_other_rm_and_finance_are_refused(client_for, area, rm, finance_officer):
    other = UserFactory(username="rm_b", relationship_manager=True)
    assert client_for(other).get(_thread(area)).status_code == 403
    assert client_for(finance_officer).get(_thread(area)).status_code == 403


def test_post_through_the_page_with_a_document(client_for, area, lead_user, rm):
    client = client_for(lead_user)
    upload = SimpleUploadedFile("budget.pdf", PDF, content_type="application/pdf")
    response = client.post(
        _thread(area), {"message-body": "See attached", "message-attachment": upload}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.attachment_name == "budget.pdf" and message.attachment.name.startswith(
        "messages/"
    )
    download = client_for(rm).get(
        reverse("messaging:attachment_download", args=[area.reference, message.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    "name,content",
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.exe", b"MZ\x90\x00"),
        ("renamed.docx", PDF),
    ],
)
def test_invalid_documents_are_refused_and_nothing_posted(
    client_for, area, lead_user, name, content
):
    with pytest.raises(ValidationError):
        services.message_post(
            area=area, actor=lead_user, body="x", uploaded_file=SimpleUploadedFile(name, content)
        )
    response = client_for(lead_user).post(
        _thread(area),
        {"message-body": "x", "message-attachment": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert (
        "cannot be accepted" in response.content.decode() or "Upload a" in response.content.decode()
    )
    assert not Message.objects.exists()


def test_unread_indicator_and_reading_clears_it(client_for, area, lead_user, rm):
    services.message_post(area=area, actor=rm, body="First")
    services.message_post(area=area, actor=rm, body="Second")
    assert unread_count(area=area, user=lead_user) == 2
    client = client_for(lead_user)
    assert "2 new" in client.get(area.get_absolute_url()).content.decode()
    assert Notification.objects.filter(recipient=lead_user, read_at__isnull=True).count() == 2
    client.get(_thread(area))
    assert unread_count(area=area, user=lead_user) == 0
    assert Notification.objects.filter(recipient=lead_user, read_at__isnull=True).count() == 0
    assert "2 new" not in client.get(area.get_absolute_url()).content.decode()


def test_threads_awaiting_reply(area, other_area, lead_user, rm, programme_manager, funder_officer):
    services.message_post(area=area, actor=lead_user, body="Help?")
    assert list(threads_awaiting_reply_for(rm)) == [area]
    assert list(threads_awaiting_reply_for(programme_manager)) == [area]
    assert list(threads_awaiting_reply_for(lead_user)) == []
    assert list(threads_awaiting_reply_for(funder_officer)) == []
    # A staff note is not an answer; a message is.
    services.message_post(area=area, actor=rm, body="note", note=True)
    assert list(threads_awaiting_reply_for(rm)) == [area]
    services.message_post(area=area, actor=rm, body="Here to help.")
    assert list(threads_awaiting_reply_for(rm)) == []
    waiting = list(threads_awaiting_reply_for(lead_user))
    assert waiting == [area] and waiting[0].last_message_by_id == rm.pk


def test_thread_page_queries_do_not_grow(
    client_for, area, lead_user, rm, django_assert_max_num_queries
):
    client = client_for(rm)
    for i in range(3):
        services.message_post(area=area, actor=lead_user, body=f"m{i}")
    with django_assert_max_num_queries(30) as small:
        client.get(_thread(area))
    for i in range(20):
        services.message_post(area=area, actor=lead_user, body=f"n{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_thread(area))


def test_my_work_lists_threads_awaiting_a_reply_until_answered(client_for, area, lead_user, rm):
    """The thread where the lead wrote last is on the relationship manager's My work; once the
    relationship manager replies it leaves theirs and appears on the lead's."""
    from core.mywork import work_for

    heading = "Messages awaiting your reply"
    services.message_post(area=area, actor=lead_user, body="Can we move the visit?")
    assert heading in [g.heading for g in work_for(rm)]
    page = client_for(rm).get(reverse("mywork")).content.decode()
    assert heading in page and _thread(area) in page
    services.message_post(area=area, actor=rm, body="Yes, Thursday.")
    assert heading not in [g.heading for g in work_for(rm)]
    assert heading in [g.heading for g in work_for(lead_user)]
