"""Celery workers backed by the kernel: started as child processes, ready when they answer a ping.

A worker's output goes to a log file in the kernel's run folder, never to the kernel's own file
descriptors (ipykernel captures those, so the output would land in whatever cell is running).
"""
import socket
import sys
import time
from dataclasses import dataclass

from . import children, display, settings, zygote
from .app import app
from .errors import LabError

READY_TIMEOUT = 30.0
STOP_GRACE = 10.0


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker is started with; two specs that are equal give the same worker."""
    name: str
    queues: tuple[str, ...] = ("celery",)
    pool: str = "prefork"
    concurrency: int = 2
    loglevel: str = "INFO"
    options: tuple[str, ...] = ()

    @property
    def nodename(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def args(self) -> list[str]:
        """The worker's options after ``celery -A labtasks worker``."""
        return ["-P", self.pool, "-c", str(self.concurrency), "-n", f"{self.name}@%h",
                "-Q", ",".join(self.queues), "-E", "--without-mingle", "--without-gossip",
                "-l", self.loglevel, *self.options]

    def command(self) -> str:
        """The same worker as a terminal command."""
        return " ".join(["celery", "-A", "labtasks", "worker", *self.args()])


class LogTail(list):
    """A worker's last log lines; shows as plain lines in a notebook."""

    def __repr__(self):
        return "\n".join(self)


def ping(nodename: str, timeout: float = 1.0) -> bool:
    """True if the worker ``nodename`` answers a control ping within ``timeout`` seconds."""
    replies = app.control.ping(destination=[nodename], timeout=timeout, limit=1)
    return any(nodename in reply for reply in replies)


def _import_transports():
    """Import the broker transport and the result backend (about 0.25 s the first time) while the
    worker boots, instead of in the first ping after it is ready. Nothing connects here."""
    app.connection_for_write().transport
    app.backend


class Worker(children.LoggedChild):
    """A worker process this kernel started."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.log_path = settings.run_dir() / f"worker-{spec.name}.log"
        self.stop_grace = STOP_GRACE

    name = property(lambda self: self.spec.name)
    nodename = property(lambda self: self.spec.nodename)

    def start(self) -> "Worker":
        self.log_path.write_bytes(b"")
        if self.spec.pool not in zygote.FRESH_ONLY:
            self.proc = zygote.launcher.fork(self.spec.args(), self.log_path)
        if self.proc is None:
            argv = [sys.executable, "-m", "labtasks.worker_main", *self.spec.args()]
            self.proc = children.spawn(argv, log=self.log_path, kind="worker", name=self.name,
                                       env=settings.child_env())
        self._wait_ready()
        return self

    def _wait_ready(self):
        """Watch the log for "ready." (cheap), then ping until the worker answers.

        The ping returns as soon as the reply comes (``limit=1``); its timeout only bounds a ping
        that was lost because the worker had not yet subscribed to its control queue.
        """
        began = time.monotonic()
        _import_transports()
        while time.monotonic() - began < READY_TIMEOUT:
            if not self.alive():
                raise LabError(f"워커 {self.name}이(가) 시작하다 종료되었습니다. 로그:\n"
                               + "\n".join(self.logs(15)))
            # below INFO there is no "ready." line: then ping from the second second on
            if b" ready." in self.log_path.read_bytes() or time.monotonic() - began > 2.0:
                if ping(self.nodename, 1.0):
                    return
            else:
                time.sleep(0.01)
        self.stop()
        raise LabError(f"워커 {self.name}이(가) {READY_TIMEOUT:.0f}초 안에 ping에 답하지 않았습니다.")

    def logs(self, n: int = 20) -> LogTail:
        """The last ``n`` lines of the worker's log."""
        return LogTail(super().logs(n))

    def state(self) -> str:
        return "실행 중" if self.alive() else "멈춤"

    def row(self) -> list[str]:
        return [self.name, ",".join(self.spec.queues), self.spec.pool,
                str(self.spec.concurrency), self.state()]

    def __repr__(self):
        return display.text_table(HEADERS, [self.row()])

    def _repr_html_(self):
        return display.table(HEADERS, [self.row()], caption="워커") + (
            f"<p>터미널에서 같은 워커: <code>{self.spec.command()}</code></p>")


class ExternalWorker:
    """A worker somebody else runs (docker compose); the lab only finds it."""

    def __init__(self, spec: WorkerSpec, nodename: str):
        self.spec, self.nodename = spec, nodename
        self.name = spec.name

    def alive(self) -> bool:
        return ping(self.nodename, 1.0)

    def logs(self, n: int = 20) -> LogTail:
        return LogTail([f"(외부 워커 {self.nodename}의 로그는 `docker compose logs`로 확인하세요.)"])

    def stop(self) -> float:
        return 0.0  # not ours to stop

    def state(self) -> str:
        return "외부 워커"

    row = Worker.row
    __repr__ = Worker.__repr__
    _repr_html_ = Worker._repr_html_


HEADERS = ["이름", "큐", "풀", "동시성", "상태"]


def find_external(spec: WorkerSpec, timeout: float = 2.0) -> ExternalWorker:
    """The running worker that consumes every queue of ``spec``, or a Korean error saying how."""
    replies = app.control.inspect(timeout=timeout).active_queues() or {}
    for nodename, queues in sorted(replies.items()):
        if set(spec.queues) <= {q["name"] for q in queues}:
            return ExternalWorker(spec, nodename)
    wanted = ", ".join(spec.queues)
    raise LabError(
        f"큐 {wanted}을(를) 소비하는 외부 워커가 없습니다 (LABTASKS_WORKERS=external).\n"
        f"docker compose라면 `docker compose up -d`로 워커 서비스를 띄우고, 직접 띄우려면 터미널에서\n"
        f"  {spec.command()}\n를 실행하세요.")
