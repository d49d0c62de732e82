import uuid

from django import forms

from core.text import NOTE_CHARS, TextBox
from core.uploads import accept_attribute, check_upload
from plans.models import MAX_ATTACHMENT_BYTES
from plans.services.attachments import ATTACHMENT_EXTENSIONS


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=NOTE_CHARS, label="Message", widget=TextBox(attrs={"rows": 4})
    )
    # A fresh token each time the empty form is shown; a form shown again with its errors keeps
    # its own. The same token posted twice makes one message (message_post).
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    attachment = forms.FileField(
        label="Attach a document",
        required=False,
        help_text="Optional: PDF, DOCX, XLSX or ODT, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(ATTACHMENT_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4

    def clean_attachment(self):
        # The check the service makes again, so the message shows before anything is stored.
        file = self.cleaned_data.get("attachment")
        if file:
            check_upload(file, allowed=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES)
        return file


class NoteForm(MessageForm):
    body = forms.CharField(
        max_length=NOTE_CHARS,
        label="Staff note",
        help_text="Seen by programme staff only, never by the lead organisation.",
        widget=TextBox(attrs={"rows": 3}),
    )
