"""02장 연습문제의 확인. 답으로 받은 결과나 함수를 실제 워커로 시험합니다."""
from celery.result import AsyncResult, EagerResult

from ..tasks import add, mult, slow_add
from . import judge


def _sent(답) -> None:
    assert isinstance(답, AsyncResult) and not isinstance(답, EagerResult), \
        "직접 부른 값이 아니라, 워커에 보내고 돌려받은 AsyncResult를 답에 담으세요."


def 연습_1(답):
    """답: 워커에 보낸 `mult` 태스크의 AsyncResult. 결과, 태스크 이름, 인자, 실행한 워커를 봅니다."""
    def test(result):
        _sent(result)
        assert result.get(timeout=10) == 42, "결과가 42가 아닙니다."
        assert result.name == mult.name, "`mult` 태스크를 보내세요."
        assert sorted([*(result.args or []), *(result.kwargs or {}).values()]) == [6, 7], \
            "6과 7을 인자로 보내세요."
        assert result.worker, "워커가 실행했다는 기록이 없습니다."
    judge("02", 1, 답, test)


def 연습_2(답):
    """답: AsyncResult 목록을 받아 모두 끝났는지 돌려주는 함수. 기다리지 않아야 합니다."""
    def test(모두_끝났나):
        assert callable(모두_끝났나), "함수를 답에 담으세요. 괄호 없이 함수 이름만 씁니다."
        끝난_것 = [add.delay(1, 2), add.delay("1", 2)]  # one succeeds, one fails
        for result in 끝난_것:
            result.get(timeout=10, propagate=False)
        assert 모두_끝났나(끝난_것) is True, \
            "성공했든 실패했든 모두 끝났으면 True를 돌려줘야 합니다."
        느린_것 = slow_add.delay(1, 1, seconds=2)
        assert 모두_끝났나(끝난_것 + [느린_것]) is False, \
            "아직 끝나지 않은 태스크가 있으면 False를 돌려줘야 합니다. 결과를 기다리지 마세요."
        assert not 느린_것.ready(), "결과를 기다리지 말고, 지금 끝났는지만 보세요."
    judge("02", 2, 답, test)


def 연습_3(답):
    """답: 워커가 모르는 이름으로 보낸 태스크의 AsyncResult. 워커가 남긴 실패를 봅니다."""
    def test(result):
        _sent(result)
        error = result.get(timeout=10, propagate=False)
        assert type(error).__name__ == "NotRegistered", \
            "워커에 등록된 태스크입니다. 워커가 모르는 이름으로 보내세요."
        assert result.state == "FAILURE", "상태가 FAILURE가 아닙니다."
    judge("02", 3, 답, test)
