"""Chapter 11's progress bars, fed by the monitor's events: a widget for one task
(``Bar``) or a group (``GroupBar``), and the same as tqdm in a terminal (``follow``).

A bar reads the result backend once when it is made, then only listens: the worker's
``task-progress`` events (sent by the task) and its ``task-succeeded`` / ``-failed`` /
``-revoked`` events move it. Redraws are throttled like the live board's (``REDRAW_EVERY``).
"""
import threading
import time
from html import escape

import ipywidgets as W
from celery import states
from celery.result import AsyncResult, GroupResult

from ..handle import lab
from ..widgets import Live

#: the worker's events that end a task, and the state each one means
FINAL = {"task-succeeded": states.SUCCESS, "task-failed": states.FAILURE,
         "task-revoked": states.REVOKED}


# --- following tasks through the monitor's events ---------------------------------------------

class Tracker:
    """The latest progress (current, total) and the final state of some tasks, from events.

    Listens first, then reads the result backend once: nothing that happened before is missed.
    """

    def __init__(self, results, mon=None):
        self.results = list(results)
        self.ids = {r.id for r in self.results}
        self.progress: dict[str, tuple[int, int]] = {}
        self.final: dict[str, str] = {}
        self.events = 0  # task-progress events received
        self.changes = 0  # anything that moved the bar
        self._cond = threading.Condition()
        self.monitor = mon or lab.monitor()
        self.monitor.add_listener(self._on_event)
        for r in self.results:
            state, info = r.state, r.info
            if state == "PROGRESS" and isinstance(info, dict):
                self.progress.setdefault(r.id, (info["current"], info["total"]))
            elif state in states.READY_STATES:
                self.final.setdefault(r.id, state)

    def _on_event(self, event):
        uid, kind = event.get("uuid"), event.get("type")
        if uid not in self.ids or (kind != "task-progress" and kind not in FINAL):
            return
        with self._cond:
            if kind == "task-progress":
                self.events += 1
                self.progress[uid] = (event["current"], event["total"])
            else:
                self.final[uid] = FINAL[kind]
            self.changes += 1
            self._cond.notify_all()

    def done(self) -> bool:
        return len(self.final) == len(self.ids)

    def position(self, task_id: str, total: int = 1) -> tuple[int, int]:
        """(current, total) of the task: its last progress, all of it once it succeeded."""
        current, total = self.progress.get(task_id, (0, total))
        return (total if self.final.get(task_id) == states.SUCCESS else current), total

    def wait(self, condition, timeout: float, what: str):
        """Wait until ``condition()`` holds (asked after each event, and every half second the
        result backend is asked whether everything is done: an event may get lost)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{what}: {timeout:g}초를 기다렸지만 이루어지지 않았습니다.")
                if not self._cond.wait(min(left, 0.5)):
                    for r in self.results:
                        if r.id not in self.final and r.ready():
                            self.final[r.id] = r.state

    def close(self):
        self.monitor.remove_listener(self._on_event)


class _Bar(Live):
    """What the single-task bar and the group bar share: widgets, waiting, and the live board's
    throttled redraw after the events that move a bar (the tracker has read them by then)."""

    EVENTS = ("task-progress", *FINAL)

    def __init__(self, results, mon, title: str, cancel: bool):
        self.title = title
        self.tracker = Tracker(results, mon)
        self.drawn: list[int] = []  # the bar's value at each redraw, in order
        self.bar = W.IntProgress(min=0, max=1, value=0, layout=W.Layout(width="320px"))
        self.label = W.HTML()
        self.cancel_button = W.Button(description="취소", button_style="danger", icon="stop",
                                      layout=W.Layout(width="auto"), disabled=not cancel)
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.widget = W.HBox([W.HTML(f"<b>{escape(title)}</b>&nbsp;"), self.bar, self.label,
                              self.cancel_button])
        self._follow(self.tracker.monitor)
        self.refresh()

    def wait(self, timeout: float = 30.0):
        """Wait until every task of the bar ended; draw the last state; return ``self``."""
        self.tracker.wait(self.tracker.done, timeout, f"{self.title}이(가) 끝나기")
        self.refresh()
        self.cancel_button.disabled = True
        return self

    def wait_progress(self, steps: int = 1, timeout: float = 30.0):
        """Wait until ``steps`` progress events arrived (or everything ended)."""
        self.tracker.wait(lambda: self.tracker.events >= steps or self.tracker.done(), timeout,
                          f"진행 상황 {steps}번")
        return self

    def cancel(self):
        """The 취소 button: ``revoke(terminate=True)``, which ends a running task under prefork."""
        self.result.revoke(terminate=True)

    def stop(self):
        self.tracker.close()
        super().stop()
    close = stop

    def __repr__(self):
        return f"<진행 막대: {self.title}>"


class Bar(_Bar):
    """One task's progress: a bar, ``current/total`` and the state, and a 취소 button."""

    def __init__(self, result: AsyncResult, mon=None, title: str | None = None,
                 cancel: bool = True):
        self.result = result
        super().__init__([result], mon, title or "태스크", cancel)

    def state(self) -> str:
        return self.tracker.final.get(self.result.id) or (
            "PROGRESS" if self.result.id in self.tracker.progress else states.PENDING)

    def refresh(self):
        current, total = self.tracker.position(self.result.id)
        state = self.state()
        self.bar.max, self.bar.value = total, current
        self.bar.bar_style = {states.SUCCESS: "success", states.REVOKED: "danger",
                              states.FAILURE: "danger"}.get(state, "info")
        self.label.value = f"&nbsp;{current}/{total} · {state}&nbsp;"
        self.drawn.append(current)

    def position(self) -> tuple[int, int]:
        """(current, total): the last step the task reported, all of them once it succeeded."""
        return self.tracker.position(self.result.id, total=0)

    def summary(self) -> str:
        """Stable text: where the bar stands."""
        current, total = self.position()
        return f"{self.title}: {current}/{total} 단계, {self.state()}"


class GroupBar(_Bar):
    """A group's progress: the bar counts finished tasks (``GroupResult.completed_count()``),
    the label also says how far all the steps of all the tasks got."""

    def __init__(self, result: GroupResult, mon=None, title: str = "group", cancel: bool = True):
        self.result = result
        super().__init__(result.results, mon, title, cancel)

    def refresh(self):
        finished = self.result.completed_count()
        done = sum(c for c, _ in self.tracker.progress.values())
        steps = sum(t for _, t in self.tracker.progress.values())
        self.bar.max, self.bar.value = len(self.result), finished
        self.bar.bar_style = "success" if finished == len(self.result) else "info"
        share = f" · 단계 {100 * done // steps}%" if steps else ""
        self.label.value = f"&nbsp;끝난 태스크 {finished}/{len(self.result)}{share}&nbsp;"
        self.drawn.append(finished)

    def summary(self) -> str:
        return f"{self.title}: 끝난 태스크 {self.result.completed_count()}/{len(self.result)}"


def follow(result, bar: str = "widget", mon=None, timeout: float = 60.0, file=None,
           title: str | None = None):
    """Show ``result``'s progress until it ends. ``bar="widget"``: the notebook's bar (displayed,
    then waited for); ``bar="tqdm"``: a tqdm bar, the same in a terminal (``file``: where it
    writes, stderr by default). Returns the bar (widget) or the tqdm object (closed)."""
    if bar == "widget":
        from IPython.display import display
        shown = (GroupBar if isinstance(result, GroupResult) else Bar)(result, mon, title=title)
        display(shown)
        return shown.wait(timeout)
    if bar != "tqdm":
        raise ValueError(f"bar는 'widget' 또는 'tqdm'입니다: {bar!r}")
    from tqdm import tqdm
    tracker = Tracker([result], mon)
    title = title or "태스크"
    line = tqdm(total=1, desc=title, file=file, mininterval=0, ascii=" #",
                bar_format="{desc}: {percentage:3.0f}%|{bar:20}| {n}/{total}")
    try:
        seen = -1
        while True:
            tracker.wait(lambda seen=seen: tracker.changes != seen or tracker.done(), timeout, title)
            seen = tracker.changes
            line.n, line.total = tracker.position(result.id)
            line.refresh()
            if tracker.done():
                return line
    finally:
        line.close()
        tracker.close()
