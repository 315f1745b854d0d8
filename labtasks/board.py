"""The live task board: every task the monitor sees (name, state, worker, runtime), with buttons.

    from labtasks import board
    b = board.TaskBoard({"덧셈": add.s(2, 3), "긴급 업무": urgent_call.s()})
    b                        # buttons + the table, redrawn as events arrive
    b.click("덧셈", n=3)      # what clicks do, from code
    b.wait()                 # until every task on the board finished
    print(b.summary())       # stable text: how many tasks of each name are in each state

Unlike ``widgets.TaskPanel`` (which follows the tasks its own buttons sent), the board lists
*all* tasks the monitor heard of since the board was made: those sent from other cells, from a
terminal, or from Flower's REST API as well. Flower shows the same tasks from the same events.
"""
import dataclasses
import threading
import time
from collections import Counter
from html import escape

import ipywidgets as W
from celery import states
from celery.result import AsyncResult

from . import monitor as _monitor
from .errors import LabError
from .widgets import STATE_COLORS

#: Rows shown (the latest tasks); the summary counts every task.
ROWS = 15
#: Shortest time between two redraws while events pour in (seconds).
REDRAW_EVERY = 0.2


class TaskBoard:
    """Buttons that send tasks, and a live table of every task the monitor sees."""

    def __init__(self, actions: dict | None = None, title: str = "실시간 태스크 보드", mon=None,
                 since: float | None = None, rows: int = ROWS):
        self.actions = dict(actions or {})  # label -> task or signature, called with no arguments
        self.title = title
        self.rows = rows
        self.monitor = mon or _monitor.start()
        #: only tasks first seen from this moment on (``0`` for everything the monitor knows)
        self.since = time.time() if since is None else since
        self.buttons = {label: W.Button(description=label, layout=W.Layout(width="auto"),
                                        button_style="danger" if "긴급" in label else "primary")
                        for label in self.actions}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, label=label: self.fire(label))
        self.status = W.HTML()
        self.table = W.HTML()
        self.widget = W.VBox([W.HTML(f"<b>{escape(title)}</b>"),
                              W.HBox(list(self.buttons.values())), self.status, self.table])
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._last_draw = 0.0
        self.sent: list = []  # results of the tasks this board's buttons sent
        self._names: dict[str, str] = {}
        self.monitor.add_listener(self._on_event)
        self.refresh()

    # sending ---------------------------------------------------------------------------------
    def fire(self, label: str):
        """Send the task behind ``label`` (what its button does); return its AsyncResult."""
        if label not in self.actions:
            raise LabError(f"'{label}' 버튼이 없습니다. 있는 버튼: {', '.join(self.actions) or '없음'}")
        action = self.actions[label]
        try:
            result = action.apply_async() if hasattr(action, "apply_async") else action()
        except Exception as exc:  # noqa: BLE001 - shown on the board, then raised for code callers
            self.status.value = f"<span style='color:#e53935'>보내지 못했습니다: {escape(str(exc))}</span>"
            raise
        self.sent.append(result)
        self.refresh()
        return result

    def click(self, label: str, n: int = 1) -> None:
        """Click the button ``label`` ``n`` times."""
        for _ in range(n):
            self.buttons[label].click()

    def wait(self, timeout: float = 30.0, count: int = 0) -> "TaskBoard":
        """Wait until every task on the board finished (SUCCESS, FAILURE, …) and the board shows
        at least ``count`` tasks (and every task its buttons sent); then redraw."""
        deadline = time.monotonic() + timeout
        self.monitor.wait_all(self.sent, states.SUCCESS, timeout)
        while len(self.records()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:g}초 안에 태스크 {count}개가 보이지 않았습니다.")
            time.sleep(0.05)
        while any(r.state not in states.READY_STATES for r in self.records()):
            if time.monotonic() > deadline:
                left = [f"{r.name} {r.state}" for r in self.records()
                        if r.state not in states.READY_STATES]
                raise TimeoutError(f"{timeout:g}초 안에 끝나지 않은 태스크: {', '.join(left)}")
            time.sleep(0.05)
        self.refresh()
        return self

    def close(self) -> None:
        self.monitor.remove_listener(self._on_event)
        if self._timer is not None:
            self._timer.cancel()
        self.widget.close()

    # reading ---------------------------------------------------------------------------------
    def records(self) -> list:
        """The monitor's records of the tasks on the board, oldest first."""
        return [self._named(r) for r in self.monitor.tasks(since=self.since)]

    def _named(self, record):
        """A record whose name the monitor missed (its task-sent and task-received events came
        before the event receiver was subscribed), named from the result backend, which stores
        the name (``result_extended=True``) once the task finished."""
        if record.name or record.state not in states.READY_STATES:
            return record
        name = self._names.get(record.id)
        if name is None:
            try:
                name = AsyncResult(record.id, app=self.monitor.app).name
            except Exception:  # noqa: BLE001 - no backend reachable: keep the record nameless
                name = None
            if name:
                self._names[record.id] = name
        return dataclasses.replace(record, name=name) if name else record

    def summary(self) -> str:
        """Per task name: how many, and in which states (sorted, so stable across runs)."""
        counts = Counter((_short(r.name), r.state) for r in self.records())
        names = sorted({name for name, _ in counts})
        if not names:
            return "태스크 없음"
        return "\n".join(
            f"{name}: " + ", ".join(f"{state} {n}" for (nm, state), n in sorted(counts.items())
                                   if nm == name) for name in names)

    # drawing ---------------------------------------------------------------------------------
    def _on_event(self, event):
        """Called in the monitor's thread: redraw now, or a little later if we just did."""
        if not str(event.get("type", "")).startswith("task-"):
            return
        with self._lock:
            wait = self._last_draw + REDRAW_EVERY - time.monotonic()
            if wait <= 0:
                self._last_draw = time.monotonic()
            elif self._timer is None:
                self._timer = threading.Timer(wait, self._deferred)
                self._timer.daemon = True
                self._timer.start()
                return
            else:
                return
        self.refresh()

    def _deferred(self):
        with self._lock:
            self._timer = None
            self._last_draw = time.monotonic()
        self.refresh()

    def refresh(self) -> None:
        records = self.records()
        by_state = Counter(r.state for r in records)
        self.status.value = (f"태스크 {len(records)}개 · " + " · ".join(
            f"<span style='color:{STATE_COLORS.get(s, '#000')}'>{s}</span> <b>{n}</b>"
            for s, n in sorted(by_state.items())) if records else "")
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ["#", "태스크", "상태", "워커", "실행 시간"])
        body = []
        for number, r in list(enumerate(records, start=1))[-self.rows:]:
            color = STATE_COLORS.get(r.state, "#000")
            runtime = f"{r.runtime * 1000:.0f} ms" if r.runtime is not None else "-"
            cells = [str(number), escape(_short(r.name)),
                     f"<b style='color:{color}'>{escape(r.state)}</b>",
                     escape((r.worker or "-").split("@")[0]), runtime]
            body.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)
                        + "</tr>")
        self.table.value = (f"<table class='labtasks-board'><tr>{head}</tr>{''.join(body)}</table>"
                            if body else "<i>아직 태스크가 없습니다. 버튼을 누르거나 태스크를 보내 보세요.</i>")

    def __repr__(self):
        return f"<{self.title}: 버튼 {', '.join(self.actions) or '없음'}>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def _short(name: str | None) -> str:
    """``labtasks.tasks.basics.add`` -> ``add`` (the guide's names)."""
    return (name or "?").rsplit(".", 1)[-1]


__all__ = ["SideBySide", "TaskBoard"]


class SideBySide:
    """The board and Flower's task list next to each other: same tasks, two views."""

    def __init__(self, board: TaskBoard, fl, page: str = "tasks", height: int = 420):
        self.board, self.flower = board, fl
        frame = (f"<iframe src='{escape(fl.url + page)}' width='100%' height='{height}' "
                 "style='border:1px solid #ccc'></iframe>")
        self.widget = W.HBox([W.Box([board.widget], layout=W.Layout(width="45%")),
                              W.Box([W.HTML(frame, layout=W.Layout(width="100%"))],
                                    layout=W.Layout(width="55%"))])

    def __repr__(self):
        return f"<{self.board.title} | Flower {self.flower.url}>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle
