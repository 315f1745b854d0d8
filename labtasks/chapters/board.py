"""The live task board of chapters 03 and 07: buttons that send tasks, and a table of the tasks
they sent, redrawn from the kernel's event monitor (``board({...})``)."""
import dataclasses
import time
from collections import Counter
from html import escape

import ipywidgets as W
from celery import states
from celery.result import AsyncResult

from ..errors import LabError
from ..handle import lab
from ..waiting import wait_until
from ..widgets import Live, short

#: The states a task goes through, in order (a task the monitor has not heard of is PENDING).
FLOW = [states.PENDING, states.RECEIVED, states.STARTED, states.SUCCESS]
STATE_COLORS = {states.PENDING: "#9e9e9e", states.RECEIVED: "#1e88e5", states.STARTED: "#fb8c00",
                states.SUCCESS: "#43a047", states.FAILURE: "#e53935", states.RETRY: "#8e24aa"}

class TaskBoard(Live):
    """Buttons that send tasks, and a live table of the tasks on the board."""

    rows = 15  # the newest tasks shown

    def __init__(self, actions: dict, mon, title: str = "실시간 태스크 보드"):
        self.actions = dict(actions)  # label -> task or signature, called with no arguments
        self.title = title
        self.since = time.time()
        self.sent: list[tuple[str, object]] = []  # (label, AsyncResult), in send order
        self._names: dict[str, str] = {}
        self.buttons = {label: W.Button(description=label, layout=W.Layout(width="auto"),
                                        button_style="danger" if "긴급" in label else "primary")
                        for label in self.actions}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, label=label: self.fire(label))
        self.status = W.HTML()
        self.table = W.HTML()
        self.widget = W.VBox([W.HTML(f"<b>{escape(title)}</b>"),
                              W.HBox(list(self.buttons.values())), self.status, self.table])
        self._follow(mon)
        self.refresh()

    def fire(self, label: str):
        """Send the task behind ``label`` (what its button does); return its AsyncResult."""
        if label not in self.actions:
            raise LabError(f"'{label}' 버튼이 없습니다. 있는 버튼: {', '.join(self.actions) or '없음'}")
        action = self.actions[label]
        try:
            result = action.apply_async() if hasattr(action, "apply_async") else action()
        except Exception as exc:  # shown on the board, then raised for code callers
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

    def records(self) -> list:
        """The monitor's records of the tasks on the board, oldest first."""
        return [self._named(r) for r in self.monitor.tasks(since=self.since)]

    def _named(self, record):
        """A finished record whose name the monitor missed (its first events came before the
        receiver subscribed) gets it from the result backend (``result_extended=True``)."""
        if record.name or record.state not in states.READY_STATES:
            return record
        if record.id not in self._names:
            try:
                self._names[record.id] = AsyncResult(record.id, app=self.monitor.app).name
            except Exception:  # no backend reachable: keep the record nameless
                return record
        return dataclasses.replace(record, name=self._names[record.id])

    def summary(self) -> str:
        """Per task name, how many in which states: stable text."""
        counts = Counter((short(r.name), r.state) for r in self.records())
        return "\n".join(f"{name}: " + ", ".join(
            f"{state} {n}" for (nm, state), n in sorted(counts.items()) if nm == name)
            for name in sorted({name for name, _ in counts})) or "태스크 없음"

    def refresh(self) -> None:
        records = self.records()
        done = sum(r.state in states.READY_STATES for r in records)
        self.status.value = f"태스크 {len(records)}개 · 끝난 태스크 <b>{done}</b> / {len(records)}"
        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ["#", "태스크", "상태", "워커", "실행 시간"])
        body = []
        for number, r in list(enumerate(records, start=1))[-self.rows:]:
            runtime = f"{r.runtime * 1000:.0f} ms" if r.runtime is not None else "-"
            cells = [str(number), escape(short(r.name)), _flow(r.state),
                     escape((r.worker or "-").split("@")[0]), runtime]
            body.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)
                        + "</tr>")
        self.table.value = (f"<table class='labtasks-board'><tr>{head}</tr>{''.join(body)}</table>"
                            if body else "<i>아직 태스크가 없습니다. 버튼을 눌러 보세요.</i>")

    def __repr__(self):
        return f"<{self.title}: 버튼 {', '.join(self.actions) or '없음'}>"


def board(actions: dict | None = None, title: str = "실시간 태스크 보드") -> TaskBoard:
    """Buttons for ``actions`` (label -> signature) and a live table of the tasks they send."""
    return TaskBoard(actions or {}, lab.monitor(), title=title)


def _flow(state: str) -> str:
    """PENDING → RECEIVED → STARTED → SUCCESS, with the current state highlighted."""
    steps = FLOW if state in FLOW else FLOW[:-1] + [state]
    reached = steps.index(state)
    return " → ".join(
        f"<b style='color:{STATE_COLORS.get(step, '#000')}'>{step}</b>" if i == reached else
        f"<span style='color:{'#555' if i < reached else '#ccc'}'>{step}</span>"
        for i, step in enumerate(steps))

