"""Password rules that know who the password is for (see AUTH_PASSWORD_VALIDATORS)."""

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from core.workflow import user_role

# Roles whose accounts approve money, see every area or run the site. Compared as strings so a role
# added later (finance officer) counts as soon as it exists.
STAFF_PASSWORD_ROLES = frozenset(
    {"programme_manager", "funder_officer", "finance_officer", "relationship_manager", "admin"}
)

# Look-alike characters people use to dress up a common word.
_LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)


class RoleMinimumLengthValidator:
    """At least `staff_length` characters for staff roles, `other_length` for everyone else."""

    def __init__(self, staff_length: int = 12, other_length: int = 10):
        self.staff_length = staff_length
        self.other_length = other_length

    def length_for(self, user) -> int:
        if user is not None and (user_role(user) in STAFF_PASSWORD_ROLES or user.is_superuser):
            return self.staff_length
        return self.other_length

    def validate(self, password, user=None):
        length = self.length_for(user)
        if len(password) < length:
            raise ValidationError(
                f"This password is too short. It must contain at least {length} characters.",
                code="password_too_short",
                params={"min_length": length},
            )

    def get_help_text(self):
        return (
            f"Your password must contain at least {self.other_length} characters "
            f"({self.staff_length} for staff accounts)."
        )


class GuessablePasswordValidator:
    """Refuses what breached-password lists are full of: a common password with digits or symbols
    around it or look-alike letters inside ("Password2024!", "p@ssw0rd123", "qwerty-123456"), and
    one character or a short pattern repeated ("aaaaaaaaaaaa", "abcabcabcabc")."""

    def __init__(self):
        self.common = CommonPasswordValidator().passwords

    def _core_words(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        stripped = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
        words = {lowered, stripped, lowered.translate(_LOOKALIKES)}
        words.add(re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered.translate(_LOOKALIKES)))
        words.add(re.sub(r"[\W_]+", "", stripped))
        return {w for w in words if len(w) >= 4}

    def validate(self, password, user=None):
        if re.fullmatch(r"(.{1,4})\1{2,}", password.lower()):
            raise ValidationError(
                "This password is a short pattern repeated: choose something less predictable.",
                code="password_repetitive",
            )
        if self._core_words(password) & self.common:
            raise ValidationError(
                "This password is a common password with a few characters changed or added: "
                "breached-password lists try these first.",
                code="password_too_common",
            )

    def get_help_text(self):
        return "Your password can’t be a common password with digits or symbols added."
