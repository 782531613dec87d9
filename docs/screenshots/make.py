"""Screenshots of each demo role's start page at desktop (1366x900) and phone (390x844) size.

    python3 dev.py screenshots        # or: .venv/bin/python docs/screenshots/make.py [--base-url URL]

Without --base-url it starts its own server on a free port against the configured database (run
`python3 dev.py manage seed_demo` first, or `python3 dev.py up` once) and stops it afterwards.
The PNGs land beside this script; README.md links them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PASSWORD = "demo-pass-2026"
ROLES = ["zheqiao", "secretary", "cadre", "county", "prefecture", "admin"]
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "0")}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--insecure",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def shoot(base: str, out: Path, roles: list[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for username in roles:
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    device_scale_factor=1,
                    is_mobile=size == "phone",
                    has_touch=size == "phone",
                )
                page = context.new_page()
                page.goto(base + "/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(lambda url: "/login/" not in url)
                page.wait_for_load_state("networkidle")
                path = out / f"{username}-{size}.png"
                page.screenshot(path=str(path), full_page=False)
                made.append(path)
                context.close()
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server (default: start one)")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--role", action="append", help="demo username(s); default all")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")
    proc = None
    base = args.base_url
    if not base:
        proc, base = start_server()
    try:
        for path in shoot(base.rstrip("/"), args.out, args.role or ROLES):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
