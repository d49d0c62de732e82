"""load_demo creates users with known passwords: under production settings it refuses unless
--force says this really is a demonstration site (issue 22)."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User


@pytest.mark.django_db
def test_load_demo_refuses_under_production_settings(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="Refusing to load the demo under production"):
        call_command("load_demo")

    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_load_demo_runs_under_production_settings_when_forced(settings):
    settings.PRODUCTION = True

    with mock.patch("demo.management.commands.load_demo.load_demo", return_value=None) as load:
        call_command("load_demo", "--force")

    load.assert_called_once_with()
