"""Chapter 06, the kernel's side: point workers to the chapter's sqlite file, read it back, and
run one worker per pool to see which signals fire where. The tasks and handlers are in
``labtasks.tasks.db``; the names the chapter uses are importable from here too.

``worker()`` is ``lab.worker`` on the chapter's ``db`` queue; it creates the chapter's sqlite file
first (once), so a worker it starts always records, whatever order the cells run in."""
import os
import sqlite3
from collections import Counter
from contextlib import closing

from celery import group

from .. import settings
from ..display import Table
from ..handle import lab
from ..tasks.db import (  # noqa: F401
    ENV,
    SCHEMA,
    WATCHED,
    DatabaseTask,
    ThreadLocalDatabaseTask,
    close_after_task,
    close_lazy_in_child,
    close_lazy_in_main,
    close_process_connection,
    db_call,
    db_call_per_task,
    db_call_threadsafe,
    db_inherited,
    db_query,
    db_transaction,
    db_transaction_local,
    open_process_connection,
)
from ..waiting import wait_until


def setup(path: str | None = None) -> str:
    """Create (or empty) the chapter's sqlite file and point workers started from now on to it.

    Workers started after this call see it (the launcher passes each worker the current environment).
    """
    if path is None:
        path = str(settings.make_run_dir() / "celerylab.sqlite3")
    os.environ[ENV] = path
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("PRAGMA journal_mode=WAL")  # a reader's open transaction never blocks a record
        conn.execute(SCHEMA)
        conn.execute("DELETE FROM events")
    return path


def ready() -> str:
    """The chapter's sqlite file, created on first use (again after ``lab.down()`` removed it). A
    path inherited from another process (the variable in the kernel's environment) is not ours."""
    path = os.environ.get(ENV)
    ours = path and os.path.dirname(path) == str(settings.run_dir()) and os.path.exists(path)
    return path if ours else setup()


def worker(name: str = "db", pool: str = "prefork", concurrency: int = 2):
    """``lab.worker(name, queues=["db"], ...)``, recording into the chapter's sqlite file."""
    ready()
    return lab.worker(name, queues=["db"], pool=pool, concurrency=concurrency)


def clear() -> None:
    with closing(sqlite3.connect(ready(), timeout=30)) as conn, conn:
        conn.execute("DELETE FROM events")


def events(kind: str | None = None) -> list[dict]:
    """The recorded rows, oldest first."""
    with closing(sqlite3.connect(ready(), timeout=30)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    return [dict(r) for r in rows if kind is None or r["kind"] == kind]


def by_pid(kind: str, label: str) -> Counter:
    """How many ``kind`` events of ``label`` each pid recorded."""
    return Counter(e["pid"] for e in events(kind) if e["label"] == label)


def settled(label: str, timeout: float = 5.0) -> tuple[int, int]:
    """(opened, closed) of ``label`` once every open has its close. A task's result is stored
    before its ``task_postrun`` handlers run, so right after ``get()`` the last close may still be
    on its way."""
    def counts():
        kinds = [e["kind"] for e in events() if e["label"] == label]  # one read per try
        opened, closed = kinds.count("open"), kinds.count("close")
        return (opened, closed) if opened == closed else None
    return wait_until(counts, timeout, f"{label} 연결이 연 만큼 닫히기")


def run_pool(pool: str, concurrency: int = 2, tasks: int = 4) -> dict:
    """Start a worker with ``pool``, run ``tasks`` db_query tasks, stop it; what was recorded."""
    clear()
    w = worker(f"sig-{pool}", pool=pool, concurrency=concurrency)
    main_pid = w.pid
    results = group(db_query.s() for _ in range(tasks))().get(timeout=30)
    w.stop()
    return {"pool": pool, "main_pid": main_pid, "results": results, "events": events()}


def _where(run: dict, rows: list[dict]) -> str:
    if not rows:
        return "—"
    parts = []
    for place in ("메인", "자식"):
        mine = [r for r in rows if (r["pid"] == run["main_pid"]) == (place == "메인")]
        if not mine:
            continue
        if place == "메인" and not all(r["main_thread"] for r in mine):
            place = "메인·그린렛" if run["pool"] == "gevent" else "메인·풀 스레드"
        parts.append(place + (f" ×{len(mine)}" if len(mine) > 1 else ""))
    return ", ".join(parts)


class SignalTable(Table):
    """Signals (rows) by pool (columns): where each one fired, and how often."""

    caption = "풀마다 발생한 시그널"

    def __init__(self, runs: list[dict]):
        self.headers = ["시그널"] + [r["pool"] for r in runs]
        self._rows = [[name] + [_where(r, [e for e in r["events"]
                                           if e["kind"] == "signal" and e["label"] == name])
                                for r in runs] for name in WATCHED]

    def rows(self):
        return self._rows

    def fired(self, signal: str) -> set[str]:
        """The pools in which ``signal`` fired at least once."""
        row = next(r for r in self._rows if r[0] == signal)
        return {pool for pool, cell in zip(self.headers[1:], row[1:], strict=False) if cell != "—"}


def teardown() -> None:
    """Stop recording (workers started later no longer see the variable)."""
    os.environ.pop(ENV, None)
