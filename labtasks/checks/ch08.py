"""08장 연습문제의 확인 함수. 답을 실제 워커에서 재거나 돌려 보고 판정합니다."""
import functools
import time

from celery import group

from ..handle import lab
from ..tasks.pools import io_wait
from . import judge

#: 연습 1의 배치: io_wait(0.5) 12개를 threads -c 4 워커에서
BATCH, POOL, CONCURRENCY = (0.5, 12), "threads", 4


@functools.cache
def _measured() -> float:
    """연습 1의 배치를 한 번 실제로 재어 둡니다(같은 답에 늘 같은 판정이 나오도록)."""
    w = lab.worker("ex08-1", queues=["ex08-1"], pool=POOL, concurrency=CONCURRENCY)
    try:
        seconds, n = BATCH
        began = time.monotonic()
        group(io_wait.s(seconds) for _ in range(n)).apply_async(queue="ex08-1").get(timeout=30)
        return time.monotonic() - began
    finally:
        w.stop()


def _predict(answer):
    assert isinstance(answer, (int, float)) and not isinstance(answer, bool), \
        "초 단위의 숫자 하나로 답하세요."
    assert answer > 0, "걸리는 시간은 0보다 큽니다."
    ratio = _measured() / answer
    assert ratio < 1.7, "실제로는 예상보다 훨씬 오래 걸렸습니다. 동시에 몇 개까지 기다릴 수 있나요?"
    assert ratio > 0.75, "실제로는 예상보다 훨씬 빨랐습니다. 한 번에 하나씩만 기다리나요?"


def 연습_1(답):
    """예상한 시간과, 확인 함수가 직접 잰 시간이 같은 크기인지(0.75~1.7배) 봅니다."""
    return judge("08", 1, 답, _predict)


def _overlap(records) -> int:
    """모니터의 시작/끝 시각으로 센, 동시에 실행 중이던 태스크 수의 최댓값."""
    marks = sorted([(r.started, 1) for r in records] + [(r.finished, -1) for r in records],
                   key=lambda m: (m[0], m[1]))
    running = most = 0
    for _, step in marks:
        running += step
        most = max(most, running)
    return most


def _io_worker(answer):
    assert hasattr(answer, "spec") and hasattr(answer, "alive"), \
        "lab.worker(...)가 돌려준 워커를 답에 넣으세요."
    assert answer.alive(), "워커가 멈춰 있습니다. 셀을 다시 실행하세요."
    spec = answer.spec
    assert spec.pool in ("threads", "gevent"), \
        "기다리는 일에 프로세스를 여럿 띄우면 메모리만 듭니다. 어떤 풀이 적은 비용으로 많이 기다리나요?"
    results = [io_wait.apply_async((0.5,), queue=spec.queues[0]) for _ in range(20)]
    records = lab.monitor().wait_all(results, timeout=30)
    assert {r.worker.split("@")[0] for r in records} == {spec.name}, \
        "태스크를 다른 워커가 받았습니다. 이 워커만 듣는 큐를 주세요."
    together = _overlap(records)
    assert together >= 16, f"20개 중 동시에 기다린 것이 {together}개뿐입니다. 동시성을 확인하세요."


def 연습_2(답):
    """답의 워커에 io_wait(0.5) 20개를 보내고, 모니터가 본 시작/끝 시각으로 동시에 몇 개가 돌았는지 셉니다."""
    return judge("08", 2, 답, _io_worker)
