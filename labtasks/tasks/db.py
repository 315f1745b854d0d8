"""Chapter 06: DB connections in workers, and which worker signals fire in which pool.

Every connection opened or closed, and every worker signal received, is written as a row of the
``events`` table of a sqlite file. The file is named by the environment variable ``LABTASKS_DB``,
which the chapter's kernel side (``labtasks.chapters.db.setup``) sets before it starts workers.
Without that variable every handler here does nothing, so the workers of other chapters are
untouched.
"""
import os
import sqlite3
import threading
import time
from contextlib import closing

from celery import Task, signals

from ..app import app

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
