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
    """prefork 자식 프로세스가 준비되면 그 프로세스의 연결을 엽니다."""
    global db_conn
    if enabled():
        db_conn = connect("process")


@signals.worker_process_shutdown.connect
def close_process_connection(**kwargs):
    """자식 프로세스가 끝날 때 그 프로세스의 연결을 닫습니다."""
    global db_conn
    close(db_conn, "process")
    db_conn = None


@app.task
def db_query():
    """이 프로세스의 연결로 쿼리합니다(worker_process_init이 발생하지 않은 곳에서는 None)."""
    if db_conn is None:
        return None
    return db_conn.execute("SELECT 210 + 210").fetchone()[0]


# --- 2. The guide's lazy Task subclass, and how to close it -------------------------------------

class DatabaseTask(Task):
    """가이드의 클래스: 처음 쓸 때 연결을 만들고, 태스크 객체에 두고 재사용합니다."""
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
    """클래스의 연결로 쿼리합니다. pause만큼 먼저 쉬어서 여러 태스크가 동시에 돌게 합니다."""
    time.sleep(pause)
    return db_call.db.execute("SELECT 210 + 210").fetchone()[0]


class ThreadLocalDatabaseTask(Task):
    """threads 풀을 위한 고침: 스레드마다 연결 하나.

    check_same_thread=False는 종료 핸들러(메인 스레드)가 닫을 수 있게 할 뿐이고,
    각 연결은 여전히 그것을 연 스레드만 씁니다.
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
    """스레드마다 따로 둔 연결로 쿼리합니다."""
    time.sleep(pause)
    return db_call_threadsafe.db.execute("SELECT 210 + 210").fetchone()[0]


@app.task(base=DatabaseTask)
def db_transaction(pause=0.0):
    """트랜잭션을 열고, 그 안에서 pause만큼 다른 I/O를 기다린 뒤 커밋합니다."""
    conn = db_transaction.db
    conn.execute("BEGIN")
    value = conn.execute("SELECT 210 + 210").fetchone()[0]
    time.sleep(pause)  # gevent에서는 여기서 다른 그린렛으로 넘어갑니다
    conn.commit()
    return value


@app.task(base=ThreadLocalDatabaseTask)
def db_transaction_local(pause=0.0):
    """db_transaction과 같되, 스레드(gevent에서는 그린렛)마다 따로 둔 연결을 씁니다."""
    conn = db_transaction_local.db
    conn.execute("BEGIN")
    value = conn.execute("SELECT 210 + 210").fetchone()[0]
    time.sleep(pause)
    conn.commit()
    return value


class PerTaskDatabaseTask(DatabaseTask):
    """아래의 task_postrun 핸들러가 태스크가 끝날 때마다 닫습니다."""
    label = "per-task"


@app.task(base=PerTaskDatabaseTask)
def db_call_per_task():
    return db_call_per_task.db.execute("SELECT 210 + 210").fetchone()[0]


@signals.task_postrun.connect
def close_after_task(sender=None, **kwargs):
    """태스크가 끝나면 곧바로 그 태스크의 연결을 닫습니다."""
    if isinstance(sender, PerTaskDatabaseTask):
        sender.close_db()


LAZY_TASKS = (db_call, db_call_threadsafe, db_transaction)


@signals.worker_process_shutdown.connect
def close_lazy_in_child(**kwargs):
    """prefork: 자식 프로세스마다 자기 태스크가 연 연결을 닫습니다."""
    for task in LAZY_TASKS:
        task.close_db()


@signals.worker_shutdown.connect
def close_lazy_in_main(**kwargs):
    """solo, threads, gevent: 태스크가 메인 프로세스에서 돌았으므로 여기서 닫습니다."""
    for task in LAZY_TASKS:
        task.close_db()


# --- 3. A connection opened before the fork ------------------------------------------------------

parent_conn = None
parent_pid = None


@signals.worker_init.connect
def open_before_fork(**kwargs):
    """워커의 메인 프로세스에서, prefork 자식들이 생기기 전에 엽니다(이렇게 하지 마세요)."""
    global parent_conn, parent_pid
    if enabled():
        parent_conn, parent_pid = connect("before-fork"), os.getpid()


@app.task
def db_inherited():
    """이 태스크가 보는 연결을 연 프로세스와, 그것을 쓰는 프로세스."""
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
