"""05장(불변 시그니처) 연습문제의 확인: 어느 시그니처가 불변인지(구조)를 보고, 장의 워커에서
실행해 결과와 `parent`를 따라간 앞 결과를 확인합니다."""
from celery import canvas

from ..tasks import add, mult, notify_admin, send_alert
from . import judge, value_of


def _chain_values(res) -> list:
    """마지막 태스크부터 `parent`를 따라가며 모은 결과."""
    values = []
    while res is not None:
        values.append(value_of(res))
        res = res.parent
    return values


def 연습_1(답):
    """두 번째 시그니처가 불변인지, 실행한 두 결과가 42와 3인지 봅니다."""
    def test(답):
        assert isinstance(답, canvas._chain), "답은 chain(또는 | 로 이은 시그니처)이어야 합니다."
        assert [s.task for s in 답.tasks] == [add.name, mult.name], "add 다음에 mult, 두 개를 이으세요."
        assert 답.tasks[1].immutable, "mult는 앞 결과를 받지 않아야 합니다. 어떤 시그니처가 그렇게 하나요?"
        assert _chain_values(답.apply_async()) == [42, 3], "실행한 결과가 mult(6, 7)과 add(1, 2)가 아닙니다."
    return judge("05", 1, 답, test)


def 연습_2(답):
    """헤더가 a, b, c의 send_alert이고 콜백이 불변 notify_admin인지 보고, 실행해 봅니다."""
    def test(답):
        assert isinstance(답, canvas.chord), "답은 chord(헤더, 콜백)여야 합니다."
        header = list(답.tasks.tasks if isinstance(답.tasks, canvas.group) else 답.tasks)
        assert {s.task for s in header} == {send_alert.name}, "헤더는 send_alert들이어야 합니다."
        assert [tuple(s.args) for s in header] == [("a",), ("b",), ("c",)], (
            "사용자 a, b, c에게 한 번씩 보내세요.")
        assert 답.body.task == notify_admin.name, "콜백은 notify_admin이어야 합니다."
        assert 답.body.immutable, "notify_admin은 헤더의 결과 목록을 받지 않아야 합니다."
        res = 답.apply_async()
        assert value_of(res) == "관리자에게 알렸습니다", "콜백의 결과가 notify_admin의 것이 아닙니다."
        warnings = [f"{u}에게 경고를 보냈습니다" for u in "abc"]
        assert value_of(res.parent) == warnings, "헤더의 결과가 a, b, c의 경고가 아닙니다."
    return judge("05", 2, 답, test)


def 연습_3(답):
    """체인을 실제로 실행하고, `parent`를 따라 얻은 값 목록과 예상을 비교합니다."""
    def test(답):
        assert isinstance(답, list), "예상은 값의 리스트로 적으세요(마지막 태스크부터)."
        res = (add.si(3, 3) | add.s(10) | add.si(1, 1)).apply_async()
        assert 답 == _chain_values(res), (
            "예상이 실행 결과와 다릅니다. 어느 시그니처가 앞 결과를 받는지 다시 따져 보세요.")
    return judge("05", 3, 답, test)
