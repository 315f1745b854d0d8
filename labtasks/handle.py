"""One ``Lab`` owns everything a kernel starts: its Redis, workers, beat, Flower and event monitor.
``lab`` is the kernel's instance. All of it stops with ``down()``, at exit (a weak atexit hook), or
by the parent-death signal when the kernel is killed. Calling any method twice is harmless."""
import atexit
import os
import shutil
import weakref
from dataclasses import dataclass, field, replace
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
from .widgets import LiveMap
from .workers import ExternalWorker, Worker, WorkerTable, checked_spec, find_external


@dataclass
class Started:
    """What the lab started or uses now, part by part (None: not running)."""
    redis: RedisServer | None = None
    workers: dict[str, Worker | ExternalWorker] = field(default_factory=dict)
    beat: Beat | None = None
    flower: Flower | None = None
    monitor: Monitor | None = None
    map: LiveMap | None = None
    web: WebServer | None = None
    project: Project | None = None


class Lab:
    def __init__(self):
        self.started = Started()
        # the environment values up() replaced, given back by down(); None while the lab is down
        self._replaced_env: dict[str, str | None] | None = None
        atexit.register(_down_if_alive, weakref.ref(self))

    def up(self) -> "Status":
        """Broker and result backend ready: the kernel's own Redis unless the environment names one."""
        if self._replaced_env is None:
            procs.reap()
            if settings.broker_from_env() is None:
                self.started.redis = RedisServer()
            # so that `!celery -A labtasks …` in a cell reaches the same broker
            wanted = {"CELERY_BROKER_URL": settings.broker_url(),
                      "CELERY_RESULT_BACKEND": settings.result_backend()}
            self._replaced_env = {key: os.environ.get(key) for key in wanted}
            os.environ.update(wanted)
        redis = self.started.redis
        if redis is not None and not redis.alive():
            redis.start()
        return self.status()

    def worker(self, name: str = "w1", queues=None, pool: str = "prefork",
               concurrency: int = 2, loglevel: str = "INFO", options=(),
               prefix=(), app: str = "labtasks") -> Worker | ExternalWorker:
        """Start the worker ``name``, or reuse it when it runs with the same settings. With
        ``LABTASKS_WORKERS=external`` (compose) a running worker of that name is used, made to
        consume ``queues`` too. ``prefix`` goes in front of the command (``taskset -c 0``).
        ``app="worker"``: the learner's module of the project folder (the kernel's working
        folder), always started by the kernel; rewritten code there starts a new worker.
        ``queues`` None: ``celery`` for labtasks, the app's own default queue for the learner's."""
        spec = checked_spec(name, ("celery",) if queues is None else queues, pool, concurrency,
                            loglevel, options)
        if app != "labtasks":
            spec = replace(spec, app=app, folder=os.getcwd(), stamp=code_stamp(os.getcwd()),
                           queues=() if queues is None else spec.queues)
        self.up()
        workers = self.started.workers
        current = workers.get(name)
        if isinstance(current, ExternalWorker):
            return current.consume(spec.queues)
        if current is not None and current.spec == spec and current.alive() and not prefix:
            return current
        if current is not None:
            current.stop()
        external = settings.workers_are_external() and app == "labtasks"
        found = find_external(name) if external else None
        if found is not None:  # a kernel killed while it was paused left it without its queues
            workers[name] = found.consume(spec.queues)
        else:
            workers[name] = Worker(spec).start(tuple(prefix))
        return workers[name]

    def stop(self, *workers) -> None:
        """Stop the kernel's ``workers`` all at once: their warm shutdowns overlap."""
        ours = [w for w in workers if isinstance(w, Worker)]
        for worker in ours:
            worker.terminate()  # SIGTERM to every one first...
        for worker in ours:
            worker.stop()  # ...then wait for each

    def workers(self) -> WorkerTable:
        return WorkerTable(self.started.workers.values())

    def beat(self, schedule: dict | None = None) -> Beat:
        """celery beat with ``schedule`` (default ``app.conf.beat_schedule``); one per kernel."""
        self.up()
        wanted = Beat(app.conf.beat_schedule if schedule is None else schedule)
        running = self.started.beat
        if running is None or not running.alive() or running.schedule != wanted.schedule:
            self.started.beat = _stopped(self.started.beat)
            self.started.beat = wanted.start()
        return self.started.beat

    def flower(self, persistent: bool = False) -> Flower:
        """Flower on 127.0.0.1 with a generated password (the running one if it fits)."""
        self.up()
        if self.started.flower is None or not self.started.flower.same(persistent):
            self.started.flower = _stopped(self.started.flower)
            self.started.flower = Flower(persistent).start()
        return self.started.flower

    def monitor(self, timeout: float = 10.0) -> Monitor:
        """The kernel's event monitor, started once."""
        self.up()
        if self.started.monitor is None:
            self.started.monitor = Monitor(app)
        return self.started.monitor.start(timeout)

    def map(self, *queues: str) -> LiveMap:
        """The kernel's live map of queues, workers and results (one, also showing ``queues``)."""
        if self.started.map is None:
            self.started.map = LiveMap(app, self.monitor(), self._consuming_workers)
        return self.started.map.watch(*queues)

    def _consuming_workers(self) -> dict[str, str]:
        """Name -> node name of each worker that consumes its queues now (for the live map)."""
        workers = list(self.started.workers.values())
        return {w.name: w.nodename for w in workers if _consuming(w)}

    def project(self, name: str = "내_프로젝트") -> Project:
        """Make the project folder ``name`` (once) and work in it: files, imports, commands."""
        if self.started.project is None:
            self.started.project = Project(name)
        return self.started.project.enter()

    def web(self, target: str = "app:app") -> WebServer:
        """Serve the project's Flask app ``target`` on 127.0.0.1 (the running one if unchanged)."""
        self.up()
        folder = Path.cwd()
        if self.started.web is None or not self.started.web.same(target, folder):
            self.started.web = _stopped(self.started.web)
            self.started.web = WebServer(target, folder).start()
        return self.started.web

    def down(self) -> Message:
        """Stop everything this kernel started. Safe to call twice."""
        self.started.web = _stopped(self.started.web)
        self.started.beat = _stopped(self.started.beat)  # what sends, then what listens
        self.started.map = _stopped(self.started.map)
        self.started.monitor = _stopped(self.started.monitor)
        self.started.flower = _stopped(self.started.flower)
        workers = list(self.started.workers.values())
        for worker in workers:
            if isinstance(worker, ExternalWorker) and worker.paused:
                worker.resume()  # a compose worker is left as it was found
        self.stop(*workers)
        self.started.workers.clear()
        self._restore_env()
        if self.started.redis is not None:
            self.started.redis.stop()
            self.started.redis = None
            forget_connections()
            shutil.rmtree(settings.run_dir(), ignore_errors=True)  # nothing of it runs any more
        return Message("이 커널이 띄운 프로세스를 모두 멈췄습니다.")

    def _restore_env(self) -> None:
        if self._replaced_env is None:
            return
        for key, value in self._replaced_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._replaced_env = None

    def status(self) -> "Status":
        redis = self.started.redis
        if self._replaced_env is None:  # down: what up() would start
            return Status(False, settings.broker_from_env() is None, "없음")
        ready = redis is None or redis.alive()
        return Status(ready, redis is not None, ", ".join(self.started.workers) or "없음")

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
            if client is not None:
                client.ping()

        rows = []
        for label, reach in [("브로커", broker), ("결과 백엔드", backend)]:
            try:
                reach()
                rows.append([label, "연결됨"])
            except Exception as exc:  # shown to the learner as is
                rows.append([label, f"연결 실패: {exc}"])
        return Checks(rows)

    def processes(self) -> list[dict]:
        """The processes this kernel started and still runs: kind, name and pid."""
        found = [("redis-server", "내장 Redis", self.started.redis),
                 ("celery beat", "beat", self.started.beat)]
        found += [("celery worker", w.name, w) for w in self.started.workers.values()
                  if isinstance(w, Worker)]
        found += [("flower", "Flower", self.started.flower), ("flask", "웹 앱", self.started.web)]
        return [{"kind": kind, "name": name, "pid": part.pid} for kind, name, part in found
                if part is not None and part.alive()]


def _stopped(part) -> None:
    """Stop ``part`` if there is one; None, to put in its place."""
    if part is not None:
        part.stop()


def _consuming(worker: Worker | ExternalWorker) -> bool:
    return not worker.paused if isinstance(worker, ExternalWorker) else worker.alive()


def _down_if_alive(lab_ref) -> None:
    lab = lab_ref()
    if lab is not None:
        lab.down()


class Status(Table):
    """What runs now: broker, result backend and workers."""

    headers = ["항목", "값"]
    text_headers = ["Celery Lab", ""]
    caption = "Celery Lab"

    def __init__(self, ready: bool, embedded: bool, workers: str):
        origin = "내장 Redis" if embedded else "환경 변수"
        self.ready = ready
        self._rows = [
            ["상태", "준비됨" if ready else "멈춤"],
            ["브로커", f"{maybe_sanitize_url(settings.broker_url())} ({origin})"],
            ["결과 백엔드", f"{maybe_sanitize_url(settings.result_backend())} ({origin})"],
            ["워커", workers],
        ]


class Checks(Table):
    headers = ["대상", "결과"]
    caption = "연결 확인"

    def __init__(self, rows):
        self._rows = rows
        self.ok = all(value == "연결됨" for _, value in rows)


#: the kernel's lab: ``from labtasks import lab``
lab = Lab()
