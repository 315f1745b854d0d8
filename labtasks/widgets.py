"""ipywidgets for the notebooks: buttons that fire tasks and a live board of their states.

    from labtasks import widgets
    panel = widgets.routing_panel()      # 일반 업무 보내기 / 긴급 업무 보내기
    panel                                # shows the buttons, the counts and the live board
    panel.click("긴급 업무 보내기", n=3)   # what a click does, from code (tests, 확인 셀)
    panel.wait()                         # until every task sent from the panel finished

    widgets.TaskPanel({"덧셈 보내기": add.s(2, 2)})   # any task or signature behind a button

The board is fed by the monitor (``labtasks.monitor``): its thread calls the panel after each event
of a task the panel sent, and the panel redraws its HTML widget. Nothing is printed from that
thread; a widget update is a message the kernel sends for it.
"""
import threading
from html import escape

import ipywidgets as W
from celery import states

from . import monitor as _monitor
from .errors import LabError

#: The states the board shows, in order (a task the monitor has not heard of yet is PENDING).
FLOW = [states.PENDING, states.RECEIVED, states.STARTED, states.SUCCESS]
STATE_COLORS = {states.PENDING: "#9e9e9e", states.RECEIVED: "#1e88e5", states.STARTED: "#fb8c00",
                states.SUCCESS: "#43a047", states.FAILURE: "#e53935", states.RETRY: "#8e24aa"}
#: How many of the latest tasks the board lists.
BOARD_ROWS = 12


class TaskPanel:
    """One button per task, how many were sent, and the state of each, live."""

    def __init__(self, actions: dict, title: str = "태스크 보내기", mon=None):
        self.actions = dict(actions)  # label -> task or signature (called with no arguments)
        self.title = title
        self.monitor = mon or _monitor.start()
        self.sent: list[tuple[str, object]] = []  # (label, AsyncResult), in send order
        self._ids: set[str] = set()
        self._lock = threading.Lock()
        self.buttons = {label: W.Button(description=label, layout=W.Layout(width="auto"),
                                        button_style="danger" if "긴급" in label else "primary")
                        for label in self.actions}
        for label, button in self.buttons.items():
            button.on_click(lambda _b, label=label: self.fire(label))
        self.counts = W.HTML()
        self.board = W.HTML()
        self.widget = W.VBox([W.HTML(f"<b>{escape(title)}</b>"),
                              W.HBox(list(self.buttons.values())), self.counts, self.board])
        self.monitor.add_listener(self._on_event)
        self.refresh()

    # actions -------------------------------------------------------------------------------
    def fire(self, label: str):
        """Send the task behind ``label`` (what its button does); return its AsyncResult."""
        try:
            result = self._send(self.actions[label])
        except KeyError:
            raise LabError(f"'{label}' 버튼이 없습니다. 있는 버튼: {', '.join(self.actions)}")
        except Exception as exc:  # noqa: BLE001 - shown on the panel, then raised for code callers
            self.counts.value = f"<span style='color:#e53935'>보내지 못했습니다: {escape(str(exc))}</span>"
            raise
        with self._lock:
            self.sent.append((label, result))
            self._ids.add(result.id)
        self.refresh()
        return result

    @staticmethod
    def _send(action):
        return action.apply_async() if hasattr(action, "apply_async") else action()

    def click(self, label: str, n: int = 1) -> list:
        """Click the button ``label`` ``n`` times; return the results sent."""
        before = len(self.sent)
        for _ in range(n):
            self.buttons[label].click()
        return [r for _, r in self.sent[before:]]

    def wait(self, state: str = states.SUCCESS, timeout: float = 30.0) -> "TaskPanel":
        """Wait until every task sent from the panel reached ``state``; then redraw."""
        self.monitor.wait_all([r for _, r in self.sent], state, timeout)
        self.refresh()
        return self

    def close(self) -> None:
        """Stop listening to the monitor and remove the widgets."""
        self.monitor.remove_listener(self._on_event)
        self.widget.close()

    # reading -------------------------------------------------------------------------------
    def states(self) -> list[tuple[str, str]]:
        """(label, state) of each task sent, in send order."""
        with self._lock:
            sent = list(self.sent)
        found = {r.id: r for r in self.monitor.tasks(ids=[res.id for _, res in sent])}
        return [(label, found[res.id].state if res.id in found else states.PENDING)
                for label, res in sent]

    def summary(self) -> str:
        """Per button: how many were sent, and how many are in each state (stable text)."""
        lines = []
        pairs = self.states()
        for label in self.actions:
            mine = [s for lab, s in pairs if lab == label]
            order = FLOW + sorted(set(mine) - set(FLOW))
            per_state = ", ".join(f"{s} {mine.count(s)}" for s in order if mine.count(s))
            lines.append(f"{label}: 보냄 {len(mine)}" + (f" ({per_state})" if per_state else ""))
        return "\n".join(lines)

    # drawing -------------------------------------------------------------------------------
    def _on_event(self, event):
        if event.get("uuid") in self._ids:
            self.refresh()

    def refresh(self) -> None:
        """Redraw the counts and the board from the monitor's state."""
        pairs = self.states()
        with self._lock:
            sent = list(self.sent)
        counts = " · ".join(f"{escape(label)} <b>{sum(1 for lab, _ in pairs if lab == label)}</b>"
                            for label in self.actions)
        done = sum(1 for _, s in pairs if s in states.READY_STATES)
        self.counts.value = f"보낸 태스크: {counts} · 끝난 태스크 <b>{done}</b> / {len(pairs)}"
        records = {r.id: r for r in self.monitor.tasks(ids=[res.id for _, res in sent])}
        rows = []
        for number, ((label, res), (_, state)) in enumerate(zip(sent, pairs), start=1):
            record = records.get(res.id)
            worker = (record.worker or "-").split("@")[0] if record else "-"
            name = (record.name if record and record.name else label)
            rows.append(f"<tr><td>{number}</td><td>{escape(name)}</td><td>{_flow(state)}</td>"
                        f"<td>{escape(worker)}</td></tr>")
        head = "<tr><th>#</th><th>태스크</th><th>상태</th><th>워커</th></tr>"
        self.board.value = (f"<table>{head}{''.join(rows[-BOARD_ROWS:])}</table>" if rows
                            else "<i>아직 보낸 태스크가 없습니다. 버튼을 눌러 보세요.</i>")

    def __repr__(self):
        return f"<{self.title}: 버튼 {', '.join(self.actions)}>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # stable: the widget's own repr lists every trait
        return bundle


def _flow(state: str) -> str:
    """PENDING → RECEIVED → STARTED → SUCCESS, with the current state highlighted."""
    steps = FLOW if state in FLOW else FLOW[:-1] + [state]
    reached = steps.index(state)
    parts = []
    for i, step in enumerate(steps):
        if i == reached:
            parts.append(f"<b style='color:{STATE_COLORS.get(step, '#000')}'>{step}</b>")
        else:
            parts.append(f"<span style='color:{'#555' if i < reached else '#ccc'}'>{step}</span>")
    return " → ".join(parts)


def routing_panel(mon=None) -> TaskPanel:
    """Chapter 03's panel: 일반 업무 (normal_call) and 긴급 업무 (urgent_call)."""
    from .tasks import normal_call, urgent_call
    return TaskPanel({"일반 업무 보내기": normal_call.s(), "긴급 업무 보내기": urgent_call.s()},
                     title="라우팅 실습 패널", mon=mon)


__all__ = ["TaskPanel", "routing_panel"]
