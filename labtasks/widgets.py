"""The live task board (``lab.board()``): buttons that send tasks, and a table of their states
redrawn from the monitor's events, at most five times a second. ``everything=True`` lists every
task the monitor hears of after the board was made (other cells, a terminal, Flower's API);
``everything=False`` only those its buttons sent, and its summary counts per button. Nothing is
printed from the monitor's thread: a widget update is a message the kernel sends for it.
"""
import dataclasses
import threading
import time
from collections import Counter
from html import escape

import ipywidgets as W
from celery import states
from celery.result import AsyncResult

from .errors import LabError
from .monitor import TaskRecord
from .waiting import wait_until

#: The states a task goes through, in order (a task the monitor has not heard of is PENDING).
FLOW = [states.PENDING, states.RECEIVED, states.STARTED, states.SUCCESS]
STATE_COLORS = {states.PENDING: "#9e9e9e", states.RECEIVED: "#1e88e5", states.STARTED: "#fb8c00",
                states.SUCCESS: "#43a047", states.FAILURE: "#e53935", states.RETRY: "#8e24aa"}
#: Shortest time between two redraws while events pour in (seconds).
REDRAW_EVERY = 0.2


class TaskBoard:
    """Buttons that send tasks, and a live table of the tasks on the board."""

    def __init__(self, actions: dict, mon, title: str = "실시간 태스크 보드",
                 everything: bool = True, rows: int = 15):
        self.actions = dict(actions)  # label -> task or signature, called with no arguments
        self.monitor, self.title, self.everything, self.rows = mon, title, everything, rows
        self.since = time.time()
        self.sent: list[tuple[str, object]] = []  # (label, AsyncResult), in send order
        self._names: dict[str, str] = {}
        self._lock, self._timer = threading.Lock(), None
        self.buttons = {label: W.Button(description=label, layout=W.Layout(width="auto"),
                                        button_style="danger" if "긴급" in label else "primary")
                        for label in self.actions}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, label=label: self.fire(label))
        self.status, self.table = W.HTML(), W.HTML()
        self.widget = W.VBox([W.HTML(f"<b>{escape(title)}</b>"),
                              W.HBox(list(self.buttons.values())), self.status, self.table])
        mon.add_listener(self._on_event)
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
        with self._lock:
            self.sent.append((label, result))
        self.refresh()
        return result

    def click(self, label: str, n: int = 1) -> list:
        """Click the button ``label`` ``n`` times; return the results sent."""
        before = len(self.sent)
        for _ in range(n):
            self.buttons[label].click()
        return [r for _, r in self.sent[before:]]

    def wait(self, timeout: float = 30.0, count: int = 0) -> "TaskBoard":
        """Wait until every task on the board finished and at least ``count`` are listed."""
        deadline = time.monotonic() + timeout
        self.monitor.wait_all([r for _, r in self.sent], states.SUCCESS, timeout)

        def all_done():
            found = self.records()
            return len(found) >= count and all(r.state in states.READY_STATES for r in found)
        wait_until(all_done, max(0.0, deadline - time.monotonic()),
                   "보드의 태스크가 모두 끝나기", interval=0.05)
        self.refresh()
        return self

    def close(self) -> None:
        self.monitor.remove_listener(self._on_event)
        self._timer and self._timer.cancel()
        self.widget.close()

    # reading ---------------------------------------------------------------------------------
    def records(self) -> list:
        """The monitor's records of the tasks on the board, oldest first."""
        if self.everything:
            return [self._named(r) for r in self.monitor.tasks(since=self.since)]
        found = {r.id: r for r in self.monitor.tasks(ids=[res for _, res in self.sent])}
        return [found.get(res.id) or _pending(res.id, label) for label, res in self.sent]

    def _named(self, record):
        """A finished record whose name the monitor missed (its first events came before the
        receiver subscribed) gets it from the result backend (``result_extended=True``)."""
        if record.name or record.state not in states.READY_STATES:
            return record
        if record.id not in self._names:
            try:
                self._names[record.id] = AsyncResult(record.id, app=self.monitor.app).name
            except Exception:  # noqa: BLE001 - no backend reachable: keep the record nameless
                return record
        return dataclasses.replace(record, name=self._names[record.id])

    def summary(self) -> str:
        """Per task name (or per button), how many and in which states: stable text."""
        if self.everything:
            counts = Counter((_short(r.name), r.state) for r in self.records())
            return "\n".join(f"{name}: " + ", ".join(
                f"{state} {n}" for (nm, state), n in sorted(counts.items()) if nm == name)
                for name in sorted({name for name, _ in counts})) or "태스크 없음"
        pairs = [(label, r.state) for (label, _), r in zip(self.sent, self.records())]
        lines = []
        for label in self.actions:
            mine = [s for lab, s in pairs if lab == label]
            per_state = ", ".join(f"{s} {mine.count(s)}" for s in
                                  FLOW + sorted(set(mine) - set(FLOW)) if mine.count(s))
            lines.append(f"{label}: 보냄 {len(mine)}" + (f" ({per_state})" if per_state else ""))
        return "\n".join(lines)

    # drawing ---------------------------------------------------------------------------------
    def _on_event(self, event):
        """In the monitor's thread: one redraw at most every ``REDRAW_EVERY`` seconds."""
        with self._lock:
            if self._timer is None and str(event.get("type", "")).startswith("task-"):
                self._timer = threading.Timer(REDRAW_EVERY, self._deferred)
                self._timer.daemon = True
                self._timer.start()

    def _deferred(self):
        with self._lock:
            self._timer = None
        self.refresh()

    def refresh(self) -> None:
        records = self.records()
        done = sum(r.state in states.READY_STATES for r in records)
        self.status.value = f"태스크 {len(records)}개 · 끝난 태스크 <b>{done}</b> / {len(records)}"
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ["#", "태스크", "상태", "워커", "실행 시간"])
        body = []
        for number, r in list(enumerate(records, start=1))[-self.rows:]:
            runtime = f"{r.runtime * 1000:.0f} ms" if r.runtime is not None else "-"
            cells = [str(number), escape(_short(r.name)), _flow(r.state),
                     escape((r.worker or "-").split("@")[0]), runtime]
            body.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)
                        + "</tr>")
        self.table.value = (f"<table class='labtasks-board'><tr>{head}</tr>{''.join(body)}</table>"
                            if body else "<i>아직 태스크가 없습니다. 버튼을 눌러 보세요.</i>")

    def __repr__(self):
        return f"<{self.title}: 버튼 {', '.join(self.actions) or '없음'}>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # stable: the widget's own repr lists every trait
        return bundle


def _pending(task_id: str, label: str):
    """A placeholder record for a task the monitor has not heard of yet."""
    return TaskRecord(task_id, label, states.PENDING, *[None] * 7, 0, None, None)


def _short(name: str | None) -> str:
    """``labtasks.tasks.basics.add`` -> ``add`` (the guide's names)."""
    return (name or "?").rsplit(".", 1)[-1]


def _flow(state: str) -> str:
    """PENDING → RECEIVED → STARTED → SUCCESS, with the current state highlighted."""
    steps = FLOW if state in FLOW else FLOW[:-1] + [state]
    reached = steps.index(state)
    return " → ".join(
        f"<b style='color:{STATE_COLORS.get(step, '#000')}'>{step}</b>" if i == reached else
        f"<span style='color:{'#555' if i < reached else '#ccc'}'>{step}</span>"
        for i, step in enumerate(steps))

