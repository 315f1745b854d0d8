"""One ``Lab`` owns everything a kernel starts: its Redis, workers, beat, Flower and event monitor.
``lab`` is the kernel's instance. All of it stops with ``down()``, at exit (a weak atexit hook), or
by the parent-death signal when the kernel is killed. Calling any method twice is harmless."""
import atexit
import os
import shutil
import weakref
from dataclasses import replace
from pathlib import Path

from kombu.utils.url import maybe_sanitize_url

from . import procs, settings
from .app import app, forget_connections
from .beat import Beat
from .display import Message, Table
from .flower import Flower
from .monitor import Monitor
from .progress import Progress
from .project import Project, WebServer, code_stamp
from .redis_server import RedisServer
from .widgets import LiveMap, TaskBoard
from .workers import ExternalWorker, Worker, WorkerSpec, WorkerTable, find_external


class Lab:
    def __init__(self):
        self.redis: RedisServer | None = None
        self.workers_: dict[str, Worker | ExternalWorker] = {}
        self.flower_: Flower | None = None
        self.beat_: Beat | None = None
        self.monitor_: Monitor | None = None
        self.map_: LiveMap | None = None
        self.web_: WebServer | None = None
        self._exported: dict[str, str | None] | None = None  # env values before up() set them
        ref = weakref.ref(self)
        atexit.register(lambda: ref() and ref().down())

    def __enter__(self) -> "Lab":
        self.up()
        return self

    def __exit__(self, *exc):
        self.down()

    def up(self) -> "Status":
        """Broker and result backend ready: the kernel's own Redis unless the environment
        names a broker."""
        if self._exported is None:
            procs.reap()
            if settings.broker_from_env() is None:
                self.redis = RedisServer()
            # so that `!celery -A labtasks …` in a cell reaches the same broker
            wanted = {"CELERY_BROKER_URL": settings.broker_url(),
                      "CELERY_RESULT_BACKEND": settings.result_backend()}
            self._exported = {k: os.environ.get(k) for k in wanted}
            os.environ.update(wanted)
        if self.redis is not None and not self.redis.alive():
            self.redis.start()
        return self.status()

    def is_up(self) -> bool:
        return self._exported is not None and (self.redis is None or self.redis.alive())

    def _ensure_up(self):
        return self.is_up() or self.up()

    def worker(self, name: str = "w1", queues=("celery",), pool: str = "prefork",
               concurrency: int = 2, loglevel: str = "INFO", options=(),
               prefix=(), app: str = "labtasks") -> Worker | ExternalWorker:
        """Start the worker ``name``, or reuse it when it runs with the same settings. With
        ``LABTASKS_WORKERS=external`` (compose) a running worker of that name is used, made to
        consume ``queues`` too. ``prefix`` goes in front of the command (``taskset -c 0``).
        ``app="worker"``: the learner's module of the project folder (the kernel's working
        folder), always started by the kernel; rewritten code there starts a new worker."""
        queues = [queues] if isinstance(queues, str) else queues
        spec = WorkerSpec(name, tuple(queues), pool, int(concurrency), loglevel, tuple(options))
        if app != "labtasks":
            spec = replace(spec, app=app, folder=os.getcwd(), stamp=code_stamp(os.getcwd()))
        self._ensure_up()
        current = self.workers_.get(name)
        if isinstance(current, ExternalWorker):
            return current.consume(spec.queues)
        if current is not None and current.spec == spec and current.alive() and not prefix:
            return current
        if current is not None:
            current.stop()
        external = settings.workers_are_external() and app == "labtasks"
        found = find_external(name) if external else None
        if found is not None:  # a kernel killed while it was paused left it without its queues
            self.workers_[name] = found.consume(spec.queues)
        else:
            self.workers_[name] = Worker(spec)
            self.workers_[name].start(tuple(prefix))
        return self.workers_[name]

    def stop(self, *workers) -> None:
        """Stop the kernel's ``workers`` all at once: their warm shutdowns overlap."""
        ours = [w for w in workers if isinstance(w, Worker)]
        for step in (Worker.terminate, Worker.stop):  # SIGTERM to all, then wait for each
            list(map(step, ours))

    def workers(self) -> WorkerTable:
        """The workers this kernel started or uses."""
        return WorkerTable(self.workers_.values())

    def beat(self, schedule: dict | None = None) -> Beat:
        """celery beat with ``schedule`` (default ``app.conf.beat_schedule``); one per kernel."""
        self._ensure_up()
        wanted = Beat(app.conf.beat_schedule if schedule is None else schedule)
        if self.beat_ is None or not self.beat_.alive() or self.beat_.schedule != wanted.schedule:
            self._stop("beat_")
            self.beat_ = wanted.start()
        return self.beat_

    def flower(self, persistent: bool = False, db: str | None = None) -> Flower:
        """Flower on 127.0.0.1 with a generated password (the running one if it fits)."""
        self._ensure_up()
        if self.flower_ is None or not self.flower_.same(persistent, db):
            self._stop("flower_")
            self.flower_ = Flower(persistent, db).start()
        return self.flower_

    def monitor(self, timeout: float = 10.0) -> Monitor:
        """The kernel's event monitor, started once."""
        self._ensure_up()
        self.monitor_ = self.monitor_ or Monitor(app)
        return self.monitor_.start(timeout)

    def board(self, actions: dict | None = None, title: str = "실시간 태스크 보드") -> TaskBoard:
        """Buttons for ``actions`` (label -> signature) and a live table of tasks."""
        return TaskBoard(actions or {}, self.monitor(), title=title)

    def map(self, *queues: str) -> LiveMap:
        """The kernel's live map of queues, workers and results (one, also showing ``queues``)."""
        if self.map_ is None:
            self.map_ = LiveMap(app, self.monitor(), lambda: {
                w.name: w.nodename for w in list(self.workers_.values())
                if not getattr(w, "paused", False) and (isinstance(w, ExternalWorker) or w.alive())})
        return self.map_.watch(*queues)

    def project(self, name: str = "내_프로젝트") -> Project:
        """Make the project folder ``name`` (once) and work in it: files, imports, commands."""
        self.project_ = getattr(self, "project_", None) or Project(name)
        return self.project_.enter()

    def web(self, target: str = "app:app") -> WebServer:
        """Serve the project's Flask app ``target`` on 127.0.0.1 (the running one if unchanged)."""
        self._ensure_up()
        folder = Path.cwd()
        if self.web_ is None or not self.web_.same(target, folder):
            self._stop("web_")
            self.web_ = WebServer(target, folder).start()
        return self.web_

    def down(self) -> Message:
        """Stop everything this kernel started. Safe to call twice."""
        for part in ("web_", "beat_", "map_", "monitor_", "flower_"):  # what sends, then what listens
            self._stop(part)
        for w in list(self.workers_.values()):
            if isinstance(w, ExternalWorker) and w.paused:
                w.resume()  # a compose worker is left as it was found
        self.stop(*self.workers_.values())
        self.workers_.clear()
        if self._exported is not None:  # what up() exported is taken back
            for key, value in self._exported.items():
                os.environ.pop(key, None) if value is None else os.environ.update({key: value})
            self._exported = None
        if self._stop("redis"):
            forget_connections()
            shutil.rmtree(settings.run_dir(), ignore_errors=True)  # nothing of it runs any more
        return Message("이 커널이 띄운 프로세스를 모두 멈췄습니다.")

    def _stop(self, part: str) -> bool:
        """Stop the part named ``part`` (``"flower_"``…) if there is one; True if there was."""
        if (running := getattr(self, part)) is not None:
            running.stop()
            setattr(self, part, None)
        return running is not None

    def status(self) -> "Status":
        return Status(self)

    def progress(self) -> Progress:
        """Which exercises of which chapter this learner has passed."""
        return Progress()

    def check(self, timeout: float = 3.0) -> "Checks":
        """Reach the broker and the result backend from this kernel, as a task call would."""
        def broker():
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)

        def backend():
            client = getattr(app.backend, "client", None)  # rpc:// has none: nothing to ping
            return client and client.ping()
        rows = []
        for label, reach in [("브로커", broker), ("결과 백엔드", backend)]:
            try:
                reach()
                rows.append([label, "연결됨"])
            except Exception as exc:  # noqa: BLE001 - shown to the learner as is
                rows.append([label, f"연결 실패: {exc}"])
        return Checks(rows)

    def processes(self) -> list[dict]:
        """The processes this kernel started and still runs: kind, name and pid."""
        found = [("redis-server", "내장 Redis", self.redis), ("celery beat", "beat", self.beat_),
                 ("flower", "Flower", self.flower_), ("flask", "웹 앱", self.web_)]
        found[2:2] = [("celery worker", w.name, w) for w in self.workers_.values()
                      if isinstance(w, Worker)]
        return [{"kind": kind, "name": name, "pid": p.pid} for kind, name, p in found
                if p is not None and p.alive()]


class Status(Table):
    """What runs now: broker, result backend and workers."""

    headers, text_headers, caption = ["항목", "값"], ["Celery Lab", ""], "Celery Lab"

    def __init__(self, lab: Lab):
        embedded = lab.redis is not None if lab._exported else not settings.broker_from_env()
        origin = "내장 Redis" if embedded else "환경 변수"
        self.ready = lab.is_up()
        self._rows = [
            ["상태", "준비됨" if self.ready else "멈춤"],
            ["브로커", f"{maybe_sanitize_url(settings.broker_url())} ({origin})"],
            ["결과 백엔드", f"{maybe_sanitize_url(settings.result_backend())} ({origin})"],
            ["워커", ", ".join(lab.workers_) or "없음"],
        ]


class Checks(Table):
    headers, caption = ["대상", "결과"], "연결 확인"

    def __init__(self, rows):
        self._rows = rows
        self.ok = all(value == "연결됨" for _, value in rows)


#: the kernel's lab: ``from labtasks import lab``
lab = Lab()
