"""11장 연습문제의 확인 함수. 답을 실제 워커와 결과 백엔드에서 돌려 보고 판정합니다."""
import contextlib
import uuid

from celery import states
from celery.result import AsyncResult

from ..app import app
from ..chapters.progress import Steps
from ..handle import lab
from ..tasks.progress import crunch, gate_key
from ..waiting import wait_until
from . import judge

#: 연습 1의 stepper가 하는 단계 수
STEPS = 4


def _ask(answer, result, when: str, expected: float):
    try:
        got = answer(result)
    except Exception as exc:
        raise AssertionError(f"{when}에서 {type(exc).__name__}: {exc}. 이 상태의 info에는 무엇이 "
                             "들어 있나요?") from None
    assert isinstance(got, (int, float)) and not isinstance(got, bool), \
        f"{when}: 숫자를 돌려주세요 (받은 값: {got!r})."
    assert abs(got - expected) < 1e-9, f"{when}: {got!r}을(를) 돌려주었습니다. 맞는 값이 아닙니다."


def _fraction(answer):
    assert callable(answer), "AsyncResult를 받아 0과 1 사이의 숫자를 돌려주는 함수를 답에 넣으세요."
    _ask(answer, AsyncResult(str(uuid.uuid4()), app=app), "보내지 않은 태스크(PENDING)", 0.0)
    steps = Steps(STEPS)  # 단계 수는 알려 주지 않습니다: info의 total을 읽어야 맞습니다
    try:
        _ask(answer, steps.wait_state(states.STARTED), "시작했지만 한 단계도 하지 않은 태스크(STARTED)", 0.0)
        _ask(answer, steps.next(), f"{STEPS}단계 중 1단계를 마친 태스크", 1 / STEPS)
        steps.next()
        _ask(answer, steps.next(), f"{STEPS}단계 중 3단계를 마친 태스크", 3 / STEPS)
        steps.next()
        steps.result.get(timeout=10)
        _ask(answer, steps.result, "끝난 태스크(SUCCESS)", 1.0)
    finally:  # 틀린 답에서 멈춘 stepper도 끝까지 보내, 워커를 붙잡고 있지 않게 합니다
        if steps.done < STEPS:
            app.backend.client.rpush(gate_key(steps.gate), *[1] * (STEPS - steps.done))


def 연습_1(답):
    """한 단계씩 나아가는 태스크에 답의 함수를 단계마다 불러 봅니다."""
    judge("11", 1, 답, _fraction)


def _cancelled(answer):
    assert isinstance(answer, AsyncResult), "crunch.delay(...)가 돌려준 결과를 답에 넣으세요."
    try:
        wait_until(answer.ready, 15, "태스크가 끝나기", interval=0.05)
    except TimeoutError:
        raise AssertionError("15초를 기다려도 태스크가 끝나지 않았습니다. 취소했나요?") from None
    mon = lab.monitor()
    with contextlib.suppress(TimeoutError):
        wait_until(lambda: mon.task(answer.id) and mon.task(answer.id).name, 2, "모니터의 기록")
    record = mon.task(answer.id)
    assert record is not None and record.name == crunch.name, "crunch 태스크를 보내세요."
    assert record.started is not None, \
        "태스크가 시작하기도 전에 취소되었습니다. 진행 막대가 움직이는 것을 본 뒤에 취소하세요."
    assert answer.state != states.SUCCESS, \
        "태스크가 끝까지 실행되었습니다. 이미 실행 중인 태스크를 멈추려면 revoke에 무엇이 더 필요할까요?"
    assert answer.state == states.REVOKED, f"최종 상태가 {answer.state}입니다. REVOKED여야 합니다."
    with mon.state._mutex:  # crunch가 단계마다 보낸 task-progress 이벤트의 마지막 값
        done = getattr(mon.state.tasks.get(answer.id), "current", 0)
    assert done >= 2, (f"{done}단계만 진행하고 취소되었습니다. 두 단계 이상 진행된 것을 "
                       "확인한 뒤에 취소하세요.")


def 연습_2(답):
    """그 태스크가 시작했는지, 몇 단계 진행했는지(모니터), 최종 상태가 REVOKED인지(결과 백엔드) 봅니다."""
    judge("11", 2, 답, _cancelled)
