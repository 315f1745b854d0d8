"""Celery workers: the ones the kernel starts (their output goes to a log file in the run folder,
never to the kernel's streams), and the ones somebody else runs (docker compose)."""
import socket
import sys
from dataclasses import dataclass, replace

from . import display, settings, worker_logs
from .app import app
from .errors import LabError
from .procs import LoggedChild, LogTail
from .project import project_env

READY_TIMEOUT = 30.0
HEADERS = ["이름", "큐", "풀", "동시성", "상태"]
#: the ``-P`` name of a pool whose module (celery.concurrency.<module>) is named otherwise
_POOLS = {"thread": "threads"}


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker is started with; two specs that are equal give the same worker."""
    name: str
    queues: tuple[str, ...] = ("celery",)
    pool: str = "prefork"
    concurrency: int = 2
    loglevel: str = "INFO"
    options: tuple[str, ...] = ()
    app: str = "labtasks"  # or the learner's module (``-A worker``), run in ``folder``
    folder: str = ""
    stamp: tuple = ()  # the folder's code (project.code_stamp): rewritten code, a new worker

    @property
    def nodename(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def args(self) -> list[str]:
        """The worker's options after ``celery -A labtasks worker``."""
        sized = ["-c", str(self.concurrency)] if self.concurrency else []  # 0: Celery's default
        return ["-P", self.pool, *sized, "-n", f"{self.name}@%h",
                "-Q", ",".join(self.queues), "-E", "--without-mingle", "--without-gossip",
                "-l", self.loglevel, *self.options]

    def command(self) -> str:
        """The same worker as a terminal command."""
        return " ".join(["celery", "-A", self.app, "worker", *self.args()])


def ping(nodename: str, timeout: float = 1.0) -> bool:
    """True if the worker ``nodename`` answers a control ping within ``timeout`` seconds."""
    replies = app.control.ping(destination=[nodename], timeout=timeout, limit=1)
    return any(nodename in reply for reply in replies)


class _Shown(display.Table):
    headers = HEADERS
    caption = "워커"

    def rows(self):
        return [[self.name, ",".join(self.spec.queues), self.spec.pool,
                 str(self.spec.concurrency), self.state()]]

    def _repr_html_(self):
        return super()._repr_html_() + (
            f"<p>터미널에서 같은 워커: <code>{self.spec.command()}</code></p>")


class Worker(_Shown, LoggedChild):
    """A worker process this kernel started; ready once it answers a ping."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.log_path = settings.make_run_dir() / f"worker-{spec.name}.log"

    name = property(lambda self: self.spec.name)
    nodename = property(lambda self: self.spec.nodename)

    def start(self, prefix: tuple[str, ...] = ()) -> "Worker":
        """Start it (``prefix``: a command put in front, e.g. ``taskset -c 0``)."""
        if self.spec.app == "labtasks":
            self._spawn([*prefix, sys.executable, "-m", "labtasks.worker_main", *self.spec.args()],
                        kind="worker", env=settings.child_env())
        else:  # the learner's module, as `celery -A worker worker …` in the project folder
            self._spawn([*prefix, sys.executable, "-m", "celery", "-A", self.spec.app, "worker",
                         *self.spec.args()], kind="worker", env=project_env(self.spec.folder),
                        cwd=self.spec.folder)
        # the transport and backend modules load while the worker boots, not in the first ping
        app.connection_for_write().transport
        app.backend

        def answers():
            self._check_alive(f"워커 {self.name}")
            # below INFO there is no "ready." line: then ping every time
            return ((b" ready." in self.log_path.read_bytes() or self.spec.loglevel != "INFO")
                    and ping(self.nodename, 1.0))
        self._wait(answers, READY_TIMEOUT, f"워커 {self.name}의 ping 응답", interval=0.01)
        return self

    def state(self) -> str:
        return "실행 중" if self.alive() else "멈춤"


class ExternalWorker(_Shown):
    """A worker somebody else runs (a compose service): the kernel uses it, never kills it.

    ``stop()`` asks it to stop consuming its queues (``cancel_consumer``), which is all a notebook
    should do to a shared worker; ``resume()`` and ``lab.down()`` undo it.
    """

    def __init__(self, spec: WorkerSpec, nodename: str):
        self.spec, self.nodename, self.name = spec, nodename, spec.name
        self.paused = False

    def alive(self) -> bool:
        return ping(self.nodename, 1.0)

    def logs(self, n: int = 20) -> LogTail:
        return LogTail.of(worker_logs.path_for(self.name), n) or LogTail(
            [f"(외부 워커 {self.nodename}의 로그는 `docker compose logs`로 확인하세요.)"])

    def _control(self, command: str, queues) -> None:
        """``add_consumer`` or ``cancel_consumer`` for each queue, waiting for the reply."""
        for queue in queues:
            getattr(app.control, command)(queue, destination=[self.nodename], reply=True,
                                          timeout=5.0)

    def stop(self) -> None:
        """Stop taking tasks from its queues; the process itself is not ours to stop."""
        if not self.paused:
            self._control("cancel_consumer", self.spec.queues)
            self.paused = True

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


def find_external(name: str, timeout: float = 1.0) -> ExternalWorker | None:
    """The running worker named ``name@…`` (a compose service), if any, as it says it runs."""
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


class WorkerTable(display.Table, list):
    headers, caption, empty = HEADERS, "워커", "워커 없음"

    def rows(self):
        return [w.rows()[0] for w in self]


__all__ = ["ExternalWorker", "Worker", "WorkerSpec", "WorkerTable", "find_external", "ping"]
