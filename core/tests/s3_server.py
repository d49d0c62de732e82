"""A real S3-compatible server for the private storage's tests: moto's server mode (``moto_server``,
from the moto[server] package pinned in requirements.txt), started as its own process on a free
port of 127.0.0.1. The storage talks to it over HTTP with boto3, as it would to a real bucket;
nothing in the process under test is patched."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REGION = "eu-west-2"
# moto accepts any keys; these are what the storage is configured with, as in production.
ACCESS_KEY = "ourplace-test"
SECRET_KEY = "ourplace-test-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server(folder: Path, *, timeout: float = 30):
    """Start ``moto_server -p PORT`` on 127.0.0.1, wait until it answers, yield its URL, stop it."""
    executable = Path(sys.executable).with_name("moto_server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "moto.log").open("w")
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server stopped: {(folder / 'moto.log').read_text()}")
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer on {url} in {timeout:.0f} s")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Bucket:
    """One bucket on the test server and a boto3 client to look inside it."""

    name: str
    endpoint: str

    @property
    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create(self) -> "Bucket":
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return self

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def new_bucket(endpoint: str) -> Bucket:
    return Bucket(name=f"ourplace-{uuid.uuid4().hex[:12]}", endpoint=endpoint).create()


def configure_environment(monkeypatch, bucket: Bucket, *, prefix: str = "private") -> None:
    """The AWS_* variables a deployment sets (README, Configuration) for this bucket."""
    for name, value in {
        "AWS_STORAGE_BUCKET_NAME": bucket.name,
        "AWS_S3_ENDPOINT_URL": bucket.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_LOCATION": prefix,
    }.items():
        monkeypatch.setenv(name, value)


def private_storage_settings(settings, *, root: Path) -> None:
    """Point STORAGES["private"] where the environment says, as base.py does at start-up, with
    `root` as this process's PRIVATE_STORAGE_ROOT (its own disk)."""
    from ourplace.settings.base import env, private_storage_backend

    settings.PRIVATE_STORAGE_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_storage_backend(
            root=root, bucket=env("AWS_STORAGE_BUCKET_NAME", default="")
        ),
    }
