"""Celery workers backed by the kernel: started as child processes, ready when they answer a ping.

A worker's output goes to a log file in the kernel's run folder, never to the kernel's own file
descriptors (ipykernel captures those, so the output would land in whatever cell is running).
"""
import socket
import sys
import time
from dataclasses import dataclass, replace

from . import children, display, settings, worker_logs, zygote
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
    """A worker somebody else runs (a docker compose service): the kernel uses it, never kills it.

    ``stop()`` asks it to stop consuming its queues (Celery's ``cancel_consumer`` remote control),
    which is all a notebook should do to a shared worker; ``resume()`` and ``lab.down()`` undo it.
    """

    def __init__(self, spec: WorkerSpec, nodename: str):
        self.spec, self.nodename = spec, nodename
        self.name = spec.name
        self.paused = False

    def alive(self) -> bool:
        return ping(self.nodename, 1.0)

    def logs(self, n: int = 20) -> LogTail:
        lines = worker_logs.tail(self.name, n)
        if lines is None:
            lines = [f"(외부 워커 {self.nodename}의 로그는 `docker compose logs`로 확인하세요.)"]
        return LogTail(lines)

    def _control(self, command: str, queues) -> None:
        """``add_consumer`` or ``cancel_consumer`` for each queue, waiting for the worker's reply."""
        for queue in queues:
            getattr(app.control, command)(queue, destination=[self.nodename], reply=True,
                                          timeout=5.0)

    def stop(self) -> float:
        """Stop taking tasks from its queues; the process itself is not ours to stop."""
        began = time.monotonic()
        if not self.paused:
            self._control("cancel_consumer", self.spec.queues)
            self.paused = True
        return time.monotonic() - began

    def resume(self) -> "ExternalWorker":
        self._control("add_consumer", self.spec.queues)
        self.paused = False
        return self

    def consume(self, queues) -> "ExternalWorker":
        """Make sure it consumes ``queues`` too (``add_consumer`` for the ones it does not)."""
        missing = tuple(q for q in queues if q not in self.spec.queues)
        self.spec = replace(self.spec, queues=self.spec.queues + missing)
        if self.paused:
            return self.resume()
        self._control("add_consumer", missing)
        return self

    def state(self) -> str:
        return "큐 소비 멈춤 (외부 워커)" if self.paused else "실행 중 (외부 워커)"

    row = Worker.row
    __repr__ = Worker.__repr__
    _repr_html_ = Worker._repr_html_


HEADERS = ["이름", "큐", "풀", "동시성", "상태"]


def find_external(name: str, timeout: float = 1.0) -> ExternalWorker | None:
    """The running worker named ``name@…`` (a compose service, for ``lab.worker``), if any.

    Its spec is read from the worker itself (queues, pool, concurrency), so what the notebook
    shows is what runs.
    """
    found = app.control.inspect(timeout=timeout).active_queues() or {}
    for nodename, queues in sorted(found.items()):
        if nodename.partition("@")[0] != name:
            continue
        stats = (app.control.inspect([nodename], timeout=timeout, limit=1).stats() or {}).get(
            nodename, {})
        pool = stats.get("pool", {})
        # "celery.concurrency.prefork:TaskPool" -> "prefork"
        module = pool.get("implementation", "").split(":", 1)[0].rsplit(".", 1)[-1]
        spec = WorkerSpec(name, tuple(q["name"] for q in queues), _POOLS.get(module, module),
                          int(pool.get("max-concurrency", 0)))
        return ExternalWorker(spec, nodename)
    return None


#: the ``-P`` name of a pool whose module (celery.concurrency.<module>) is named otherwise
_POOLS = {"thread": "threads"}
