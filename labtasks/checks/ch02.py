"""02장 연습문제의 확인. 답으로 받은 결과나 함수를 실제 워커로 시험합니다."""
from celery.result import AsyncResult, EagerResult

from ..tasks import add, mult, slow_add
from . import ask, judge, patience, value_of


def _sent(답) -> None:
    assert isinstance(답, AsyncResult) and not isinstance(답, EagerResult), \
        "직접 부른 값이 아니라, 워커에 보내고 돌려받은 AsyncResult를 답에 담으세요."


def 연습_1(답):
    """답: 워커에 보낸 `mult` 태스크의 AsyncResult. 결과, 태스크 이름, 인자, 실행한 워커를 봅니다."""
    def test(result):
        _sent(result)
        value = value_of(result)
        assert result.name == mult.name, "`mult` 태스크를 보내세요."
        assert sorted([*(result.args or []), *(result.kwargs or {}).values()]) == [6, 7], \
            "6과 7을 인자로 보내세요."
        assert value == 42, "결과가 42가 아닙니다."
        assert result.worker, "워커가 실행했다는 기록이 없습니다."
    judge("02", 1, 답, test)


def 연습_2(답):
    """답: AsyncResult 목록을 받아 모두 끝났는지 돌려주는 함수. 기다리지 않아야 합니다.
    끝난 것(성공, 실패)과 아직인 것(1초 뒤에야 실행될 것)을 여러 길이와 순서로 섞어 물어봅니다."""
    def test(모두_끝났나):
        assert callable(모두_끝났나), "함수를 답에 담으세요. 괄호 없이 함수 이름만 씁니다."
        성공, 실패, 성공2, 성공3 = add.delay(1, 2), add.delay("1", 2), add.delay(2, 3), add.delay(3, 4)
        for result in (성공, 실패, 성공2, 성공3):
            result.get(timeout=10, propagate=False)
        # 1초 뒤에야 실행될 태스크 둘: 워커의 풀을 붙잡지 않고, 그동안은 끝나지 않았습니다
        아직, 아직2 = (slow_add.apply_async((1, 1), {"seconds": 0}, countdown=1) for _ in range(2))

        def 물어보기(results, 기대, 설명):
            got = ask(모두_끝났나, results, when=f"{설명} 목록에서")
            assert got is 기대, f"{설명} 목록에 {got!r}을(를) 돌려주었습니다."
        물어보기([성공, 실패, 성공2, 성공3], True, "모두 끝난(하나는 실패한) 태스크 네 개의")
        물어보기([실패], True, "실패로 끝난 태스크 하나의")
        물어보기([아직], False, "아직 끝나지 않은 태스크 하나의")
        물어보기([아직2, 성공], False, "아직 끝나지 않은 태스크가 앞에 있는")
        물어보기([성공, 성공2, 실패, 아직], False, "마지막 하나만 아직 끝나지 않은")
        assert not 아직.ready() and not 아직2.ready(), "결과를 기다리지 말고, 지금 끝났는지만 보세요."
        # passed: let the two run, so that a kernel stopped right after leaves no message behind
        # in the queue for a later worker (a wrong answer is tried again anyway)
        for result in (아직, 아직2):
            result.get(timeout=10, propagate=False)
    judge("02", 2, 답, test)


def 연습_3(답):
    """답: 워커가 모르는 이름으로 보낸 태스크의 AsyncResult. 워커가 남긴 실패를 봅니다."""
    def test(result):
        _sent(result)
        try:
            error = result.get(timeout=patience(), propagate=False)
        except Exception:
            raise AssertionError(f"{patience():g}초 안에 아무 워커도 이 태스크를 받지 않았습니다. "
                                 "워커가 소비하는 큐로 보내세요.") from None
        assert type(error).__name__ == "NotRegistered", \
            "워커에 등록된 태스크입니다. 워커가 모르는 이름으로 보내세요."
        assert result.state == "FAILURE", "상태가 FAILURE가 아닙니다."
    judge("02", 3, 답, test)
