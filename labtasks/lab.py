"""The facade the notebooks call: ``lab.up()``, ``lab.worker()``, ``lab.workers()``, ``lab.down()``.

Everything it starts belongs to this kernel and stops with it (``down``, interpreter exit, or the
parent-death signal when the kernel is killed). Calling any of these twice is harmless.
"""
import atexit
import os

from kombu.utils.url import maybe_sanitize_url

from . import children, display, settings, zygote
from . import flower as _flower
from .app import app, forget_connections
from .embedded import EmbeddedRedis
from .workers import HEADERS, ExternalWorker, Worker, WorkerSpec, find_external

_redis: EmbeddedRedis | None = None
_workers: dict[str, Worker] = {}
_atexit_registered = False


def up() -> "Status":
    """Make the broker and the result backend ready (the embedded Redis unless configured)."""
    global _redis, _atexit_registered
    if not _atexit_registered:
        children.reap()
        atexit.register(down)
        _atexit_registered = True
    if not settings.EXTERNAL_BROKER:
        _redis = _redis or EmbeddedRedis(settings.EMBEDDED_ADDRESS)
        if not _redis.running():
            _redis.start()
    zygote.launcher.start()  # imports in the background what every worker needs
    # so that `!celery -A labtasks …` in a cell reaches the same broker
    os.environ.update(CELERY_BROKER_URL=settings.BROKER_URL,
                      CELERY_RESULT_BACKEND=settings.RESULT_BACKEND)
    return status()


def is_up() -> bool:
    return settings.EXTERNAL_BROKER or (_redis is not None and _redis.running())


def worker(name: str = "w1", queues: list[str] | tuple[str, ...] = ("celery",),
           pool: str = "prefork", concurrency: int = 2, loglevel: str = "INFO",
           options: list[str] | tuple[str, ...] = ()) -> "Worker | ExternalWorker":
    """Start the worker ``name`` (or reuse it when it runs with the same settings).

    With ``LABTASKS_WORKERS=external`` (docker compose) a running worker of that name is used
    instead, made to consume ``queues`` if it does not yet; a name nobody runs (a chapter's own
    worker) is started here as usual.
    """
    if isinstance(queues, str):
        queues = [queues]
    spec = WorkerSpec(name, tuple(queues), pool, int(concurrency), loglevel, tuple(options))
    if not is_up():
        up()
    current = _workers.get(name)
    if isinstance(current, ExternalWorker):
        return current.consume(spec.queues)
    if current is not None and current.spec == spec and current.alive():
        return current
    if current is not None:
        current.stop()
    if settings.EXTERNAL_WORKERS:
        found = find_external(name)
        if found is not None:  # a kernel killed while it was paused left it without its queues
            _workers[name] = found.consume(spec.queues)
            return found
    _workers[name] = Worker(spec).start()
    return _workers[name]


def flower(persistent: bool = False, db: str | None = None) -> "_flower.Flower":
    """Start Flower on 127.0.0.1 with a generated password (or return the running one)."""
    if not is_up():
        up()
    return _flower.start(persistent=persistent, db=db)


def workers() -> "WorkerTable":
    """The workers this kernel started or uses."""
    return WorkerTable(list(_workers.values()))


def down() -> "Message":
    """Stop every worker and the Redis that this kernel started. Safe to call twice."""
    global _redis
    from . import monitor  # its thread listens to the broker: stop it before the broker goes
    monitor.stop()
    _flower.stop()
    for w in list(_workers.values()):
        if isinstance(w, ExternalWorker):
            if w.paused:
                w.resume()  # a compose worker is left as it was found
        else:
            w.stop()
    _workers.clear()
    zygote.launcher.stop()
    if _redis is not None:
        _redis.stop()
        _redis = None
        forget_connections()
        children.forget_run_dir()
    return Message("이 커널이 띄운 프로세스를 모두 멈췄습니다.")


def status() -> "Status":
    return Status()


def check(timeout: float = 3.0) -> "Checks":
    """Reach the broker and the result backend from this kernel, the way a task call would."""
    rows = []
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        rows.append(["브로커", "연결됨"])
    except Exception as exc:  # noqa: BLE001 - shown to the learner as is
        rows.append(["브로커", f"연결 실패: {exc}"])
    try:
        client = getattr(app.backend, "client", None)
        if client is not None:
            client.ping()
        rows.append(["결과 백엔드", "연결됨"])
    except Exception as exc:  # noqa: BLE001
        rows.append(["결과 백엔드", f"연결 실패: {exc}"])
    return Checks(rows)


def processes() -> list[dict]:
    """The processes this kernel started and still runs: kind, name and pid."""
    found = []
    if _redis is not None and _redis.running():
        found.append({"kind": "redis-server", "name": "내장 Redis", "pid": _redis.proc.pid})
    if zygote.launcher.running():
        found.append({"kind": "worker-launcher", "name": "워커 런처", "pid": zygote.launcher.proc.pid})
    for w in _workers.values():
        if isinstance(w, Worker) and w.alive():
            found.append({"kind": "celery worker", "name": w.name, "pid": w.pid})
    fl = _flower.current()
    if fl is not None and fl.alive():
        found.append({"kind": "flower", "name": "Flower", "pid": fl.pid})
    return found


class Status:
    """What runs now: broker, result backend and workers."""

    def __init__(self):
        self.ready = is_up()
        origin = "환경 변수" if settings.EXTERNAL_BROKER else "내장 Redis"
        self.rows = [
            ["상태", "준비됨" if self.ready else "멈춤"],
            ["브로커", f"{maybe_sanitize_url(settings.BROKER_URL)} ({origin})"],
            ["결과 백엔드", f"{maybe_sanitize_url(settings.RESULT_BACKEND)} ({origin})"],
            ["워커", ", ".join(w.name for w in _workers.values()) or "없음"],
        ]

    def __repr__(self):
        return display.text_table(["Celery Lab", ""], self.rows)

    def _repr_html_(self):
        return display.table(["항목", "값"], self.rows, caption="Celery Lab")


class WorkerTable(list):
    def __repr__(self):
        return display.text_table(HEADERS, [w.row() for w in self]) if self else "워커 없음"

    def _repr_html_(self):
        return display.table(HEADERS, [w.row() for w in self], caption="워커") if self else (
            "<p>워커 없음</p>")


class Checks(list):
    ok = property(lambda self: all(value == "연결됨" for _, value in self))

    def __repr__(self):
        return display.text_table(["대상", "결과"], self)

    def _repr_html_(self):
        return display.table(["대상", "결과"], self, caption="연결 확인")


class Message(str):
    """A sentence shown as is (no quotes) in a notebook."""

    def __repr__(self):
        return str(self)
