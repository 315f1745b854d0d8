"""Chapter 11, the kernel's side: the kernel's "next step" for ``stepper``, the events of one
task, the cost of an update measured against the result backend, and ``revoke(terminate=True)``
on other pools. The bars are in ``progress_bars``; the tasks in ``labtasks.tasks.progress``. The
names the chapter uses are importable from here.
"""
import contextlib
import time
import uuid

from celery import group, states
from celery.result import AsyncResult

from ..app import app
from ..display import Table
from ..handle import lab
from ..tasks.progress import crunch, gate_key, report, stepper, updates  # noqa: F401
from ..waiting import wait_until
from .progress_bars import FINAL, Bar, GroupBar, Tracker, follow  # noqa: F401


def event_types(send, mon=None, timeout: float = 30.0) -> str:
    """Call ``send()`` (which sends one task), follow it to its end; the types of its events, in
    order, runs of one type shown once with a count."""
    mon = mon or lab.monitor()
    seen = []
    mon.add_listener(seen.append)
    try:
        result = send()
        tracker = Tracker([result], mon)
        tracker.wait(tracker.done, timeout, "태스크가 끝나기")
        tracker.close()
        wait_until(lambda: any(e.get("uuid") == result.id and e["type"] in FINAL for e in seen),
                   5, "마지막 이벤트")
        # progress events come from the pool's child, the final one from the worker's main process,
        # over two connections: the last progress event may arrive just after; wait until the
        # task's events stop coming for 0.2 s (2 s at most)
        last = [0, time.monotonic()]

        def settled() -> bool:
            count = sum(e.get("uuid") == result.id for e in seen)
            if count != last[0]:
                last[:] = [count, time.monotonic()]
            return time.monotonic() - last[1] >= 0.2
        with contextlib.suppress(TimeoutError):
            wait_until(settled, 2, "이벤트가 멎기", interval=0.02)
    finally:
        mon.remove_listener(seen.append)
    # in the order things happen (task-sent is stamped after publishing: a worker may be quicker)
    order = ["task-sent", "task-received", "task-started", "task-progress", *FINAL]
    mine = [e for e in seen if e.get("uuid") == result.id and e["type"] in order]
    types = [e["type"] for e in sorted(mine, key=lambda e: (order.index(e["type"]),
                                                            e["timestamp"]))]
    runs = []
    for kind in types:
        if runs and runs[-1][0] == kind:
            runs[-1][1] += 1
        else:
            runs.append([kind, 1])
    return " → ".join(kind + (f" ×{n}" if n > 1 else "") for kind, n in runs)


# --- section 1: one step at a time -------------------------------------------------------------

class Steps:
    """``stepper`` started with a fresh gate: ``next()`` lets it do one step and waits until the
    result backend shows that step (or the end)."""

    def __init__(self, steps: int, **options):
        self.gate, self.steps, self.done = uuid.uuid4().hex[:12], steps, 0
        self.ignore_result = options.get("ignore_result", False)  # then it never gets ready
        self.result = stepper.apply_async((steps, self.gate), **options)

    def wait_state(self, state: str, timeout: float = 10.0) -> AsyncResult:
        wait_until(lambda: self.result.state == state, timeout, f"상태 {state}")
        return self.result

    def next(self, timeout: float = 10.0) -> AsyncResult:
        app.backend.client.rpush(gate_key(self.gate), 1)
        self.done += 1
        wait_until(lambda: self._reached(), timeout, f"{self.done}단계")
        if self.done >= self.steps and not self.ignore_result:  # the last step: wait for the end
            wait_until(self.result.ready, timeout, "마지막 단계")
        return self.result

    def _reached(self) -> bool:
        info = self.result.info
        return isinstance(info, dict) and info.get("current", 0) >= self.done


# --- section 3: what an update costs ---------------------------------------------------------

COUNTS = (0, 50, 200, 400)
#: Each count runs this many times; the fastest run counts (a busy moment only slows one down).
REPEATS = 2


class Cost(Table, dict):
    """{(count, with_event): seconds the task spent on its updates}; shows as a table."""

    headers, caption = ["업데이트 수", "update_state만", "+ 이벤트", "업데이트당"], "진행 상황 알리기의 비용"

    def rows(self):
        counts = sorted({n for n, _ in self})
        return [[n, _ms(self[n, False]), _ms(self[n, True]),
                 _ms(self[n, False] / n) + " / " + _ms(self[n, True] / n) if n else "—"]
                for n in counts]

    def per_update(self, event: bool = False) -> float:
        """Seconds per update, from the largest count."""
        n = max(n for n, _ in self)
        return self[n, event] / n


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def measure_cost(counts=COUNTS, repeats=REPEATS) -> Cost:
    """Run ``updates(n)`` for each count, without and with the event, ``repeats`` times; the task
    times itself, and the fastest run of each counts. A warm-up first: a pool process's first
    update opens its connections, which is no cost of an update."""
    group(updates.s(5, True) for _ in range(4))().get(timeout=60)
    cost = Cost()
    for n in counts:
        for event in (False, True):
            cost[n, event] = min(updates.delay(n, event).get(timeout=60) for _ in range(repeats))
    return cost


def plot(cost: Cost):
    """Seconds the updates took against how many there were."""
    import koreanize_matplotlib  # noqa: F401 - a Hangul font for the titles and labels
    import matplotlib.pyplot as plt
    counts = sorted({n for n, _ in cost})
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for event, label in [(False, "update_state만"), (True, "update_state + 이벤트")]:
        ax.plot(counts, [cost[n, event] * 1000 for n in counts], marker="o", label=label)
    ax.set_xlabel("한 태스크의 업데이트 수")
    ax.set_ylabel("업데이트에 쓴 시간(ms)")
    ax.set_title("진행 상황을 알리는 비용")
    ax.legend()
    fig.tight_layout()
    return fig


# --- section 4: revoke(terminate=True) on each pool ------------------------------------------

class Terminations(Table, list):
    """One row per pool: what the worker replied to ``revoke(terminate=True)``, and the end."""

    headers, caption = ["풀", "워커의 답", "최종 상태", "끝까지 실행됨"], "실행 중인 태스크를 terminate로 취소하면"

    def rows(self):
        return [[r["pool"], r["reply"], r["state"], "예" if r["ran_to_end"] else "아니오"]
                for r in self]


def _reply(replies, nodename) -> str:
    for reply in replies or []:
        if nodename in reply:
            answer = reply[nodename]
            return ("error: " + answer["error"].split("(", 1)[0]) if "error" in answer else "ok"
    return "답 없음"


def terminate_on(pools=("threads",), steps: int = 8, pause: float = 0.1,
                 mon=None) -> Terminations:
    """Per pool: a worker on its own queue runs ``crunch``; once it reported a step, ask for
    ``revoke(terminate=True)`` and see what the worker answers and how the task ends."""
    mon = mon or lab.monitor()
    workers = {p: lab.worker(f"cancel-{p}", queues=[f"cancel-{p}"], pool=p,
                             concurrency=1 if p == "solo" else 2) for p in pools}
    found = Terminations()
    try:
        for pool, w in workers.items():
            result = crunch.apply_async((steps, pause), queue=f"cancel-{pool}")
            bar = Bar(result, mon, title=pool, cancel=False)
            bar.wait_progress(1)
            # limit=1: back as soon as that worker answers; the timeout only matters on a busy machine
            replies = app.control.revoke(result.id, terminate=True, reply=True, timeout=5.0,
                                         limit=1, destination=[w.nodename])
            bar.wait()
            current, total = bar.tracker.progress.get(result.id, (0, steps))
            found.append({"pool": pool, "reply": _reply(replies, w.nodename),
                          "state": result.state, "ran_to_end": result.state == states.SUCCESS
                          and current == total})
            bar.close()
    finally:
        for w in workers.values():
            w.stop()
    return found
