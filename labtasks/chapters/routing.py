"""Chapter 03, the kernel's side: the panel with one button per routed task, and plain
`celery worker` commands (and their log lines) for the erratum on worker names."""
import sys

from celery import states

from .. import procs, readiness, settings
from ..handle import lab
from ..monitor import TaskRecord
from ..tasks.routing import normal_call, urgent_call
from ..waiting import wait_until
from .board import FLOW, TaskBoard


class RoutingPanel(TaskBoard):
    """The board with only the tasks its buttons sent, and a summary per button."""

    def records(self) -> list:
        found = {r.id: r for r in self.monitor.tasks(ids=[res for _, res in self.sent])}
        return [found.get(res.id) or TaskRecord(res.id, label, states.PENDING, *[None] * 7, 0,
                                                None, None) for label, res in self.sent]

    def summary(self) -> str:
        pairs = [(label, r.state) for (label, _), r in zip(self.sent, self.records(), strict=False)]
        lines = []
        for label in self.actions:
            mine = [s for lab_, s in pairs if lab_ == label]
            per_state = ", ".join(f"{s} {mine.count(s)}" for s in
                                  FLOW + sorted(set(mine) - set(FLOW)) if mine.count(s))
            lines.append(f"{label}: 보냄 {len(mine)}" + (f" ({per_state})" if per_state else ""))
        return "\n".join(lines)


def routing_panel() -> RoutingPanel:
    """일반 태스크(normal_call)와 긴급 태스크(urgent_call)를 버튼 하나씩으로 보내는 패널."""
    return RoutingPanel({"일반 태스크 보내기": normal_call.s(), "긴급 태스크 보내기": urgent_call.s()},
                        lab.monitor(), title="라우팅 실습 패널")


def last_finished(summary, name: str) -> float | None:
    """Seconds from the first task of ``summary`` to the last ``name`` finished (None if one of
    them has not finished)."""
    origin = min((r.first_seen for r in summary), default=0.0)
    mine = [r.finished for r in summary if r.name == name]
    return max(mine) - origin if mine and all(mine) else None


def plain_worker(log_name: str, *options: str):
    """``celery -A labtasks worker -P solo -Q dup_demo …`` started as a child of the kernel (it dies
    with the kernel; its log is in the kernel's run folder). Returns (process, log path) once the
    worker is ready or has already exited."""
    log = settings.make_run_dir() / log_name
    log.write_bytes(b"")
    ready = log.with_suffix(".ready")  # written by the worker_ready signal (labtasks.readiness)
    ready.unlink(missing_ok=True)
    proc = procs.spawn([sys.executable, "-m", "celery", "-A", "labtasks", "worker", "-P", "solo",
                        "-Q", "dup_demo", "--without-mingle", "--without-gossip", "-l", "INFO",
                        *options], log=log, kind="worker", name=log_name,
                       env={**settings.child_env(), readiness.ENV: str(ready)})
    wait_until(lambda: proc.poll() is not None or ready.exists(), 30,
               f"워커({log_name})가 준비되거나 끝나기", interval=0.05)
    return proc, log


def log_lines(log, *words: str) -> list[str]:
    """The lines of a worker's ``log`` that contain one of ``words``, with the kernel's run folder
    left out of any path in them (``worker.pid``, not the folder it lives in)."""
    folder = str(log.parent) + "/"
    return [line.replace(folder, "") for line in log.read_text().splitlines()
            if any(word in line for word in words)]
