"""Live widgets (the map, ``lab.map()``; chapter 03's and 07's task board builds on ``Live``), redrawn
from the monitor's events at most five times a second, never from the monitor's own thread (a widget update
is a message the kernel sends for it)."""
import contextlib
import threading
from collections import Counter
from html import escape

import ipywidgets as W
from celery import states

from . import queues
from .display import html_table, text_table
from .errors import LabError
from .waiting import wait_until

#: Shortest time between two redraws while events pour in (seconds).
REDRAW_EVERY = 0.2


class Live:
    """Redrawn (``refresh()``) after the monitor's events whose type starts with ``EVENTS``."""
    EVENTS: tuple[str, ...] = ("task-",)

    def _follow(self, mon) -> None:
        self.monitor = mon
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._stopped = False
        mon.add_listener(self._on_event)

    def _on_event(self, event):
        """In the monitor's thread: one redraw at most every ``REDRAW_EVERY`` seconds."""
        with self._lock:
            if self._timer is None and str(event.get("type", "")).startswith(self.EVENTS):
                self._timer = threading.Timer(REDRAW_EVERY, self._deferred)
                self._timer.daemon = True
                self._timer.start()

    def _deferred(self):
        with self._lock:
            self._timer = None
        if self._stopped:
            return
        with contextlib.suppress(Exception):  # e.g. a broker just stopped: the last view stays
            self.refresh()

    def stop(self) -> None:
        self._stopped = True
        self.monitor.remove_listener(self._on_event)
        if self._timer is not None:
            self._timer.cancel()
        self.widget.close()
    close = stop

    def _repr_mimebundle_(self, **kwargs):
        """The widget's view, with stable text (the widget's own repr lists every trait). Built
        here: ipywidgets 8 has the same bundle, 7 (Colab's) only its ``_ipython_display_``."""
        return {"text/plain": repr(self), "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}}


Q_HEADERS = ["큐", "대기 메시지", "소비하는 워커"]
W_HEADERS = ["워커", "소비하는 큐", "실행 중인 태스크"]


class LiveMap(Live):
    """Where every message is: queues, workers, results. ``repr``: the same view as stable text."""

    EVENTS = ("task-", "worker-")  # a worker's heartbeat (every 2 s) redraws it too

    def __init__(self, app, mon, workers):
        self.app = app
        self.workers = workers  # workers(): {name: nodename} of the lab's workers
        self.watched: set[str] = set()
        self.queue_rows: list[list] = []
        self.worker_rows: list[list] = []
        self.backend = ""
        self.html = W.HTML(_dom_classes=["labtasks-map"])
        self.widget = W.VBox([W.HTML("<b>지도: 메시지는 지금 어디에 있나</b>"), self.html])
        self._follow(mon)

    def watch(self, *names: str) -> "LiveMap":
        """Also show the queues ``names``; read everything now and redraw."""
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise LabError(f"큐 이름은 비어 있지 않은 문자열이어야 합니다: {names!r}")
        self.watched.update(names)
        return self.refresh()

    def _queue_names(self, consumed) -> list[str]:
        """The default queue, task_routes' and task_queues' queues, the consumed and watched ones,
        and where tasks sent but not yet received went."""
        conf = self.app.conf
        routes = conf.task_routes if isinstance(conf.task_routes, (list, tuple)) else [conf.task_routes]
        names = {conf.task_default_queue, *(q.name for q in conf.task_queues or ()), *consumed,
                 *self.watched, *(r.get("queue") for table in routes if isinstance(table, dict)
                                  for r in table.values() if isinstance(r, dict))}
        with self.monitor.state._mutex:
            names |= {t.routing_key for t in self.monitor.state.tasks.values() if t.state == states.PENDING}
        return sorted(n for n in names if n)

    def refresh(self) -> "LiveMap":
        nodes = self.workers()
        consumed = self._ask("active_queues", list(nodes.values()))
        active = self._ask("active", list(nodes.values()))
        eats = {name: sorted(q["name"] for q in consumed.get(node, ())) for name, node in nodes.items()}
        waiting = queues.lengths(self._queue_names(q for qs in eats.values() for q in qs))
        with self._lock:
            self.queue_rows = [[q, n, ", ".join(w for w in sorted(eats) if q in eats[w]) or "없음"]
                               for q, n in waiting.items()]
            self.worker_rows = [[name, ", ".join(eats[name]) if nodes[name] in consumed else "응답 없음",
                                 _counted(t["name"] for t in active.get(nodes[name], ()))]
                                for name in sorted(nodes)]
            self.backend = _results(self.app.backend)
        self.html.value = ("<style>.labtasks-map td, .labtasks-map th {padding: 1px 12px}</style>"
                           + html_table(Q_HEADERS, self.queue_rows, "브로커의 큐")
                           + html_table(W_HEADERS, self.worker_rows, "워커")
                           + f"<p><b>결과 백엔드</b> {escape(self.backend)}</p>")
        return self

    def _ask(self, command: str, nodes: list[str]) -> dict:
        """``inspect`` minus its DuplicateNodenameWarning, which would land in whatever cell runs."""
        if not nodes:
            return {}
        replies = self.app.control.broadcast(  # only these nodes, never all
            command, destination=nodes, reply=True, timeout=1.0, limit=len(nodes))
        return {node: answer for reply in replies or () for node, answer in reply.items()}

    def waiting(self, queue: str) -> int:
        return next((n for q, n, _ in self.queue_rows if q == queue), 0)

    def wait(self, queue: str, count: int, timeout: float = 5.0) -> "LiveMap":
        """Ask the broker until ``count`` messages wait in ``queue`` (RabbitMQ counts late); redraw."""
        self.watch(queue)
        wait_until(lambda: queues.lengths([queue])[queue] == count, timeout,
                   f"지도에서 큐 {queue}에 메시지 {count}개", interval=0.05)
        return self.refresh()

    def __repr__(self):
        with self._lock:
            shown = text_table(W_HEADERS, self.worker_rows) if self.worker_rows else "워커 없음"
            return (f"브로커의 큐\n{text_table(Q_HEADERS, self.queue_rows)}\n\n워커\n{shown}\n\n"
                    f"결과 백엔드 {self.backend}")


def _counted(names) -> str:
    counts = Counter(short(n) for n in names)
    return ", ".join(f"{n} ×{c}" if c > 1 else n for n, c in sorted(counts.items())) or "없음"


def _results(backend) -> str:
    """How many results the backend holds (Redis: its ``celery-task-meta-*`` keys)."""
    kind = type(backend).__name__.removesuffix("Backend")
    client = getattr(backend, "client", None)
    if not hasattr(client, "scan_iter"):
        return ("(rpc): 결과를 보관하지 않고 보낸 쪽에 메시지로 바로 돌려줍니다" if kind == "RPC"
                else f"({kind}): 이 백엔드의 결과 수는 세지 않습니다")
    keys = client.scan_iter(match=backend.task_keyprefix + backend.key_t("*"), count=1000)
    return f"({kind}): 보관 중인 결과 {sum(1 for _ in keys)}개"


def short(name: str | None) -> str:
    """``labtasks.tasks.basics.add`` -> ``add`` (the guide's names)."""
    return (name or "?").rsplit(".", 1)[-1]
