"""The deployment files in deploy/ (README, "Production deployment"): what can be checked without
starting the stack. `make prod-check` runs the stack itself."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.app.base import Application
from gunicorn.config import Config

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"


class _ConfigOnly(Application):
    """gunicorn's own loader, reading the file as `gunicorn -c` does, without starting."""

    def __init__(self):
        self.cfg = Config()

    def load_config(self):
        pass

    def load(self):
        pass


def _gunicorn_settings() -> Config:
    app = _ConfigOnly()
    app.load_config_from_file(str(DEPLOY / "gunicorn.conf.py"))
    return app.cfg


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "2")
    cfg = _gunicorn_settings()
    assert cfg.bind == ["127.0.0.1:8123"]
    assert (cfg.workers, cfg.threads) == (3, 2)
    assert cfg.timeout == 60
    # Only the local proxy is trusted to say the request came over https.
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    # The app logs each request as JSON (core/logs.py); gunicorn's access log would repeat it.
    assert cfg.accesslog is None
    assert cfg.worker_tmp_dir == "/dev/shm"


def test_gunicorn_accepts_the_file_and_finds_the_site():
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "ourplace.wsgi:application",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _variables_read_by_settings() -> set[str]:
    names = set()
    for path in (ROOT / "ourplace/settings").glob("*.py"):
        if path.name == "test.py":
            continue
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    source = (ROOT / "ourplace/settings/base.py").read_text()
    names |= set(re.findall(r'\("\w+", "(AWS_[A-Z_]+)"\)', source))
    for path in (ROOT / "ourplace/celery.py", DEPLOY / "gunicorn.conf.py"):
        names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    return names


def test_the_environment_file_example_lists_every_production_variable():
    example = (DEPLOY / "ourplace.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    # Laptop and test-suite switches, never set on a production site.
    local_only = {"DJANGO_DEBUG", "SQLITE_TIMEOUT", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND"}
    missing = _variables_read_by_settings() - listed - local_only
    assert not missing, f"add to deploy/ourplace.env.example: {sorted(missing)}"
    for required in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "REDIS_URL"):
        assert re.search(rf"^{required}=", example, flags=re.MULTILINE), required


def _megabytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_nginx_takes_the_largest_upload_the_app_accepts():
    from applications.models import EVIDENCE_MAX_BYTES
    from core.uploads import MAX_UPLOAD_BYTES
    from plans.models import MAX_ATTACHMENT_BYTES
    from reports.imports.forms import MAX_IMPORT_BYTES

    conf = (DEPLOY / "nginx/ourplace.conf").read_text()
    limit = _megabytes(re.search(r"client_max_body_size\s+(\w+);", conf).group(1))
    largest = max(MAX_UPLOAD_BYTES, EVIDENCE_MAX_BYTES, MAX_ATTACHMENT_BYTES, MAX_IMPORT_BYTES)
    assert largest < limit <= largest + 2 * 1024 * 1024


def test_exactly_one_beat_among_the_units():
    commands = {
        p.name: re.search(r"^ExecStart=(.*)$", p.read_text(), flags=re.MULTILINE).group(1)
        for p in (DEPLOY / "systemd").glob("*.service")
    }
    beats = [name for name, command in commands.items() if re.search(r" beat | -B\b", command)]
    assert beats == ["ourplace-beat.service"]
    assert "--schedule=" in commands["ourplace-beat.service"]


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_logs_go_to_standard_output(log_format):
    code = (
        "import logging, logging.config\n"
        "from core.logs import logging_config\n"
        f"logging.config.dictConfig(logging_config(log_format={log_format!r}, level='INFO'))\n"
        "logging.getLogger('ourplace.request').info('hello from the test')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "hello from the test" in done.stdout
    assert "hello from the test" not in done.stderr


def _runtime_requirements() -> set[str]:
    """Distribution names above "# Development and tests" in requirements.txt: what the image
    installs (the Dockerfile drops the rest)."""
    text = (ROOT / "requirements.txt").read_text()
    assert "\n# Development and tests\n" in text, "the Dockerfile cuts requirements.txt there"
    runtime = text.split("\n# Development and tests\n")[0]
    names = set()
    for line in runtime.splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[\[=<>~!; ]", line)[0].lower().replace("_", "-"))
    return names


def test_the_image_installs_every_package_the_running_code_imports():
    """The image has only the runtime half of requirements.txt: every third-party module that
    code outside the tests imports must come from a distribution listed there."""
    import ast
    from importlib.metadata import packages_distributions

    from core.tests.test_architecture import APPS, _sources

    runtime = _runtime_requirements()
    provided = packages_distributions()
    stdlib = sys.stdlib_module_names
    ours = {*APPS, "ourplace", "bench", "tests_browser", "tests_access", "conftest"}
    missing = {}
    from ourplace.settings.base import with_metrics_middleware

    named = [*settings.INSTALLED_APPS, *with_metrics_middleware(settings.MIDDLEWARE)]
    for dotted in named:
        top = dotted.split(".")[0]
        dists = {d.lower().replace("_", "-") for d in provided.get(top, [])}
        if top not in ours and top not in stdlib and not dists & runtime:
            missing.setdefault(top, "settings")
    for path in [*_sources([*APPS, "ourplace"]), ROOT / "manage.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in stdlib or top in ours or top == "__future__":
                    continue
                dists = {d.lower().replace("_", "-") for d in provided.get(top, [])}
                if not dists & runtime:
                    missing.setdefault(top, path.relative_to(ROOT).as_posix())
    assert not missing, f"imported at run time but only in the development half: {missing}"
