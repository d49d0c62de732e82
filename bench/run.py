"""`make bench`: the national-scale benchmark, with verdicts against issue 13's targets.

For each size (1,000 and 20,000 areas unless BENCH_SIZES says otherwise) it copies a migrated
template into a fresh PostgreSQL database, fills it with `make_data`, then, with production
settings: counts queries, rows and bytes per page in-process (test Client), serves the app with
gunicorn on 127.0.0.1 and times every key page interleaved with the floor (/healthz) and the
admin's Area changelist, measures each export's time and peak memory and the PDFs, and (at the
largest size) report jobs through one and then two real Celery workers. Then the CRM import at
1,000 and 10,000 records in a database of its own. Results: bench/results/latest.json and
latest.md. Settings are environment variables (see bench/README.md); the same names in lower case
are options, e.g. `bench/run.py --sizes 200,1000 --requests 40`.
"""

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import database  # noqa: E402
import load  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402

TEMPLATE = "ourplace_bench_template"
STEPS = ("http", "exports", "pdf", "jobs", "import")


@dataclass
class Config:
    sizes: list = field(default_factory=lambda: [1000, 20000])
    requests: int = 200
    concurrency: int = 4
    repeats: int = 3
    page_seconds: float = 30.0
    gunicorn_workers: int = 2
    jobs: int = 32
    import_sizes: list = field(default_factory=lambda: [1000, 10000])
    import_seconds: float = 240.0
    skip: list = field(default_factory=list)
    keep: bool = False
    redis_url: str = "redis://127.0.0.1:6379/9"
    out: str = str(BENCH / "results")

    @classmethod
    def load(cls, argv=None) -> "Config":
        """Defaults, overridden by BENCH_<NAME> variables, overridden by --<name> options."""
        config = cls()
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        for name, value in asdict(config).items():
            raw = os.environ.get(f"BENCH_{name.upper()}")
            if raw is not None:
                setattr(config, name, _parse(raw, value))
            flag = f"--{name.replace('_', '-')}"
            if isinstance(value, bool):
                parser.add_argument(flag, action="store_true", default=None)
            else:
                parser.add_argument(flag, default=None)
        for name, raw in vars(parser.parse_args(argv)).items():
            if raw is not None:
                setattr(
                    config, name, _parse(raw, getattr(config, name)) if raw is not True else True
                )
        unknown = set(config.skip) - set(STEPS)
        if unknown:
            raise SystemExit(f"Unknown steps to skip: {', '.join(sorted(unknown))} (of {STEPS}).")
        return config


def _parse(raw: str, like):
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, list):
        items = [item.strip().replace("_", "") for item in raw.split(",") if item.strip()]
        return [int(i) if i.isdigit() else i for i in items]
    return type(like)(raw)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Harness:
    def __init__(self, config: Config, procs: servers.Processes, work: Path):
        self.config, self.procs, self.work = config, procs, work
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "ourplace.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "False",
            "REDIS_URL": config.redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "EMAIL_ALLOW_CONSOLE": "true",
            "PRIVATE_STORAGE_ROOT": str(work / "private"),
            # Production names static files by their hash (the manifest storage): pages cannot
            # render until collectstatic has written the manifest (`static()` below).
            "STATIC_ROOT": str(work / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The exports are measured as the file they write, streamed: above this many rows the
            # site hands them to a worker (the same code writing the same file), which would
            # measure a redirect instead.
            "EXPORT_BACKGROUND_ROWS": "10000000",
        }

    def static(self, database_url: str) -> None:
        """collectstatic into this run's STATIC_ROOT, as the release step does."""
        argv = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"]
        env = {**self.env, "DATABASE_URL": database_url}
        code = self.procs.run("collectstatic", argv, env, 300)
        if code != 0:
            raise SystemExit("collectstatic failed; see var/bench/collectstatic.log")

    def probe(self, command: str, args: list, env: dict, timeout: float) -> dict:
        """One probe.py subcommand in its own process; its JSON, or {"error": ...}."""
        out = self.work / f"{command}-{time.monotonic_ns()}.json"
        argv = [
            sys.executable,
            str(BENCH / "probe.py"),
            command,
            *map(str, args),
            "--out",
            str(out),
        ]
        code = self.procs.run(f"probe-{command}", argv, env, timeout)
        if code == 0 and out.exists():
            return json.loads(out.read_text())
        why = "timed out" if code is None else f"exited with {code}"
        return {"error": f"probe {command} {why}; see {self.procs.log_dir}/probe-{command}.log"}

    def size(self, n: int, biggest: bool) -> dict:
        name = f"ourplace_bench_{n}"
        env = {**self.env, "DATABASE_URL": database.create(name, TEMPLATE)}
        try:
            log(f"{n:,} areas: making the data")
            prepared = self.probe("prepare", ["--areas", n], env, 3600)
            if "error" in prepared:
                raise SystemExit(prepared["error"])
            log(f"{n:,} areas: {prepared['total_rows']:,} rows in {prepared['seconds']} s")
            values = {**prepared["values"], "report_areas": prepared["samples"]["report_areas"]}
            values_file = self.work / f"values-{n}.json"
            values_file.write_text(json.dumps(values))
            result = {"data": {k: v for k, v in prepared.items() if k != "sessions"}}
            self.pages(n, biggest, env, values_file, prepared["sessions"], result)
            self.documents(n, env, values_file, result)
            if biggest and "jobs" not in self.config.skip:
                result["celery"] = self.celery(env, values_file)
            return result
        finally:
            if not self.config.keep:
                database.drop(name)

    def pages(self, n, biggest, env, values_file, sessions, result) -> None:
        args = ["--values", values_file] + (["--explain"] if biggest else [])
        log(f"{n:,} areas: queries per page (in-process)")
        found = self.probe("queries", args, env, 1800)
        if "error" in found:
            raise SystemExit(found["error"])
        result["programme_metrics"] = found["programme_metrics"]
        result["pages"] = found["measures"]
        if "http" in self.config.skip:
            return
        proc, port = self.procs.gunicorn(env, self.config.gunicorn_workers)
        try:
            log(f"{n:,} areas: timing {len(found['pages'])} pages over HTTP (gunicorn :{port})")
            timed = load.measure(port=port, pages=found["pages"], sessions=sessions,
                                 config=self.config, log=log)  # fmt: skip
        finally:
            self.procs.stop(proc)
        for key, measure in timed.items():
            result["pages"][key].update(measure)

    def documents(self, n, env, values_file, result) -> None:
        if "exports" not in self.config.skip:
            result["exports"] = {}
            for key in report.EXPORTS:
                log(f"{n:,} areas: export {key}")
                result["exports"][key] = self.probe("export", [key], env, 1200)
        if "pdf" not in self.config.skip:
            log(f"{n:,} areas: PDFs")
            result["pdf"] = {
                kind: self.probe("pdf", [kind, "--values", values_file], env, 1200)
                for kind in ("area", "programme")
            }

    def celery(self, env, values_file) -> dict:
        import redis

        client = redis.Redis.from_url(self.config.redis_url)
        if client.connection_pool.connection_kwargs.get("db", 0) == 0:
            raise SystemExit("BENCH_REDIS_URL must name a Redis database of its own (not db 0).")
        client.flushdb()  # no stale task from an interrupted run
        out = {}
        for workers in (1, 2):
            log(f"report jobs: {self.config.jobs} with {workers} Celery worker(s)")
            started = self.procs.celery_workers(env, workers)
            try:
                out[str(workers)] = self.probe(
                    "jobs",
                    ["--values", values_file, "--workers", workers, "--count", self.config.jobs],
                    env,
                    1200,
                )
            finally:
                for proc in started:
                    self.procs.stop(proc)
        return out

    def imports(self) -> dict:
        name = "ourplace_bench_import"
        env = {**self.env, "DATABASE_URL": database.create(name, TEMPLATE)}
        out = {}
        try:
            for n in self.config.import_sizes:
                log(f"CRM import: {n:,} records (at most {self.config.import_seconds:.0f} s)")
                path = self.work / f"import-{n}.json"
                argv = [sys.executable, str(BENCH / "probe.py"), "import", "--records", str(n),
                        "--out", str(path)]  # fmt: skip
                code = self.procs.run("probe-import", argv, env, self.config.import_seconds)
                found = json.loads(path.read_text()) if path.exists() else {}
                found["stopped_at_time_limit"] = code is None
                if code not in (0, None):
                    found["error"] = (
                        f"exited with {code}; see {self.procs.log_dir}/probe-import.log"
                    )
                out[str(n)] = found
        finally:
            if not self.config.keep:
                database.drop(name)
        return out


def meta(config: Config) -> dict:
    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        except OSError:
            return ""

    return {
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "settings": "ourplace.settings.production",
        "server": f"gunicorn, {config.gunicorn_workers} sync workers, 127.0.0.1",
        "config": asdict(config),
    }


def main(argv=None):
    config = Config.load(argv)
    out_dir = Path(config.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    results = {"meta": meta(config), "sizes": {}}
    began = time.monotonic()
    complete = False
    try:
        with (
            tempfile.TemporaryDirectory(prefix="ourplace-bench-") as tmp,
            servers.Processes(log_dir) as procs,
        ):
            harness = Harness(config, procs, Path(tmp))
            _, rebuilt = database.template(TEMPLATE, harness.env)
            log(f"template database {TEMPLATE} {'migrated' if rebuilt else 'up to date'}")
            harness.static(database.url(TEMPLATE))
            sizes = sorted(config.sizes)
            for n in sizes:
                results["sizes"][str(n)] = harness.size(n, biggest=n == sizes[-1])
            if "import" not in config.skip:
                results["import"] = harness.imports()
            complete = True
    finally:
        results["meta"]["seconds"] = round(time.monotonic() - began)
        results["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        results["meta"]["complete"] = complete
        results["targets"] = report.targets(results)
        stem = "latest" if complete else "partial"
        (out_dir / f"{stem}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
        (out_dir / f"{stem}.md").write_text(report.markdown(results))
        log(f"wrote {out_dir}/{stem}.json and {stem}.md in {results['meta']['seconds']} s")
    print(report.summary(results))


if __name__ == "__main__":
    main()
