"""Chapter 09: tasks that fail, retry, run out of time, or get delivered twice.

Flaky tasks count their attempts in ``self.request.retries`` (how many times this call has been
retried so far), so a given call fails the same way every time it is sent: outputs stay stable.
"""
import os
import time

from celery.exceptions import SoftTimeLimitExceeded

from ..app import app


@app.task
def divide(x, y):
    """Fails with ZeroDivisionError when ``y`` is 0."""
    return x / y


@app.task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=False,
          max_retries=3)
def fetch_flaky(self, failures=2):
    """Raises ConnectionError on its first ``failures`` attempts; Celery retries it by itself."""
    if self.request.retries < failures:
        raise ConnectionError(f"{self.request.retries + 1}번째 시도: 연결 실패")
    return f"{self.request.retries + 1}번째 시도에 성공"


@app.task(bind=True, max_retries=3)
def call_api(self, message, failures=1):
    """Retried by hand with ``self.retry(countdown=…)`` when the (pretend) API is down."""
    try:
        if self.request.retries < failures:
            raise ConnectionError("API 서버가 응답하지 않음")
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=0.5)
    return f"전송 완료: {message} (재시도 {self.request.retries}회)"


@app.task(soft_time_limit=0.5, time_limit=3)
def slow_report(seconds=2):
    """Catches the soft time limit and returns what it finished."""
    try:
        for _ in range(int(seconds * 10)):
            time.sleep(0.1)
    except SoftTimeLimitExceeded:
        return f"소프트 시간 제한: {seconds}초 분량 중 일부만 처리하고 정리함"
    return "모두 처리함"


@app.task(time_limit=0.5)
def stuck(seconds=5):
    """Never finishes in time: the hard limit kills the process running it."""
    time.sleep(seconds)
    return "끝"


@app.task(bind=True)
def wait_inside(self, x, y):
    """The mistake: waiting for another task's result inside a task."""
    from .basics import add
    return add.delay(x, y).get(timeout=5)


# --- at-least-once delivery ------------------------------------------------------------------

def _redis():
    """The result backend's Redis client (both course setups keep results in Redis)."""
    return app.backend.client


def _keys(run):
    return f"labtasks:run:{run}:executions", f"labtasks:run:{run}:effects"


def _execute_once(run, i, seconds):
    executions, effects = _keys(run)
    client = _redis()
    client.hincrby(executions, i, 1)          # every execution counts, including repeats
    time.sleep(seconds)
    client.hsetnx(effects, i, os.getpid())    # the effect itself happens once per i: idempotent
    client.expire(executions, 3600)
    client.expire(effects, 3600)
    return i


@app.task(acks_late=True, reject_on_worker_lost=True)
def record_once(run, i, seconds=0.2):
    """Acknowledged after it ran: a worker killed midway leaves it in the broker to run again."""
    return _execute_once(run, i, seconds)


@app.task
def record_once_early_ack(run, i, seconds=0.2):
    """The default: acknowledged when a pool process takes it, so a crash loses it."""
    return _execute_once(run, i, seconds)


def executions(run) -> dict[int, int]:
    """How many times each ``i`` of the run was executed (the kernel reads this)."""
    return {int(k): int(v) for k, v in _redis().hgetall(_keys(run)[0]).items()}


def effects(run) -> int:
    """How many distinct effects the run left behind."""
    return _redis().hlen(_keys(run)[1])


# --- the kernel's side: kill a worker in the middle of a batch ----------------------------------

#: Worker options for the crash runs. ``visibility_timeout`` matters for a Redis broker only: a
#: message a dead worker took comes back after that many seconds (default: an hour). The restore
#: sweep then runs every second. RabbitMQ returns the messages as soon as the connection drops.
CRASH_TRANSPORT = {"visibility_timeout": 5, "unacked_restore_interval": 1,
                   "unacked_restore_throttle": 1, "max_retries": 2, "interval_start": 0,
                   "interval_step": 0.5, "interval_max": 1}
CRASH_OPTIONS = ("--prefetch-multiplier", "1", "--",
                 "broker_transport_options=(json)" + __import__("json").dumps(CRASH_TRANSPORT))


def kill(worker) -> None:
    """SIGKILL the worker and its pool children at once, like a crash or the OOM killer."""
    import signal
    os.killpg(worker.pid, signal.SIGKILL)
    worker.proc.wait(10)


class CrashRun(dict):
    """What a crash run measured; shows the numbers as a small table."""

    def rows(self):
        names = {"sent": "보낸 태스크", "done": "결과가 온 태스크", "lost": "결과가 오지 않은 태스크",
                 "executions": "실행 횟수(다시 실행 포함)", "repeated": "두 번 이상 실행된 태스크",
                 "effects": "남은 효과(멱등 기록)"}
        return [[label, self[key]] for key, label in names.items()]

    def __repr__(self):
        from ..display import text_table
        return text_table(["항목", "값"], self.rows())

    def _repr_html_(self):
        from ..display import table
        return table(["항목", "값"], self.rows(), caption="워커를 죽인 실행")


def crash_run(task, n=20, seconds=0.3, kill_after=4, concurrency=2, idle=8.0,
              queue="crash", timeout=120.0) -> CrashRun:
    """Send ``n`` tasks, SIGKILL the worker once ``kill_after`` of them started, start a new one.

    Waits until every result is back, or until no new result came for ``idle`` seconds (enough
    for a Redis broker to give back what the dead worker held). Returns the counts.
    """
    import uuid

    from .. import lab
    run = uuid.uuid4().hex[:8]
    options = list(CRASH_OPTIONS)
    first = lab.worker(f"{queue}-1", queues=[queue], concurrency=concurrency, options=options)
    results = [task.apply_async((run, i, seconds), queue=queue) for i in range(n)]
    deadline = time.monotonic() + timeout
    while len(executions(run)) < kill_after:
        if time.monotonic() > deadline:
            raise TimeoutError("태스크가 시작되지 않았습니다")
        time.sleep(0.02)
    # a third into the running tasks: the worker has sent its early acks by then (they go
    # through its event loop a moment after a task starts), and the tasks are still running
    time.sleep(seconds / 3)
    first_pid = first.pid
    kill(first)
    second = lab.worker(f"{queue}-2", queues=[queue], concurrency=concurrency, options=options)
    second_pid = second.pid
    try:
        done, last_change = 0, time.monotonic()
        while done < n and time.monotonic() - last_change < idle:
            if time.monotonic() > deadline:
                break
            now_done = sum(r.ready() for r in results)
            if now_done != done:
                done, last_change = now_done, time.monotonic()
            time.sleep(0.1)
    finally:
        second.stop()
        first.stop()  # already dead: this only tidies up
    counts = executions(run)
    return CrashRun(sent=n, done=done, lost=n - done, executions=sum(counts.values()),
                    repeated=sum(1 for c in counts.values() if c > 1), effects=effects(run),
                    worker_pids=[first_pid, second.pid or second_pid])


# --- the kernel's side: every attempt of one task, as the monitor saw it -----------------------

class Attempts(list):
    """One line per attempt of a task: what happened, from the monitor's events."""

    def __repr__(self):
        return "\n".join(self)


def watch_attempts(mon, send, timeout: float = 30.0) -> tuple["Attempts", list[int]]:
    """Call ``send()`` (which sends one task) and collect its events until it finished.

    Returns the attempts and the waits between a failure and the next attempt, in whole seconds
    (from each retry's ETA).
    """
    from datetime import datetime
    seen = []
    mon.add_listener(seen.append)
    try:
        result = send()
        mon.wait_for(result, "SUCCESS", timeout=timeout)
        end = time.monotonic() + 2
        while time.monotonic() < end and not any(  # the final event may come just after
                e["type"] in ("task-succeeded", "task-failed") for e in seen
                if e.get("uuid") == result.id):
            time.sleep(0.05)
    finally:
        mon.remove_listener(seen.append)
    mine = sorted((e for e in seen if e.get("uuid") == result.id), key=lambda e: e["timestamp"])
    received = [e for e in mine if e["type"] == "task-received"]
    retried = [e for e in mine if e["type"] == "task-retried"]
    final = [e for e in mine if e["type"] in ("task-succeeded", "task-failed")]
    lines = Attempts()
    for k in range(len(received)):
        if k < len(retried):
            lines.append(f"시도 {k + 1}: 실패 → 재시도 예약 ({retried[k]['exception']})")
        elif final:
            outcome = "성공" if final[0]["type"] == "task-succeeded" else "실패(더 재시도하지 않음)"
            lines.append(f"시도 {k + 1}: {outcome}")
    waits = []
    for k, event in enumerate(received[1:]):
        if event.get("eta") and k < len(retried):
            eta = datetime.fromisoformat(event["eta"]).timestamp()
            waits.append(round(eta - retried[k]["timestamp"]))
    return lines, waits
