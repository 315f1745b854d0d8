"""08장 연습문제의 확인 함수. 답을 실제 워커에서 재거나 돌려 보고 판정합니다."""
import functools
import math
import statistics

from ..handle import lab
from ..tasks.pools import io_wait
from ..waiting import wait_until
from . import judge

#: 연습 1의 배치: io_wait(0.5) 12개를 threads -c 4 워커에서
BATCH, POOL, CONCURRENCY = (0.5, 12), "threads", 4


#: 받아들이는 여유(초): 한 라운드(0.5초)의 삼분의 일보다 작아, 1.0이나 2.0 같은 어림은 떨어집니다
SLACK = 0.15


@functools.cache
def _measured() -> tuple[int, float]:
    """연습 1의 배치를 한 번 실제로 돌려 둡니다(같은 답에 늘 같은 판정이 나오도록). 모니터가 본
    시작/끝 시각으로 센, 동시에 기다린 태스크 수의 최댓값과, 워커가 잰 태스크 하나의 실행 시간."""
    mon = lab.monitor()
    w = lab.worker("ex08-1", queues=["ex08-1"], pool=POOL, concurrency=CONCURRENCY)
    try:
        seconds, n = BATCH
        results = [io_wait.apply_async((seconds,), queue="ex08-1") for _ in range(n)]
        mon.wait_all(results, timeout=15)
        # 시작 이벤트가 성공 이벤트보다 늦게 처리될 수도 있어, 둘 다 보일 때까지 묻습니다
        records = wait_until(lambda: (rs := mon.tasks(ids=results)) and all(
            r.started and r.finished and r.runtime for r in rs) and len(rs) == n and rs, 5,
            "연습 1의 시작/끝 시각")
        return _overlap(records), statistics.median(r.runtime for r in records)
    finally:
        w.stop()


def band() -> tuple[float, float]:
    """받아들이는 답의 범위(초): 잰 동시성으로 12개를 다 기다리는 데 드는 라운드 수 × 잰 실행
    시간(보내고 받는 부대 비용은 뺀 시간), 그 둘레로 SLACK만큼."""
    together, runtime = _measured()
    ideal = math.ceil(BATCH[1] / together) * runtime
    return ideal - SLACK, ideal + SLACK


def _predict(answer):
    assert isinstance(answer, (int, float)) and not isinstance(answer, bool), \
        "초 단위의 숫자 하나로 답하세요."
    assert answer > 0, "걸리는 시간은 0보다 큽니다."
    low, high = band()
    assert answer >= low, "실제로는 예상보다 오래 걸렸습니다. 동시에 몇 개까지 기다릴 수 있나요?"
    assert answer <= high, "실제로는 예상보다 빨랐습니다. 한 번에 몇 개씩 기다리나요?"


def 연습_1(답):
    """예상한 시간이, 같은 배치를 돌려 잰 동시성과 실행 시간으로 계산한 시간과 ±0.15초 안에서 맞는지 봅니다."""
    judge("08", 1, 답, _predict)


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
    assert "api" in spec.queues, "워커가 api 큐를 소비하게 하세요."
    results = [io_wait.apply_async((0.5,), queue="api") for _ in range(20)]
    try:
        records = lab.monitor().wait_all(results, timeout=15)
    except TimeoutError:
        raise AssertionError("15초 안에 20개가 다 끝나지 않았습니다. 동시성을 확인하세요.") from None
    assert {r.worker.split("@")[0] for r in records} == {spec.name}, \
        "태스크를 다른 워커가 받았습니다. 이 워커만 듣는 큐를 주세요."
    together = _overlap(records)
    assert together == 20, f"20개 중 동시에 기다린 것이 {together}개뿐입니다. 동시성을 확인하세요."


def 연습_2(답):
    """답의 워커에 io_wait(0.5) 20개를 보내고, 모니터가 본 시작/끝 시각으로 20개가 모두 함께 돌았는지 셉니다."""
    judge("08", 2, 답, _io_worker)
