"""Password rules: common and breached-looking passwords refused; 12 characters for staff, 10 for
lead organisation users."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _refused(password, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    "fixture", ["programme_manager", "funder_officer", "relationship_manager", "admin_user"]
)
def test_staff_need_twelve_characters(request, fixture):
    user = request.getfixturevalue(fixture)

    assert "at least 12 characters" in _refused("kettle-moth", user)  # 11
    validate_password("kettle-moths", user)  # 12


def test_lead_users_need_ten_characters(lead_user):
    assert "at least 10 characters" in _refused("kettle-mo", lead_user)  # 9
    validate_password("kettle-mot", lead_user)  # 10


def test_a_new_user_without_a_role_yet_gets_the_lead_minimum():
    assert "at least 10 characters" in _refused("kettle-mo")


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop12", "iloveyou1234"])
def test_common_passwords_are_refused(password, programme_manager):
    assert "common" in _refused(password, programme_manager)


@pytest.mark.parametrize(
    "password",
    ["Password2024!", "P@ssw0rd12345", "qwerty-123456", "!!Sunshine2025", "Liverpool1892!"],
)
def test_common_passwords_dressed_up_are_refused(password, programme_manager):
    assert "common password" in _refused(password, programme_manager)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaaaa", "abcabcabcabcabc", "121212121212"])
def test_repeated_patterns_are_refused(password, programme_manager):
    _refused(password, programme_manager)


@pytest.mark.parametrize(
    "password", ["ourplace-demo", "a-much-longer-passphrase-2026", "heron kettle 47 quay"]
)
def test_unusual_passphrases_pass(password, programme_manager):
    validate_password(password, programme_manager)


def test_a_superuser_with_a_lead_role_counts_as_staff():
    user = UserFactory(username="root", is_superuser=True)

    assert "at least 12 characters" in _refused("kettle-moth", user)


def test_password_change_page_applies_the_staff_length(client_for, programme_manager):
    page = client_for(programme_manager).post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "kettle-moth",
            "new_password2": "kettle-moth",
        },
    )

    assert page.status_code == 200
    assert "at least 12 characters" in page.content.decode()
