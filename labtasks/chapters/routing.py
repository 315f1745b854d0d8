"""Chapter 03, the kernel's side: the panel with one button per routed task, and plain
`celery worker` commands for the erratum on worker names."""
import sys

from .. import procs, settings
from ..handle import lab
from ..waiting import wait_until
from ..tasks.routing import normal_call, urgent_call


def routing_panel():
    """일반 태스크(normal_call)와 긴급 태스크(urgent_call)를 버튼 하나씩으로 보내는 패널."""
    return lab.board({"일반 태스크 보내기": normal_call.s(), "긴급 태스크 보내기": urgent_call.s()},
                     title="라우팅 실습 패널", everything=False)


def plain_worker(log_name: str, *options: str):
    """``celery -A labtasks worker -P solo -Q dup_demo …`` started as a child of the kernel (it dies
    with the kernel; its log is in the kernel's run folder). Returns (process, log path) once the
    worker is ready or has already exited."""
    log = settings.make_run_dir() / log_name
    log.write_bytes(b"")
    proc = procs.spawn([sys.executable, "-m", "celery", "-A", "labtasks", "worker", "-P", "solo",
                        "-Q", "dup_demo", "--without-mingle", "--without-gossip", "-l", "INFO",
                        *options], log=log, kind="worker", name=log_name, env=settings.child_env())
    wait_until(lambda: proc.poll() is not None or b" ready." in log.read_bytes(), 30,
               f"워커({log_name})가 준비되거나 끝나기", interval=0.05)
    return proc, log
