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

#: the ``-P`` name of a pool whose module (celery.concurrency.<module>) is named otherwise
_POOLS = {"thread": "threads"}


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker is started with; two specs that are equal give the same worker.
    ``concurrency`` None: Celery's own default (as many as CPUs), or not known."""

    name: str
    queues: tuple[str, ...] = ("celery",)
    pool: str = "prefork"
    concurrency: int | None = 2
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
        sized = [] if self.concurrency is None else ["-c", str(self.concurrency)]
        queues = ["-Q", ",".join(self.queues)] if self.queues else []  # none: the app's default queue
        return ["-P", self.pool, *sized, "-n", f"{self.name}@%h", *queues,
                "-E", "--without-mingle", "--without-gossip", "-l", self.loglevel, *self.options]

    def command(self) -> str:
        return " ".join(["celery", "-A", self.app, "worker", *self.args()])


def checked_spec(name, queues, pool="prefork", concurrency=2, loglevel="INFO",
                 options=()) -> WorkerSpec:
    """The spec of a worker the lab is asked to start; a value Celery would take silently and
    run wrongly (no queue, no process, a node name with a space) raises ``LabError`` first."""
    queues = (queues,) if isinstance(queues, str) else tuple(queues)
    if not isinstance(name, str) or not name or any(ch.isspace() for ch in name) or "@" in name:
        raise LabError(f"워커 이름 {name!r}은(는) 쓸 수 없습니다: 빈칸이나 @ 없이 한 단어로 "
                       "적으세요 (예: \"w1\"). 노드 이름의 @ 뒤(호스트)는 랩이 붙입니다.")
    if not queues or not all(isinstance(q, str) and q and q.strip() == q and "," not in q
                             for q in queues):
        raise LabError(f"큐 목록 {list(queues)!r}이(가) 올바르지 않습니다: 워커가 소비할 큐 이름을 "
                       "하나 이상 적으세요 (예: queues=[\"celery\"]).")
    if concurrency is not None and (isinstance(concurrency, bool)
                                    or not isinstance(concurrency, int) or concurrency < 1):
        raise LabError(f"동시성 {concurrency!r}은(는) 쓸 수 없습니다: 1 이상의 정수를 적으세요 "
                       "(Celery의 기본값인 CPU 수를 쓰려면 None).")
    return WorkerSpec(name, queues, pool, concurrency, loglevel, tuple(options))


#: `celery …` (the command line after it) with the lab's readiness hook loaded first
LEARNER_CELERY = "import labtasks.readiness; from celery.__main__ import main; main()"


def ping(nodename: str, timeout: float = 1.0) -> bool:
    replies = app.control.ping(destination=[nodename], timeout=timeout, limit=1)
    return any(nodename in reply for reply in replies)


class WorkerTable(display.Table, list):
    headers = ["이름", "큐", "풀", "동시성", "상태"]
    caption = "워커"
    empty = "워커 없음"

    def rows(self):
        rows = []
        for worker in self:
            concurrency = "기본값" if worker.spec.concurrency is None else worker.spec.concurrency
            queues = ",".join(worker.spec.queues) or "앱의 기본 큐"
            rows.append([worker.name, queues, worker.spec.pool,
                         str(concurrency), worker.state()])
        return rows


class _ShownAsTable:
    """A worker shows as its one-row table, and the same worker as a terminal command."""

    def __repr__(self):
        return repr(WorkerTable([self]))

    def _repr_html_(self):
        command = self.spec.command()
        return WorkerTable([self])._repr_html_() + f"<p>터미널에서 같은 워커: <code>{command}</code></p>"


class Worker(_ShownAsTable, LoggedChild):
    """A worker process this kernel started; ready once it said so (``worker_ready``) and
    answers a ping."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.name = spec.name
        self.nodename = spec.nodename
        self.log_path = settings.make_run_dir() / f"worker-{spec.name}.log"

    def start(self, prefix: tuple[str, ...] = ()) -> "Worker":
        """Start it (``prefix``: a command put in front, e.g. ``taskset -c 0``)."""
        if self.spec.app == "labtasks":
            self._spawn([*prefix, sys.executable, "-m", "labtasks.worker_main", *self.spec.args()],
                        kind="worker", env=settings.child_env())
        else:  # the learner's module, as `celery -A worker worker …` in the project folder; the
            # readiness hook is a global signal handler, so it hears any app's worker_ready
            self._spawn([*prefix, sys.executable, "-c", LEARNER_CELERY, "-A", self.spec.app, "worker",
                         *self.spec.args()], kind="worker", env=project_env(self.spec.folder),
                        cwd=self.spec.folder)
        _load_transport_and_backend()

        def answers():
            # the learner's app may name its own control exchange: the lab's ping would not reach it
            return self.said_ready() and (self.spec.app != "labtasks" or ping(self.nodename, 1.0))
        self._wait(answers, f"워커 {self.name}", "준비 신호", interval=0.01)
        return self

    def state(self) -> str:
        return "실행 중" if self.alive() else "멈춤"


def _load_transport_and_backend():
    """Load the transport and backend modules while a worker boots, not in the first ping."""
    return app.connection_for_write().transport, app.backend


class ExternalWorker(_ShownAsTable):
    """A worker somebody else runs (a compose service): the kernel uses it, never kills it.
    ``stop()`` only makes it stop consuming its queues; ``resume()`` and ``lab.down()`` undo it."""

    def __init__(self, spec: WorkerSpec, nodename: str):
        self.spec = spec
        self.name = spec.name
        self.nodename = nodename
        self.paused = False

    def alive(self) -> bool:
        return ping(self.nodename, 1.0)

    def logs(self, n: int = 20) -> LogTail:
        shared = LogTail.of(worker_logs.path_for(self.name), n)
        return shared or LogTail([f"(외부 워커 {self.nodename}의 로그는 `docker compose logs`로 확인하세요.)"])

    def _control(self, command, queues) -> None:
        """``app.control.add_consumer`` or ``cancel_consumer`` for each queue, with its reply."""
        for queue in queues:
            command(queue, destination=[self.nodename], reply=True, timeout=5.0)

    def stop(self) -> None:
        """Stop taking tasks from its queues; the process itself is not ours to stop."""
        if not self.paused:
            self._control(app.control.cancel_consumer, self.spec.queues)
            self.paused = True

    def resume(self) -> "ExternalWorker":
        self._control(app.control.add_consumer, self.spec.queues)
        self.paused = False
        return self

    def consume(self, queues) -> "ExternalWorker":
        """Make sure it consumes ``queues`` too (``add_consumer`` for the ones it does not)."""
        missing = tuple(q for q in queues if q not in self.spec.queues)
        self.spec = replace(self.spec, queues=self.spec.queues + missing)
        if self.paused:
            return self.resume()
        self._control(app.control.add_consumer, missing)
        return self

    def state(self) -> str:
        return "큐 소비 멈춤 (외부 워커)" if self.paused else "실행 중 (외부 워커)"


def find_external(name: str, timeout: float = 1.0) -> ExternalWorker | None:
    """The running worker named ``name@…`` (a compose service), if any, as it says it runs."""
    found = app.control.inspect(timeout=timeout).active_queues() or {}
    for nodename, queues in sorted(found.items()):
        if nodename.partition("@")[0] != name:
            continue
        replies = app.control.inspect([nodename], timeout=timeout, limit=1).stats() or {}
        pool = replies.get(nodename, {}).get("pool", {})
        # "celery.concurrency.prefork:TaskPool" -> "prefork"
        module = pool.get("implementation", "").split(":", 1)[0].rsplit(".", 1)[-1]
        concurrency = pool.get("max-concurrency") or None
        spec = WorkerSpec(name, tuple(q["name"] for q in queues), _POOLS.get(module, module),
                          concurrency)
        return ExternalWorker(spec, nodename)
    return None

