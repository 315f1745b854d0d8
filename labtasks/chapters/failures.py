"""Chapter 09, the kernel's side: count executions, kill a worker in the middle of a batch, and
list every attempt of a task from the monitor's events. The tasks are in
``labtasks.tasks.failures``; the names the chapter uses are importable from here too."""
import contextlib
import json
import os
import signal
import time
import uuid
from datetime import datetime

from ..app import app
from ..display import Table
from ..handle import lab
from ..tasks.failures import (  # noqa: F401
    _execute_once,
    _keys,
    call_api,
    divide,
    fetch_flaky,
    record_once,
    record_once_early_ack,
    slow_report,
    stuck,
    wait_inside,
)
from ..waiting import wait_until


def executions(run) -> dict[int, int]:
    """How many times each ``i`` of the run was executed (the kernel reads this)."""
    return {int(k): int(v) for k, v in app.backend.client.hgetall(_keys(run)[0]).items()}


def effects(run) -> int:
    """How many distinct effects the run left behind."""
    return app.backend.client.hlen(_keys(run)[1])



#: Worker options for the crash runs. ``visibility_timeout`` matters for a Redis broker only: a
#: message a dead worker took comes back after that many seconds (default: an hour). The restore
#: sweep then runs every second, under a lock in Redis that a worker killed inside the sweep keeps
#: for ``unacked_mutex_expire`` seconds (default: five minutes, with nothing restored meanwhile).
#: RabbitMQ returns the messages as soon as the connection drops.
CRASH_TRANSPORT = {"visibility_timeout": 1, "unacked_restore_interval": 1,
                   "unacked_restore_throttle": 1, "unacked_mutex_expire": 3,
                   "max_retries": 2, "interval_start": 0,
                   "interval_step": 0.5, "interval_max": 1}
CRASH_OPTIONS = ("--prefetch-multiplier", "1", "--",
                 "broker_transport_options=(json)" + json.dumps(CRASH_TRANSPORT))


def kill(worker) -> None:
    """SIGKILL the worker and its pool children at once, like a crash or the OOM killer."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.proc.wait(10)


def idle(worker) -> bool:
    """``worker`` answers that it runs no task."""
    active = app.control.inspect([worker.nodename], timeout=1.0, limit=1).active() or {}
    return worker.nodename in active and not active[worker.nodename]


def lost_for_good(run, results, worker) -> bool:
    """With early acks nothing comes back: once every unfinished task was started and ``worker``
    runs none of them, the rest died with the killed worker."""
    started = executions(run)
    if any(not r.ready() and i not in started for i, r in enumerate(results)):
        return False
    return idle(worker)


class CrashRun(Table, dict):
    """What a crash run measured; shows the numbers as a small table."""

    headers, caption = ["항목", "값"], "워커를 죽인 실행"

    def rows(self):
        names = {"sent": "보낸 태스크", "done": "결과가 온 태스크", "lost": "결과가 오지 않은 태스크",
                 "executions": "실행 횟수(다시 실행 포함)", "repeated": "두 번 이상 실행된 태스크",
                 "effects": "남은 효과(멱등 기록)"}
        return [[label, self[key]] for key, label in names.items()]


def crash_run(task, n=20, seconds=0.3, kill_after=4, concurrency=2, idle=8.0,
              queue="crash", timeout=120.0) -> CrashRun:
    """One crash run of ``task`` (see ``crash_runs``)."""
    return crash_runs(task, n=n, seconds=seconds, kill_after=kill_after, concurrency=concurrency,
                      idle=idle, queue=queue, timeout=timeout)[0]


def crash_runs(*tasks, n=20, seconds=0.3, kill_after=4, concurrency=2, idle=8.0,
               queue="crash", timeout=120.0) -> list[CrashRun]:
    """For each task, side by side (a queue and workers of its own): send ``n`` tasks, SIGKILL
    the worker once ``kill_after`` of them started, start a new one.

    Waits until every result is back; with early acks, until the tasks left were all lost with
    the killed worker; else until no new result came for ``idle`` seconds (enough for a Redis
    broker to give back what the dead worker held). Returns the counts, one per task.
    """
    queues = [queue if len(tasks) == 1 else f"{queue}-{k + 1}" for k in range(len(tasks))]
    runs = [uuid.uuid4().hex[:8] for _ in tasks]
    options = list(CRASH_OPTIONS)
    firsts = [lab.worker(f"{q}-1", queues=[q], concurrency=concurrency, options=options)
              for q in queues]
    sent = [[task.apply_async((run, i, seconds), queue=q) for i in range(n)]
            for task, run, q in zip(tasks, runs, queues, strict=True)]
    deadline = time.monotonic() + timeout
    wait_until(lambda: all(len(executions(run)) >= kill_after for run in runs), timeout,
               f"태스크 {kill_after}개가 시작되기")
    # a third into the running tasks: the workers have sent their early acks by then (they go
    # through the event loop a moment after a task starts), and the tasks are still running
    time.sleep(seconds / 3)
    first_pids = [first.pid for first in firsts]
    for first in firsts:
        kill(first)
    replacements = [lab.worker(f"{q}-2", queues=[q], concurrency=concurrency, options=options)
                    for q in queues]
    second_pids = [second.pid for second in replacements]
    try:
        done = [0] * len(tasks)
        last_change = [time.monotonic()] * len(tasks)
        waiting = set(range(len(tasks)))
        while waiting and time.monotonic() < deadline:
            for k in sorted(waiting):
                results, now = sent[k], time.monotonic()
                now_done = sum(r.ready() for r in results)
                if now_done != done[k]:
                    done[k], last_change[k] = now_done, now
                if (now_done == n or now - last_change[k] >= idle
                        or (not tasks[k].acks_late
                            and lost_for_good(runs[k], results, replacements[k]))):
                    waiting.discard(k)
            time.sleep(0.1)
    finally:
        lab.stop(*replacements, *firsts)  # the first ones are already dead: this only tidies up
    out = []
    for k, run in enumerate(runs):
        finished = sum(r.ready() for r in sent[k])
        counts = executions(run)
        out.append(CrashRun(sent=n, done=finished, lost=n - finished, executions=sum(counts.values()),
                            repeated=sum(1 for c in counts.values() if c > 1),
                            effects=effects(run),
                            worker_pids=[first_pids[k], replacements[k].pid or second_pids[k]]))
    return out


def eta_run(countdown=1.2, visibility_timeout=0.7, queue="eta") -> dict:
    """Send one early-ack task with ``countdown`` to a healthy worker whose Redis transport uses
    ``visibility_timeout``; return how many times it ran and whether the broker is Redis."""
    run = uuid.uuid4().hex[:8]
    # the sweep every half timeout: the copy is back well before the ETA
    transport = dict(CRASH_TRANSPORT, visibility_timeout=visibility_timeout,
                     unacked_restore_interval=visibility_timeout / 2)
    options = ["--prefetch-multiplier", "1", "--",
               "broker_transport_options=(json)" + json.dumps(transport)]
    worker = lab.worker(f"{queue}-1", queues=[queue], concurrency=2, options=options)
    try:
        result = record_once_early_ack.apply_async((run, 0, 0.05), queue=queue,
                                                   countdown=countdown)
        result.get(timeout=countdown + 10)
        # a copy the broker gave back runs at the same ETA: wait for it, half a second at most
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: executions(run).get(0, 0) >= 2, 0.5, "다시 받은 복사본의 실행")
        # and until it finished: an idle worker stops at once, a busy one takes the warm shutdown
        wait_until(lambda: idle(worker), 5, "복사본의 실행이 끝나기")
    finally:
        worker.stop()
    with app.connection_for_write() as conn:
        redis = conn.transport.driver_type == "redis"
    return {"runs": executions(run).get(0, 0), "redis": redis}


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
    seen = []
    mon.add_listener(seen.append)
    try:
        result = send()
        mon.wait_for(result, "SUCCESS", timeout=timeout)
        # the final event may come just after the state the monitor reports
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: any(e["type"] in ("task-succeeded", "task-failed") for e in seen
                                   if e.get("uuid") == result.id), 2, "마지막 이벤트")
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
