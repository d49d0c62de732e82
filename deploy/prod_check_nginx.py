"""prod-check's nginx (deploy/prod_check.py): the site file of deploy/nginx/ with its
placeholders filled in for this machine, and a self-signed certificate for its TLS."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def self_signed_certificate(folder: Path, *, host: str) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={host}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_config(
    folder: Path, *, http: int, https: int, webs: list, cert, key, static, host: str
) -> Path:
    """deploy/nginx/ourplace.conf with its placeholders filled in, inside a main configuration
    of our own (no daemon, our own pid file, logs and temporary folders)."""
    site = (ROOT / "deploy/nginx/ourplace.conf").read_text()
    # IPv4 only here; the comments name the placeholders.
    site = "\n".join(
        line
        for line in site.splitlines()
        if "[::]" not in line and not line.lstrip().startswith("#")
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    site = site.replace("ourplace.example.org", host)
    site = site.replace("/etc/ssl/ourplace/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/ourplace/privkey.pem", str(key))
    site = site.replace("/srv/ourplace/staticfiles/", f"{static}/")
    site = site.replace(
        "/etc/nginx/ourplace_proxy.conf", str(ROOT / "deploy/nginx/ourplace_proxy.conf")
    )
    site = site.replace(
        "    server 127.0.0.1:8000;\n", "".join(f"    server 127.0.0.1:{p};\n" for p in webs)
    )
    for placeholder in ("example.org", "/etc/ssl/ourplace", "/srv/ourplace", ":8000;"):
        if placeholder in site:
            raise ValueError(f"nginx configuration: placeholder {placeholder!r} left unfilled")
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    main = f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path
