"""The kernel's Celery event monitor (``lab.monitor()``), a background thread as in Flower: a receiver
feeds an ``app.events.State``; ``enable_events`` is re-sent every few seconds (a worker started
without ``-E`` is silent until asked); a lost connection is retried with a growing pause."""
import contextlib
import threading
import time
import uuid
from dataclasses import dataclass

from celery import states
from celery.events.receiver import EventReceiver

#: How often ``enable_events`` is broadcast while the monitor runs (seconds).
ENABLE_EVENTS_EVERY = 5.0
#: Pause before reconnecting grows from the first value to the second (seconds).
BACKOFF = (0.5, 8.0)
#: How long ``drain_events`` blocks: also the longest wait before ``stop`` is noticed.
POLL = 0.25


@dataclass(frozen=True)
class TaskRecord:
    """One task as the monitor saw it (timestamps are ``time.time()`` values, or None)."""
    id: str
    name: str | None
    state: str
    worker: str | None
    sent: float | None
    received: float | None
    started: float | None
    succeeded: float | None
    failed: float | None
    runtime: float | None
    retries: int
    args: str | None
    result: str | None

    @property
    def finished(self) -> float | None:
        return self.succeeded or self.failed

    @property
    def first_seen(self) -> float:  # the earliest timestamp the monitor has (0.0 if none)
        return min(filter(None, (self.sent, self.received, self.started, self.finished)), default=0.0)

    @classmethod
    def of(cls, uuid_, task) -> "TaskRecord":
        return cls(uuid_, task.name, task.state, task.worker and task.worker.hostname, task.sent,
                   task.received, task.started, task.succeeded, task.failed, task.runtime,
                   task.retries or 0, task.args, task.result)


class _Receiver(EventReceiver):
    """An event receiver that gives up on a dead broker at once (the monitor retries itself)."""

    connect_max_retries = 0

    def __init__(self, monitor: "Monitor", channel, **kwargs):
        super().__init__(channel, **kwargs)
        self.monitor = monitor

    def on_connection_error(self, exc, interval):
        self.monitor.last_error = exc  # no logging: this thread never writes to the kernel's streams

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        super().on_consume_ready(connection, channel, consumers, **kwargs)
        self.monitor._on_ready(channel)

    def on_iteration(self):
        if self.monitor._stop.is_set():
            self.should_stop = True
        else:
            self.monitor._maybe_enable_events()

    def consume(self, limit=None, timeout=None, safety_interval=POLL, **kwargs):
        return super().consume(limit=limit, timeout=timeout, safety_interval=POLL, **kwargs)


class Monitor:
    def __init__(self, app):
        self.app = app
        self.state = app.events.State()
        self.last_error: BaseException | None = None
        self.connects = 0
        self.enable_every = ENABLE_EVENTS_EVERY  # seconds between enable_events broadcasts
        self._next_enable = 0.0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._receiver: _Receiver | None = None
        self._channel = None
        self._listeners: list = []
        self._probe = ("", threading.Event())  # (token, seen)

    def start(self, timeout: float = 10.0) -> "Monitor":
        """Start the thread (once) and return when events flow, or after ``timeout`` seconds."""
        if not self.running():
            self._stop.clear()
            self._ready.clear()
            self._thread = threading.Thread(target=self._run, name="labtasks-monitor", daemon=True)
            self._thread.start()
        if self._ready.wait(timeout):
            self._confirm(timeout)
        return self

    def _confirm(self, timeout: float) -> None:
        """Send probes until one comes back: the broker may route events a moment late."""
        token = uuid.uuid4().hex
        seen = threading.Event()
        self._probe = (token, seen)
        deadline = time.monotonic() + timeout
        with self.app.events.default_dispatcher() as dispatcher:
            while not seen.is_set() and time.monotonic() < deadline:
                dispatcher.send("labtasks-probe", token=token)
                seen.wait(0.1)

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def ready(self) -> bool:
        """True while the receiver is connected and consuming events."""
        return self._ready.is_set() and self.running()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the thread; True when it ended within ``timeout`` seconds."""
        self._stop.set()
        if self._receiver is not None:
            self._receiver.should_stop = True
        with self._changed:
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False
        self._thread = None
        self._ready.clear()
        return True

    def _run(self):
        pause = BACKOFF[0]
        while not self._stop.is_set():
            try:
                with self.app.connection_for_read() as conn:
                    self._receiver = _Receiver(self, conn, handlers={"*": self._on_event},
                                               app=self.app)
                    self._receiver.capture(limit=None, timeout=None, wakeup=True)
            except Exception as exc:  # any broker error: retry after a pause
                self.last_error = exc
            finally:
                self._ready.clear()
                self._receiver = None
                self._channel = None
            if self._stop.wait(pause):
                break
            pause = min(pause * 2, BACKOFF[1])

    def _on_ready(self, channel):
        self.connects += 1
        self.last_error = None
        self._channel = channel
        self._next_enable = 0.0
        self._maybe_enable_events()
        self._ready.set()

    def _maybe_enable_events(self):
        """Ask every worker to send events (on the receiver's own connection, in its thread)."""
        now = time.monotonic()
        if now >= self._next_enable and self._channel is not None:
            self._next_enable = now + self.enable_every
            self.app.control.broadcast("enable_events", connection=self._channel.connection.client,
                                       channel=self._channel)

    def _on_event(self, event):
        if event.get("type") == "labtasks-probe":
            token, seen = self._probe
            if event.get("token") == token:
                seen.set()
            return
        self.state.event(event)
        with self._changed:
            self._changed.notify_all()
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken listener must not stop the monitor
                listener(event)

    def add_listener(self, fn) -> None:
        """Call ``fn(event)`` after each event (in the monitor's thread: keep it short)."""
        self._listeners.append(fn)

    def remove_listener(self, fn) -> None:
        self._listeners.remove(fn)

    def tasks(self, ids=None, since: float | None = None, names=None) -> list[TaskRecord]:
        """Tasks seen, oldest first; only ``ids`` (ids or results), those first seen at or after
        ``since`` (a ``time.time()`` value), or those named in ``names``, if given."""
        wanted = None if ids is None else {getattr(i, "id", i) for i in ids}
        names = {names} if isinstance(names, str) else names
        with self.state._mutex:
            records = [TaskRecord.of(i, t) for i, t in self.state.tasks.items()
                       if wanted is None or i in wanted]
        records = [r for r in records if (since is None or r.first_seen >= since)
                   and (names is None or r.name in names)]
        return sorted(records, key=lambda r: (r.first_seen, r.id))

    def task(self, task_id) -> TaskRecord | None:
        return next(iter(self.tasks(ids=[task_id])), None)

    def wait_for(self, task_id, state: str = states.SUCCESS, timeout: float = 10.0) -> TaskRecord:
        """Wait until the task reached ``state`` (or a later one, or finished); return its record.
        Raises ``TimeoutError`` (with the state seen last) when it did not within ``timeout``."""
        task_id = getattr(task_id, "id", task_id)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                record = self.task(task_id)
                if record is not None and (record.state in states.READY_STATES  # or later:
                                           or states.state(record.state) >= states.state(state)):
                    return record
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    seen = record.state if record else "이벤트 없음"
                    raise TimeoutError(f"태스크 {task_id}이(가) {timeout:g}초 안에 {state}에 "
                                       f"이르지 못했습니다 (마지막 상태: {seen}).")
                self._changed.wait(min(left, 0.5))

    def wait_all(self, ids, state: str = states.SUCCESS, timeout: float = 30.0) -> list[TaskRecord]:
        """``wait_for`` every id within one overall ``timeout``."""
        deadline = time.monotonic() + timeout
        return [self.wait_for(i, state, max(0.0, deadline - time.monotonic())) for i in ids]
