"""Who may see what of an organisation beyond its public record.

An organisation's contact details (email, phone, postal address) are personal data of the people
who run small community groups: only programme staff and the organisation's own users see them.
Anyone else who may see the organisation at all (a lead organisation user whose area it partners)
sees its name, type and public identifiers. Adding an organisation as a partner therefore never
reveals how to contact it.
"""

from accounts import permissions as perms

Decision = tuple[bool, str]


def can_see_contact_details(user, organisation) -> Decision:
    if perms.is_programme_staff(user):
        return True, ""
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(user, organisation.pk):
        return True, ""
    return False, "Contact details are shown only to the organisation's own users and to staff."
