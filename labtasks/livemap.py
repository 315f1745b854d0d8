"""The map (``lab.map()``): the broker's queues and the messages waiting in each (the default queue,
task_routes' and task_queues' queues, those the workers consume or the map watches, and where tasks
sent but never received went), the workers with their queues and running tasks, and the results
the backend holds. Its thread reads all again every ``POLL`` s, and at most every ``THROTTLE`` s
when the monitor hears an event. ``repr``: the same view as stable text (sorted, no host names)."""
import threading
from collections import Counter
from html import escape

import ipywidgets as W
from celery import states

from . import queues
from .display import html_table, text_table
from .errors import LabError
from .waiting import wait_until

POLL, THROTTLE, INSPECT_TIMEOUT = 1.0, 0.2, 1.0
Q_HEADERS, W_HEADERS = ["큐", "대기 메시지", "소비하는 워커"], ["워커", "소비하는 큐", "실행 중인 태스크"]


class LiveMap:
    def __init__(self, app, mon, workers):
        self.app, self.monitor, self.workers = app, mon, workers  # workers(): {name: nodename}
        self.watched, self.queue_rows, self.worker_rows, self.backend = set(), [], [], ""
        self._poke, self._closed, self._lock = threading.Event(), threading.Event(), threading.Lock()
        self._listener = lambda _event: self._poke.set()
        self.html = W.HTML(_dom_classes=["labtasks-map"])
        self.widget = W.VBox([W.HTML("<b>지도: 메시지는 지금 어디에 있나</b>"), self.html])
        mon.add_listener(self._listener)
        self._thread = threading.Thread(target=self._loop, name="labtasks-map", daemon=True)
        self._thread.start()

    def watch(self, *names: str) -> "LiveMap":
        """Also show the queues ``names``; read everything now and redraw."""
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise LabError(f"큐 이름은 비어 있지 않은 문자열이어야 합니다: {names!r}")
        self.watched.update(names)
        return self.refresh()

    def _queue_names(self, consumed) -> list[str]:
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
        consumed, active = (self._ask(c, list(nodes.values())) for c in ("active_queues", "active"))
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
        replies = nodes and self.app.control.broadcast(  # only these nodes, never all
            command, destination=nodes, reply=True, timeout=INSPECT_TIMEOUT, limit=len(nodes))
        return {node: answer for reply in replies or () for node, answer in reply.items()}

    def waiting(self, queue: str) -> int:
        return next((n for q, n, _ in self.queue_rows if q == queue), 0)

    def wait(self, queue: str, count: int, timeout: float = 5.0) -> "LiveMap":
        """Read again until ``count`` messages wait in ``queue`` (RabbitMQ counts a moment late)."""
        wait_until(lambda: self.watch(queue).waiting(queue) == count, timeout,
                   f"지도에서 큐 {queue}에 메시지 {count}개", interval=0.05)
        return self

    def _loop(self):
        while not self._closed.is_set():
            self._poke.wait(POLL)
            self._poke.clear()
            try:
                self._closed.is_set() or self.refresh()
            except Exception:  # noqa: BLE001 - e.g. a stopped broker: the last view stays
                pass
            self._closed.wait(THROTTLE)

    def close(self) -> None:
        self._closed.set()
        self._poke.set()
        self.monitor.remove_listener(self._listener)
        self._thread.join(5.0)  # a refresh under way ends before the broker it reads is stopped
        self.widget.close()

    def __repr__(self):
        with self._lock:
            shown = text_table(W_HEADERS, self.worker_rows) if self.worker_rows else "워커 없음"
            return (f"브로커의 큐\n{text_table(Q_HEADERS, self.queue_rows)}\n\n워커\n{shown}\n\n"
                    f"결과 백엔드 {self.backend}")

    def _repr_mimebundle_(self, **kwargs):
        return {**self.widget._repr_mimebundle_(**kwargs), "text/plain": repr(self)}


def _counted(names) -> str:
    counts = Counter(str(n).rsplit(".", 1)[-1] for n in names)
    return ", ".join(f"{n} ×{c}" if c > 1 else n for n, c in sorted(counts.items())) or "없음"


def _results(backend) -> str:
    """How many results the backend holds (Redis: its ``celery-task-meta-*`` keys)."""
    kind, client = type(backend).__name__.removesuffix("Backend"), getattr(backend, "client", None)
    if not hasattr(client, "scan_iter"):
        return ("(rpc): 결과를 보관하지 않고 보낸 쪽에 메시지로 바로 돌려줍니다" if kind == "RPC"
                else f"({kind}): 이 백엔드의 결과 수는 세지 않습니다")
    keys = client.scan_iter(match=backend.task_keyprefix + backend.key_t("*"), count=1000)
    return f"({kind}): 보관 중인 결과 {sum(1 for _ in keys)}개"
