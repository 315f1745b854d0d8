"""Chapter 06: DB connections in workers, and which worker signals fire in which pool.

Every connection opened or closed, and every worker signal received, is written as a row of the
``events`` table of a sqlite file. The file is named by the environment variable ``LABTASKS_DB``:
the chapter calls ``setup()`` in the kernel, which sets it, and the workers it starts afterwards
inherit it. Without that variable every handler here does nothing, so the workers of the other
chapters are untouched.
"""
import os
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing

from celery import Task, signals

from ..app import app
from ..display import table as html_table, text_table

ENV = "LABTASKS_DB"
SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT,          -- 'open', 'close', 'close-failed' or 'signal'
    label TEXT,         -- which connection pattern, or which signal
    pid INTEGER,
    thread TEXT,
    main_thread INTEGER
)"""


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def record(kind: str, label: str) -> None:
    """Append one event; its own short connection, so it never disturbs the ones we study."""
    if not enabled():
        return
    main = threading.current_thread() is threading.main_thread()
    with closing(sqlite3.connect(os.environ[ENV], timeout=30)) as conn, conn:
        conn.execute("INSERT INTO events (kind, label, pid, thread, main_thread) "
                     "VALUES (?, ?, ?, ?, ?)",
                     (kind, label, os.getpid(), threading.current_thread().name, int(main)))


def connect(label: str, **kwargs) -> sqlite3.Connection:
    """Open a connection to the chapter's sqlite file and record it."""
    conn = sqlite3.connect(os.environ[ENV], timeout=30, **kwargs)
    record("open", label)
    return conn


def close(conn: sqlite3.Connection | None, label: str) -> None:
    if conn is None:
        return
    try:
        conn.close()
        record("close", label)
    except sqlite3.ProgrammingError:  # closed from another thread than the one that opened it
        record("close-failed", label)


# --- 1. The guide's pattern: one connection per worker process ---------------------------------

db_conn = None


@signals.worker_process_init.connect
def open_process_connection(**kwargs):
    global db_conn
    if enabled():
        db_conn = connect("process")


@signals.worker_process_shutdown.connect
def close_process_connection(**kwargs):
    global db_conn
    close(db_conn, "process")
    db_conn = None


@app.task
def db_query():
    """Use the process's connection (None where worker_process_init never fired)."""
    if db_conn is None:
        return None
    return db_conn.execute("SELECT 210 + 210").fetchone()[0]


# --- 2. The guide's lazy Task subclass, and how to close it -------------------------------------

class DatabaseTask(Task):
    """The guide's class: the connection is made on first use and kept on the task object."""
    _db = None
    label = "lazy"

    @property
    def db(self):
        if self._db is None:
            self._db = connect(self.label)
        return self._db

    def close_db(self):
        close(self._db, self.label)
        self._db = None


@app.task(base=DatabaseTask)
def db_call(pause=0.0):
    time.sleep(pause)  # a pause lets several threads run at once (section 4 of the chapter)
    return db_call.db.execute("SELECT 210 + 210").fetchone()[0]


class ThreadLocalDatabaseTask(Task):
    """The fix for the threads pool: one connection per thread.

    ``check_same_thread=False`` only lets the shutdown handler (main thread) close them; each
    connection is still used by the one thread that opened it.
    """
    label = "thread-local"
    _local = threading.local()
    _all: list = []
    _lock = threading.Lock()

    @property
    def db(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.label, check_same_thread=False)
            with self._lock:
                self._all.append(conn)
        return conn

    def close_db(self):
        with self._lock:
            while self._all:
                close(self._all.pop(), self.label)


@app.task(base=ThreadLocalDatabaseTask)
def db_call_threadsafe(pause=0.0):
    time.sleep(pause)
    return db_call_threadsafe.db.execute("SELECT 210 + 210").fetchone()[0]


class PerTaskDatabaseTask(DatabaseTask):
    """Closed after every task by the ``task_postrun`` handler below."""
    label = "per-task"


@app.task(base=PerTaskDatabaseTask)
def db_call_per_task():
    return db_call_per_task.db.execute("SELECT 210 + 210").fetchone()[0]


@signals.task_postrun.connect
def close_after_task(sender=None, **kwargs):
    if isinstance(sender, PerTaskDatabaseTask):
        sender.close_db()


LAZY_TASKS = (db_call, db_call_threadsafe)


@signals.worker_process_shutdown.connect
def close_lazy_in_child(**kwargs):
    """prefork: each child closes what its tasks opened."""
    for task in LAZY_TASKS:
        task.close_db()


@signals.worker_shutdown.connect
def close_lazy_in_main(**kwargs):
    """solo, threads, gevent: the tasks ran in the main process, which closes here."""
    for task in LAZY_TASKS:
        task.close_db()


# --- 3. A connection opened before the fork ------------------------------------------------------

parent_conn = None
parent_pid = None


@signals.worker_init.connect
def open_before_fork(**kwargs):
    """Opened in the worker's main process, before the prefork children exist (don't do this)."""
    global parent_conn, parent_pid
    if enabled():
        parent_conn, parent_pid = connect("before-fork"), os.getpid()


@app.task
def db_inherited():
    """Which process opened the connection this task sees, and which process uses it."""
    return {"opened_by": parent_pid, "used_by": os.getpid()}


# --- 4. Which signal fires where ---------------------------------------------------------------

WATCHED = ["worker_init", "worker_process_init", "worker_ready", "task_prerun", "task_postrun",
           "worker_process_shutdown", "worker_shutdown"]


def _watch(name):
    def handler(**kwargs):
        record("signal", name)
    handler.__name__ = f"record_{name}"
    getattr(signals, name).connect(handler, weak=False)


for _name in WATCHED:
    _watch(_name)


# --- the kernel's side: create the file, read it back -------------------------------------------

def setup(path: str | None = None) -> str:
    """Create (or empty) the chapter's sqlite file and point workers started from now on to it.

    Workers started after this call see it (the launcher passes each worker the current environment).
    """
    if path is None:
        from ..settings import run_dir
        path = str(run_dir() / "celerylab.sqlite3")
    os.environ[ENV] = path
    os.environ["LABTASKS_FULL_SHUTDOWN"] = "1"  # the lab's quick stop would skip the shutdown signals
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(SCHEMA)
        conn.execute("DELETE FROM events")
    return path


def clear() -> None:
    with closing(sqlite3.connect(os.environ[ENV], timeout=30)) as conn, conn:
        conn.execute("DELETE FROM events")


def events(kind: str | None = None) -> list[dict]:
    """The recorded rows, oldest first."""
    with closing(sqlite3.connect(os.environ[ENV], timeout=30)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    return [dict(r) for r in rows if kind is None or r["kind"] == kind]


def by_pid(kind: str, label: str) -> Counter:
    """How many ``kind`` events of ``label`` each pid recorded."""
    return Counter(e["pid"] for e in events(kind) if e["label"] == label)


def run_pool(pool: str, concurrency: int = 2, tasks: int = 4) -> dict:
    """Start a worker with ``pool``, run ``tasks`` db_query tasks, stop it; what was recorded."""
    from celery import group

    from .. import lab
    clear()
    w = lab.worker(f"sig-{pool}", queues=["db"], pool=pool, concurrency=concurrency)
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


class SignalTable:
    """Signals (rows) by pool (columns): where each one fired, and how often."""

    def __init__(self, runs: list[dict]):
        self.headers = ["시그널"] + [r["pool"] for r in runs]
        self.rows = [[name] + [_where(r, [e for e in r["events"]
                                          if e["kind"] == "signal" and e["label"] == name])
                               for r in runs] for name in WATCHED]

    def fired(self, signal: str) -> set[str]:
        """The pools in which ``signal`` fired at least once."""
        row = next(r for r in self.rows if r[0] == signal)
        return {pool for pool, cell in zip(self.headers[1:], row[1:]) if cell != "—"}

    def __repr__(self):
        return text_table(self.headers, self.rows)

    def _repr_html_(self):
        return html_table(self.headers, self.rows, caption="풀마다 발생한 시그널")


def teardown() -> None:
    """Stop recording (workers started later no longer see the variable)."""
    os.environ.pop(ENV, None)
    os.environ.pop("LABTASKS_FULL_SHUTDOWN", None)
