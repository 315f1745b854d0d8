"""Chapter 11: tasks that say how far they got.

``update_state(state="PROGRESS", meta=…)`` writes the progress to the result backend, where
``AsyncResult.state`` / ``.info`` read it. It sends no event: ``crunch`` also sends its own
``task-progress`` event (``self.send_event``), which a monitor (the lab's, Flower) receives.
``stepper`` does one step each time the kernel says so, so a notebook can read each state exactly.
"""
import time

from ..app import app


def report(task, current, total, event=True):
    """진행 상황을 결과 백엔드에 쓰고(update_state), 원하면 이벤트로도 알립니다."""
    meta = {"current": current, "total": total}
    task.update_state(state="PROGRESS", meta=meta)
    if event:
        task.send_event("task-progress", **meta)


@app.task(bind=True, track_started=True)
def crunch(self, steps=10, pause=0.1):
    """``steps``단계의 일을 하고, 한 단계가 끝날 때마다 진행 상황을 알립니다."""
    for i in range(steps):
        time.sleep(pause)  # 한 단계의 일
        report(self, i + 1, steps)
    return {"current": steps, "total": steps}


def gate_key(gate):
    return f"labtasks:gate:{gate}"


@app.task(bind=True, track_started=True)
def stepper(self, steps, gate, timeout=20):
    """커널이 ``gate``에 "다음"을 넣을 때마다 한 단계씩 나아가며 진행 상황을 씁니다."""
    client = app.backend.client  # 이 강좌의 결과 백엔드는 Redis입니다
    for i in range(steps):
        if client.blpop(gate_key(gate), timeout=timeout) is None:
            raise TimeoutError("커널이 다음 단계를 주지 않았습니다")
        report(self, i + 1, steps, event=False)
    return {"current": steps, "total": steps}


@app.task(bind=True)
def updates(self, n, event=False):
    """진행 상황을 ``n``번 연달아 쓰고, 그 시간(초)을 돌려줍니다(업데이트 말고는 하는 일이 없습니다)."""
    began = time.perf_counter()
    for i in range(n):
        report(self, i + 1, n, event=event)
    return time.perf_counter() - began
