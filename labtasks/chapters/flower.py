"""Chapter 07, the kernel's side: waiting until Flower has seen a worker or a task, and the live
board and Flower's task list, side by side."""
from html import escape

import ipywidgets as W
import requests

from ..waiting import wait_until
from .board import TaskBoard


def wait_for_worker(fl, nodename: str, timeout: float = 15.0) -> dict:
    """Wait until Flower ``fl`` has the worker's queues, tasks and stats; its ``/api/workers``
    entry."""
    def known():
        found = fl.api("workers", params={"refresh": "1", "workername": nodename})
        # each inspect reply comes separately; a slow one is simply missing this time
        entry = found.get(nodename, {})
        return entry if {"active_queues", "registered", "stats"} <= set(entry) else None
    return wait_until(known, timeout, f"Flower가 워커 {nodename}을(를) 찾기", interval=0.2)


def wait_for_task(fl, task_id: str, state: str | None = "SUCCESS", timeout: float = 15.0) -> dict:
    """Wait until Flower ``fl`` has seen ``task_id`` reach ``state`` (None: in any state);
    return ``/api/task/info``."""
    def seen():
        reply = requests.get(fl.local_url + "api/task/info/" + task_id, auth=fl.auth, timeout=10)
        ok = reply.status_code == 200 and state in (None, reply.json().get("state"))
        return reply.json() if ok else None
    return wait_until(seen, timeout, f"Flower가 태스크 {task_id}의 {state or '상태'}를 보기", interval=0.1)


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

    _repr_mimebundle_ = TaskBoard._repr_mimebundle_
