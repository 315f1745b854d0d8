"""04장(캔버스) 연습문제의 확인: 답이 어떤 프리미티브로 어떤 태스크를 엮었는지(구조)를 보고,
장의 워커에서 실행해 결과와 모니터가 본 태스크를 확인합니다."""
from celery import canvas

from ..handle import lab
from ..tasks import add, mult, square, subtract, xsum
from . import judge, value_of


def _names(signatures) -> list[str]:
    return [s.task for s in signatures]


def 연습_1(답):
    """체인의 태스크 순서, 앞 결과가 다음 태스크로 넘어가는지, 실행한 결과를 봅니다."""
    def test(답):
        assert isinstance(답, canvas._chain), "답은 chain(또는 | 로 이은 시그니처)이어야 합니다."
        assert _names(답.tasks) == [add.name, mult.name, subtract.name], (
            "체인은 add, mult, subtract 순서의 시그니처 세 개여야 합니다.")
        first, *rest = 답.tasks
        assert tuple(first.args) == (3, 4), "첫 태스크는 3과 4를 더해야 합니다."
        for s in rest:
            assert not s.immutable and len(s.args) == 1, (
                f"{s.task.rsplit('.', 1)[-1]}은(는) 앞 결과를 받는 부분 시그니처(인자 하나)여야 합니다.")
        res = 답.apply_async()
        assert value_of(res) == 29, "실행한 결과가 29가 아닙니다."
        assert value_of(res.parent) == 35, "mult의 결과가 35가 아닙니다. 앞 결과가 인자 앞에 붙습니다."
    return judge("04", 1, 답, test)


def 연습_2(답):
    """chunks인지, 실행 결과, 그리고 모니터가 본 조각 태스크(celery.starmap)의 수를 봅니다."""
    def test(답):
        assert isinstance(답, canvas.chunks), "답은 add.chunks(…)로 만든 chunks여야 합니다."
        assert 답.kwargs["task"]["task"] == add.name, "조각마다 add를 실행해야 합니다."
        res = 답.apply_async()
        values = [v for part in value_of(res) for v in part]
        assert values == [2, 4, 6, 8, 10, 12], "(1, 1)부터 (6, 6)까지 여섯 쌍을 모두 더해야 합니다."
        records = lab.monitor().wait_all(res.results, timeout=10)
        assert {r.name for r in records} == {"celery.starmap"}, "조각마다 celery.starmap 태스크가 돌아야 합니다."
        assert len(records) == 3, (
            f"워커가 조각 태스크를 {len(records)}개 실행했습니다. 두 번째 인자는 조각의 크기입니다.")
    return judge("04", 2, 답, test)


def 연습_3(답):
    """chord의 헤더가 square 태스크들이고 콜백이 xsum인지 보고, 실행해 55인지 확인합니다."""
    def test(답):
        assert isinstance(답, canvas.chord), "답은 chord(헤더, 콜백)여야 합니다."
        header = list(답.tasks.tasks if isinstance(답.tasks, canvas.group) else 답.tasks)
        assert header and set(_names(header)) == {square.name}, "헤더는 square 시그니처들이어야 합니다."
        assert sorted(s.args[0] for s in header) == [1, 2, 3, 4, 5], "헤더는 1부터 5까지 제곱해야 합니다."
        assert 답.body.task == xsum.name, "콜백(body)은 xsum이어야 합니다."
        assert value_of(답.apply_async()) == 55, "실행한 결과가 55가 아닙니다."
    return judge("04", 3, 답, test)
