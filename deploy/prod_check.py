"""`make prod-check`: the deployment in deploy/ run for real on this machine, and used.

On a fresh PostgreSQL database, with production settings and nothing changed in them: the release
step (deploy/release.sh), then nginx with TLS (a self-signed certificate made now) in front of two
gunicorn processes (deploy/gunicorn.conf.py, each in a working directory of its own, one shared
private storage), a Celery worker, beat (and a second beat, which must stand by) and an SMTP
server (aiosmtpd). Then, through nginx: the probes, a programme manager's sign-in with a second
factor, a programme report PDF made by the worker and downloaded through both web processes, a
password reset email with a link that works, and the request id in the web processes' JSON logs.

Needs: nginx, openssl, PostgreSQL (PRODCHECK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ourplace_prodcheck: dropped and created again) and Redis
(PRODCHECK_REDIS_URL, default redis://127.0.0.1:6379/13: emptied). Installs nothing. Prints PASS or
FAIL per step, stops every process it started, exits 1 on any failure (keeping its folder of logs).
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import redis
import requests
import urllib3
from aiosmtpd.controller import Controller
from django_otp.oath import TOTP
from prod_check_metrics import metrics_check
from prod_check_nginx import nginx_config, self_signed_certificate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "PRODCHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ourplace_prodcheck"
)
REDIS_URL = os.environ.get("PRODCHECK_REDIS_URL", "redis://127.0.0.1:6379/13")
WAIT = float(os.environ.get("PRODCHECK_WAIT_SECONDS", 90))
HOST = "localhost"

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


class CheckFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, condition, *, seconds: float = WAIT, poll: float = 0.5):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (requests.RequestException, OSError) as error:
            value, last = None, error
        if value:
            return value
        time.sleep(poll)
    raise CheckFailed(f"{what}: not within {seconds:.0f} s" + (f" ({last})" if last else ""))


class Mailbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class Stack:
    """Every process started here, each in a process group of its own, and its log files."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env, self.procs = folder, env, {}

    def start(self, name: str, command: list, *, cwd: Path | None = None) -> None:
        workdir = cwd or self.folder / name
        workdir.mkdir(parents=True, exist_ok=True)
        out = (self.folder / f"{name}.out").open("w")
        err = (self.folder / f"{name}.err").open("w")
        self.procs[name] = subprocess.Popen(
            command, cwd=workdir, env=self.env, stdout=out, stderr=err, start_new_session=True
        )

    def output(self, name: str) -> str:
        return (self.folder / f"{name}.out").read_text(errors="replace")

    def all_output(self, name: str) -> str:
        return self.output(name) + (self.folder / f"{name}.err").read_text(errors="replace")

    def check_running(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise CheckFailed(f"{name} stopped (exit {proc.returncode})")

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            # Children left in the group (a pool process) go with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def fresh_database() -> None:
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


SEED = """
import datetime, os
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Role, User
from programmes.reference import standard_programme_seed
from programmes.services import round_create
from programmes.models import Round
today = datetime.date.today()
round_ = round_create(
    programme=standard_programme_seed(), slug="prod-check", name="Prod check round",
    opens_on=today - datetime.timedelta(days=60), closes_on=today + datetime.timedelta(days=30),
    starts_on=today - datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=300),
    status=Round.Status.LIVE,
)
manager = User.objects.create_user(
    "prodcheck-pm", "pm@prodcheck.example.org", os.environ["PRODCHECK_PASSWORD"],
    role=Role.PROGRAMME_MANAGER, first_name="Petra", last_name="Manager",
)
TOTPDevice.objects.create(
    user=manager, name="Authenticator app", key=os.environ["PRODCHECK_TOTP_KEY"], confirmed=True
)
User.objects.create_user(
    "prodcheck-lead", "lead@prodcheck.example.org", os.environ["PRODCHECK_PASSWORD"],
    role=Role.LEAD_ORGANISATION,
)
print("ROUND", round_.pk)
"""


def tls_session() -> requests.Session:
    """A client for the self-signed certificate; trust_env off, or REQUESTS_CA_BUNDLE in the
    environment would turn verification back on (and a proxy variable would take localhost)."""
    session = requests.Session()
    session.verify = False
    session.trust_env = False
    return session


def csrf_post(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    page = session.get(url)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        raise CheckFailed(f"no CSRF token on {url}")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token.group(1), **data},
        headers={"Referer": url, "Origin": origin},
        **kwargs,
    )


def main() -> int:
    results: list[tuple[str, bool, str]] = []
    folder = Path(tempfile.mkdtemp(prefix="ourplace-prodcheck-"))
    folder.chmod(0o755)  # nginx's workers (another user when run as root) read the static files
    started = time.monotonic()
    ports = {k: free_port() for k in ("smtp", "http", "https", "web1", "web2")}
    https = f"https://{HOST}:{ports['https']}"
    password = "Prod-check " + secrets.token_urlsafe(12)
    totp_key = secrets.token_hex(20)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ourplace.settings.production",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "CACHE_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{ports['smtp']}",
            "PRIVATE_STORAGE_ROOT": str(folder / "private"),
            "STATIC_ROOT": str(folder / "static"),
            "BACKUP_DIR": str(folder / "backups"),
            "BACKUP_KEY": secrets.token_urlsafe(32),
            "SITE_URL": https,
            "CSRF_TRUSTED_ORIGINS": https,
            "AXES_IPWARE_PROXY_COUNT": "1",
            "LOG_FORMAT": "json",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "PRODCHECK_PASSWORD": password,
            "PRODCHECK_TOTP_KEY": totp_key,
            "METRICS_TOKEN": secrets.token_urlsafe(24),
        }
    )
    stack = Stack(folder, env)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=ports["smtp"])
    web = tls_session()
    state: dict = {}

    def run(command: list, **kwargs) -> str:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs
        )
        if done.returncode != 0:
            raise CheckFailed(
                f"{' '.join(command[:3])}... exit {done.returncode}:\n"
                f"{(done.stdout + done.stderr)[-3000:]}"
            )
        return done.stdout

    def step_database():
        fresh_database()
        return f"{urlsplit(DATABASE_URL).path.lstrip('/')} created, Redis database emptied"

    def step_release():
        out = run(["bash", str(ROOT / "deploy/release.sh")], input="")
        if "release: done" not in out:
            raise CheckFailed(out[-2000:])
        return "migrate, collectstatic, check --deploy --fail-level WARNING"

    def step_seed():
        out = run([sys.executable, "manage.py", "shell", "-c", SEED])
        state["round"] = re.search(r"ROUND (\d+)", out).group(1)
        return "a live round, a programme manager with a TOTP device, a lead organisation user"

    def step_start():
        smtp.start()
        cert, key = self_signed_certificate(folder, host=HOST)
        for name in ("web1", "web2"):
            stack.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{ports[name]}"}
            stack.start(
                name,
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy/gunicorn.conf.py"),
                    "ourplace.wsgi:application",
                ],
            )
        stack.env = env
        stack.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "ourplace",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--hostname=prodcheck@%h",
            ],
        )
        stack.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "ourplace",
                "beat",
                "--loglevel=INFO",
                f"--schedule={folder / 'beat' / 'schedule'}",
            ],
        )
        config = nginx_config(
            folder / "nginx",
            http=ports["http"],
            https=ports["https"],
            webs=[ports["web1"], ports["web2"]],
            cert=cert,
            key=key,
            static=folder / "static",
            host=HOST,
        )
        run(["nginx", "-t", "-c", str(config), "-p", str(folder / "nginx")])
        stack.start("nginx", ["nginx", "-c", str(config), "-p", str(folder / "nginx")])
        for name in ("web1", "web2"):
            wait_for(
                f"{name} answering",
                lambda n=name: (
                    requests.get(f"http://127.0.0.1:{ports[n]}/healthz", timeout=5).status_code
                    == 200
                ),
            )
        wait_for("beat holding its lock", lambda: "holds the beat lock" in stack.all_output("beat"))
        stack.check_running()
        return f"nginx :{ports['http']}/:{ports['https']}, gunicorn :{ports['web1']} and :{ports['web2']}, worker, beat, SMTP :{ports['smtp']}"

    def step_second_beat():
        stack.start(
            "beat2",
            [
                str(BIN / "celery"),
                "-A",
                "ourplace",
                "beat",
                "--loglevel=INFO",
                f"--schedule={folder / 'beat2' / 'schedule'}",
            ],
        )
        wait_for(
            "the second beat standing by",
            lambda: "another beat holds the lock" in stack.all_output("beat2"),
        )
        if "Sending due task" in stack.all_output("beat2"):
            raise CheckFailed("the second beat sent a task")
        return "a second beat stands by and sends nothing"

    def step_probes():
        plain = requests.get(
            f"http://127.0.0.1:{ports['http']}/healthz",
            allow_redirects=False,
            headers={"Host": HOST},
            timeout=10,
        )
        if plain.status_code != 200:
            raise CheckFailed(f"http /healthz answered {plain.status_code}")
        other = requests.get(
            f"http://127.0.0.1:{ports['http']}/accounts/login/",
            allow_redirects=False,
            headers={"Host": HOST},
            timeout=10,
        )
        if other.status_code != 301 or not other.headers["Location"].startswith("https://"):
            raise CheckFailed(
                f"http /accounts/login/ answered {other.status_code}, not a redirect to https"
            )
        if web.get(f"{https}/healthz", timeout=10).status_code != 200:
            raise CheckFailed("https /healthz not 200")
        ready = wait_for(
            "/readyz 200",
            lambda: (r := web.get(f"{https}/readyz", timeout=10)).status_code == 200 and r,
        )
        return (
            "http /healthz 200 (not redirected), other http paths 301 to https, https /healthz and /readyz 200: "
            + " | ".join(ready.text.strip().splitlines())
        )

    def step_static():
        page = web.get(f"{https}/accounts/login/", timeout=10)
        found = re.search(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page.text)
        if not found:
            raise CheckFailed("no hashed static file linked from the sign-in page")
        static = web.get(f"{https}{found.group(1)}", timeout=10)
        cache = static.headers.get("Cache-Control", "")
        if static.status_code != 200 or "immutable" not in cache:
            raise CheckFailed(f"{found.group(1)}: {static.status_code}, Cache-Control {cache!r}")
        return f"{found.group(1)} from nginx with {cache!r}"

    def step_sign_in():
        response = csrf_post(
            web, f"{https}/accounts/login/", {"username": "prodcheck-pm", "password": password}
        )
        if "two-factor/code" not in response.url:
            raise CheckFailed(
                f"after the password: {response.status_code} at {response.url}, not the code page"
            )
        blocked = web.get(f"{https}/reports/", allow_redirects=False, timeout=10)
        if blocked.status_code != 302:
            raise CheckFailed(f"/reports/ before the code answered {blocked.status_code}")
        code = TOTP(bytes.fromhex(totp_key), step=30, digits=6).token()
        response = csrf_post(web, f"{https}/accounts/two-factor/code/", {"code": f"{code:06d}"})
        reports = web.get(f"{https}/reports/", allow_redirects=False, timeout=10)
        if reports.status_code != 200:
            raise CheckFailed(f"/reports/ after the code answered {reports.status_code}")
        return "password, then the TOTP code; /reports/ refused before the code, 200 after"

    def step_report():
        response = csrf_post(
            web,
            f"{https}/reports/",
            {"p-round": state["round"], "programme_report": "Request programme report"},
        )
        found = re.search(r"/reports/jobs/(\d+)/", response.url)
        if not found:
            raise CheckFailed(
                f"requesting the report ended at {response.url} ({response.status_code})"
            )
        job = found.group(1)
        state["download"] = f"/reports/jobs/{job}/download/"
        wait_for(
            "the worker making the PDF",
            lambda: web.get(f"{https}{state['download']}", timeout=30).status_code == 200,
            poll=1,
        )
        return f"job {job} made by the worker"

    def step_downloads():
        cookies = "; ".join(f"{k}={v}" for k, v in web.cookies.get_dict().items())
        seen = []
        body = web.get(f"{https}{state['download']}", timeout=30).content
        if not body.startswith(b"%PDF"):
            raise CheckFailed("through nginx: not a PDF")
        for name in ("web1", "web2"):
            rid = f"prodcheck-{name}-{uuid.uuid4().hex[:8]}"
            direct = requests.get(
                f"http://127.0.0.1:{ports[name]}{state['download']}",
                headers={
                    "Host": HOST,
                    "X-Forwarded-Proto": "https",
                    "Cookie": cookies,
                    "X-Request-ID": rid,
                },
                allow_redirects=False,
                timeout=30,
            )
            if direct.status_code != 200 or not direct.content.startswith(b"%PDF"):
                raise CheckFailed(f"{name}: {direct.status_code}, {direct.content[:20]!r}")
            wait_for(
                f"{name}'s log of {rid}", lambda n=name, r=rid: r in stack.output(n), seconds=10
            )
            seen.append(f"{name} {len(direct.content)} bytes")
        return "%PDF through nginx and from each gunicorn: " + ", ".join(seen)

    def step_password_reset():
        anonymous = tls_session()
        before = len(mailbox.messages)
        response = csrf_post(
            anonymous, f"{https}/accounts/password/reset/", {"email": "lead@prodcheck.example.org"}
        )
        if response.status_code != 200:
            raise CheckFailed(f"the reset form answered {response.status_code}")
        mail = wait_for(
            "the reset email at the SMTP server",
            lambda: [
                m for m in mailbox.messages[before:] if "lead@prodcheck.example.org" in m["To"]
            ],
        )
        text = (
            mail[0].get_payload(decode=True).decode()
            if not mail[0].is_multipart()
            else mail[0].get_payload(0).get_payload(decode=True).decode()
        )
        link = re.search(rf"{re.escape(https)}/accounts/password/reset/\S+/\S+/", text)
        if not link:
            raise CheckFailed(f"no reset link starting {https} in:\n{text}")
        new_password = "Reset " + secrets.token_urlsafe(12)
        form = anonymous.get(link.group(0), timeout=10)
        if "new_password1" not in form.text:
            raise CheckFailed(f"the link led to {form.url} without the new password form")
        done = csrf_post(
            anonymous, form.url, {"new_password1": new_password, "new_password2": new_password}
        )
        if "password/reset/done" not in done.url:
            raise CheckFailed(f"setting the password ended at {done.url} ({done.status_code})")
        signed_in = csrf_post(
            tls_session(),
            f"{https}/accounts/login/",
            {"username": "prodcheck-lead", "password": new_password},
        )
        if "/accounts/login/" in signed_in.url:
            raise CheckFailed("the new password does not sign in")
        return f"email '{mail[0]['Subject']}' received; its link set a new password that signs in"

    def step_request_log():
        rid = f"prodcheck-{uuid.uuid4().hex}"
        response = web.get(
            f"{https}/reports/", headers={"X-Request-ID": rid}, timeout=10, allow_redirects=False
        )
        if response.headers.get("X-Request-ID") != rid:
            raise CheckFailed(
                f"the response's X-Request-ID is {response.headers.get('X-Request-ID')!r}"
            )

        def logged():
            for name in ("web1", "web2"):
                for line in stack.output(name).splitlines():
                    if rid in line:
                        record = json.loads(line)
                        if (
                            record.get("request_id") == rid
                            and record.get("logger") == "ourplace.request"
                        ):
                            return name, record
            return None

        name, record = wait_for("the request's JSON log line", logged, seconds=10)
        return f"{name} stdout: {json.dumps(record)[:160]}"

    def step_metrics():
        return metrics_check(
            token=env["METRICS_TOKEN"],
            web1=f"http://127.0.0.1:{ports['web1']}",
            nginx_http=f"http://127.0.0.1:{ports['http']}",
            nginx_https=https,
            web=web,
            host=HOST,
        )

    steps = [
        ("fresh database", step_database),
        ("release step", step_release),
        ("seed users and a round", step_seed),
        ("start nginx, 2 gunicorn, worker, beat, SMTP", step_start),
        ("exactly one beat", step_second_beat),
        ("probes", step_probes),
        ("static files", step_static),
        ("sign in with a second factor", step_sign_in),
        ("programme report PDF", step_report),
        ("download through both web processes", step_downloads),
        ("password reset email", step_password_reset),
        ("JSON request log with request id", step_request_log),
        ("Prometheus metrics", step_metrics),
    ]
    try:
        for name, step in steps:
            began = time.monotonic()
            try:
                detail = step()
                stack.check_running()
                results.append((name, True, detail or ""))
                print(f"PASS  {name} ({time.monotonic() - began:.0f} s): {detail}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported, then we stop
                results.append((name, False, str(error)))
                print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
                break
    finally:
        stack.stop()
        with contextlib.suppress(Exception):
            smtp.stop()
    failed = [r for r in results if not r[1]]
    for name, _ in steps[len(results) :]:
        print(f"SKIP  {name}")
    elapsed = time.monotonic() - started
    if failed or len(results) < len(steps):
        for name in stack.procs:
            print(f"---- {name} (last lines)\n{stack.all_output(name)[-2500:]}")
        print(f"prod-check: FAILED in {elapsed:.0f} s; logs kept in {folder}")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    print(f"prod-check: all {len(steps)} steps passed in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
