"""Chapter 10, the kernel's side: which beat sent each task, how many runs fall in a window of
whole periods, a second beat for the "exactly one beat" experiment, crontab run times from a
fixed "now" in a given time zone, and the backlog a stopped worker leaves. The tasks are in
``labtasks.tasks.periodic``; the names the chapter uses are importable from here too."""
import contextlib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from celery import Celery, states

from ..app import app
from ..beat import Beat
from ..display import Table
from ..tasks.periodic import tick, tick_once  # noqa: F401
from ..waiting import wait_until
from . import queues

WEEKDAYS = "월화수목금토일"
SEOUL = ZoneInfo("Asia/Seoul")


# --- who sent what, and how many ran ---------------------------------------------------------

class Senders(dict):
    """Task id -> the process that sent it: the ``hostname`` of its task-sent event, which a
    process that is not a worker (beat, the kernel) fills in as ``gen<pid>@host``."""

    def __init__(self, mon):
        super().__init__()
        mon.add_listener(self._on_event)

    def _on_event(self, event):
        if event.get("type") == "task-sent":
            self[event["uuid"]] = event.get("hostname") or ""

    def pid(self, task_id: str) -> int | None:
        found = re.match(r"gen(\d+)@", self.get(task_id, ""))
        return int(found[1]) if found else None


class Window(Table):
    """How many runs of one task each beat sent within a window of whole periods."""

    headers, caption = ["beat", "보낸 태스크", "실행된 태스크(SUCCESS)"], "주기 몇 번 동안의 실행"

    def __init__(self, counts, records, period, periods):
        self.counts, self.records, self.period, self.periods = counts, records, period, periods
        self.total = sum(runs for _, runs in counts.values())
        self._rows = [[name, sent, runs] for name, (sent, runs) in sorted(counts.items())]

    def per_period(self) -> dict[str, int]:
        """Runs per period of each beat, rounded: 1 each, also on a machine busy enough to make a
        beat send late (beat counts the next period from when it really sent, so the lateness adds
        up and a run can fall out of the window)."""
        return {name: round(runs / self.periods) for name, (_, runs) in sorted(self.counts.items())}

    def __str__(self):
        each = ", ".join(f"{name} {runs}번" for name, (_, runs) in sorted(self.counts.items()))
        return (f"주기 {self.period:g}초 × {self.periods}번 동안 실행된 {self.records[0].name}: "
                f"{self.total}번 ({each})")


_SENDERS: dict[int, Senders] = {}


def senders_of(mon) -> Senders:
    """The monitor's record of who sent each task, from the first time the chapter counts on: a
    window starts at the first send it attributes, so sends before that do not matter."""
    if id(mon) not in _SENDERS:
        _SENDERS[id(mon)] = Senders(mon)
    return _SENDERS[id(mon)]


def window(mon, senders, beats, name, period, periods=3, since=None) -> Window | None:
    """The runs of ``name`` that ``beats`` sent in ``periods`` whole periods, once every task in
    it finished (None until then). Each beat is counted in its own window, from half a period
    before its first send once every beat sends: a send up to half a period early or late (a busy
    machine) never falls on an edge, so each beat sent exactly ``periods`` tasks in it."""
    beat_of = {b.pid: b.name for b in beats}
    sends = sorted((r.sent, beat_of[senders.pid(r.id)], r)
                   for r in mon.tasks(names=[name], since=since)
                   if r.sent and senders.pid(r.id) in beat_of)
    if {who for _, who, _ in sends} != set(beat_of.values()):
        return None
    begin = max(min(t for t, who, _ in sends if who == b) for b in beat_of.values())
    inside = []
    for beat in beat_of.values():
        mine = [(t, r) for t, who, r in sends if who == beat and t >= begin]
        end = mine and mine[0][0] - period / 2 + periods * period
        if not mine or mine[-1][0] < end:
            return None  # this beat has not sent past its window yet
        inside += [(beat, r) for t, r in mine if t < end]
    if any(r.state not in states.READY_STATES for _, r in inside):
        return None
    counts = {b: (sum(who == b for who, _ in inside),
                  sum(who == b and r.state == states.SUCCESS for who, r in inside))
              for b in beat_of.values()}
    return Window(counts, [r for _, r in inside], period, periods)


def wait_window(mon, beats, name, period, periods=3, since=None, timeout=20.0) -> Window:
    """How many runs of ``name`` each of ``beats`` sent in ``periods`` whole periods, once the
    monitor has seen all of them finish (see ``window``)."""
    senders = senders_of(mon)
    return wait_until(lambda: window(mon, senders, beats, name, period, periods, since), timeout,
                      f"{name}이(가) 주기 {periods}번 동안 실행되기", interval=0.05)


@contextlib.contextmanager
def another_beat(schedule: dict, name: str = "beat-2"):
    """A second beat with the same schedule, for as long as the ``with`` block runs (what
    happens when somebody starts beat twice). ``lab.beat()`` never does this."""
    second = Beat(schedule, name=name).start()
    try:
        yield second
    finally:
        second.stop()


# --- crontab: when does it run? ----------------------------------------------------------------

def app_in(zone: str) -> Celery:
    """An app whose ``timezone`` is ``zone``: a crontab bound to it reads its hours there."""
    other = Celery("tz-" + zone, set_as_current=False)
    other.conf.timezone = zone
    return other


def next_runs(cron, after: datetime, n: int = 3) -> list[datetime]:
    """The next ``n`` times ``cron`` is due after ``after`` (what beat would compute)."""
    runs, last = [], after
    for _ in range(n):
        start, delta, _ = cron.remaining_delta(last)
        last = start + delta
        runs.append(last)
    return runs


def when(moment: datetime, zone=SEOUL) -> str:
    """``2026-11-27 (금) 09:00`` in ``zone`` (no seconds: a stable, readable form)."""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d} ({WEEKDAYS[local.weekday()]}) {local:%H:%M}"


class RunTimes(Table):
    headers, caption = ["timezone", "다음 실행(그 시간대)", "서울 시각"], "crontab의 다음 실행 시각"

    def __init__(self, crons: dict, after: datetime, n: int = 3):
        self._rows = [[zone, when(t, ZoneInfo(zone)), when(t)]
                      for zone, cron in crons.items() for t in next_runs(cron, after, n)]


# --- the backlog a stopped worker leaves ---------------------------------------------------------

class Backlog(Table):
    """Per label (the task's argument): how many were sent, ran, were skipped by the worker as
    expired (REVOKED), or never reached a worker (PENDING: the broker threw them away)."""

    headers = ["항목", "보낸 수", "실행(SUCCESS)", "건너뜀(REVOKED)", "워커에 닿지 않음(PENDING)"]
    caption = "쌓였던 tick"

    def __init__(self, records):
        labels = sorted({r.args for r in records})
        self.by_label = {label.strip("()[],'\" "): [r for r in records if r.args == label]
                         for label in labels}
        self._rows = [[label, len(rs)] + [sum(r.state == s for r in rs) for s in
                                          (states.SUCCESS, states.REVOKED, states.PENDING)]
                      for label, rs in self.by_label.items()]

    def count(self, label: str, state: str) -> int:
        return sum(r.state == state for r in self.by_label.get(label, []))

    def all_in(self, label: str, state: str) -> bool:
        return bool(self.by_label.get(label)) and self.count(label, state) == len(
            self.by_label[label])


def backlog(mon, records, queue: str = "celery", timeout: float = 20.0) -> Backlog:
    """The backlog once it is over: ``queue`` is empty and every task in it has finished.
    The entries of ``beat_schedule`` with ``expires`` name (by their first argument) the tasks that
    may expire.

    Celery gives a message with ``expires`` a broker TTL too (``expiration``). RabbitMQ honours
    it and throws the expired message away itself: no worker ever sees it, and the monitor keeps
    it PENDING. Redis has no per-message TTL: the worker receives it and records it REVOKED."""
    with app.connection_for_read() as conn:
        broker_drops = conn.transport.driver_type == "amqp"
    expiring = {str(entry.get("args", ("",))[0]) for entry in app.conf.beat_schedule.values()
                if entry.get("options", {}).get("expires") is not None}

    def over():
        if queues.length(queue):
            return None
        backlog = Backlog(mon.tasks(ids=records))
        for label, rs in backlog.by_label.items():
            gone = broker_drops and label in expiring  # PENDING for good
            if not all(r.state in states.READY_STATES or (gone and r.state == states.PENDING)
                       for r in rs):
                return None
        return backlog
    return wait_until(over, timeout, f"큐 {queue}에 쌓였던 태스크가 모두 끝나기", interval=0.05)
