"""03장(라우팅) 연습문제의 확인: 태스크를 정말 보내 보고, 어느 큐에서 어느 워커가 처리했는지,
브로커의 큐에 메시지가 몇 개 기다리는지로 판단합니다."""
from celery.result import AsyncResult

from ..app import app
from ..chapters import queues
from ..handle import lab
from ..tasks.routing import call, normal_call, urgent_call
from . import judge, patience, value_of

#: 연습 1에서 물어보는 호출들: 이름 -> 실제로 보내는 방법
_CALLS = {
    "normal_call": lambda: normal_call.delay(),
    "urgent_call": lambda: urgent_call.delay(),
    "call()": lambda: call.delay("확인"),
    "call(priority='high')": lambda: call.delay("확인", priority="high"),
}


def 연습_1(답):
    """각 호출을 실제로 보내고, 태스크가 돌려준 큐 이름(delivery_info)과 비교합니다."""
    def test(답):
        assert isinstance(답, dict), "답은 {호출: 큐 이름} 딕셔너리여야 합니다."
        assert set(답) == set(_CALLS), f"딕셔너리의 키는 {sorted(_CALLS)} 네 개여야 합니다."
        for key, send in _CALLS.items():
            queue = value_of(send())["queue"]
            assert 답[key] == queue, (
                f"{key}: 이 큐가 아닙니다. task_routes의 규칙과 라우터 함수를 다시 보세요.")
    judge("03", 1, 답, test)


def 연습_2(답):
    """모니터로 urgent_call을 처리한 워커를, 태스크의 결과로 메시지가 온 큐를 봅니다."""
    def test(답):
        assert isinstance(답, AsyncResult), "답은 apply_async()가 돌려준 결과(AsyncResult)여야 합니다."
        try:
            record = lab.monitor().wait_for(답, timeout=patience())
        except TimeoutError:
            raise AssertionError(f"{patience():g}초 안에 처리되지 않았습니다. 워커가 소비하는 큐로 보냈나요?") \
                from None
        assert record.name == "urgent_call", "보낸 태스크가 urgent_call이 아닙니다."
        assert value_of(답)["queue"] == "low_priority", (
            "메시지가 low_priority 큐로 가지 않았습니다. 호출할 때 큐 이름을 주세요.")
        assert record.worker.startswith("worker.low_priority@"), (
            f"low_priority 큐를 맡은 워커가 처리하지 않았습니다({record.worker}).")
    judge("03", 2, 답, test)


def _consumers(queue: str) -> list[str]:
    """Workers that say (inspect active_queues) they consume ``queue``."""
    replies = app.control.inspect(timeout=1).active_queues() or {}
    return sorted(w for w, qs in replies.items() if any(q["name"] == queue for q in qs))


def 연습_3(답):
    """보낸 메시지의 큐, 그 큐를 소비하는 워커가 있는지(워커들에게 묻기), 아무 워커도 받지 않았다는
    모니터의 기록, 브로커의 큐 길이를 봅니다."""
    def test(답):
        assert isinstance(답, AsyncResult), "답은 apply_async()가 돌려준 결과(AsyncResult)여야 합니다."
        mon = lab.monitor()
        try:
            record = mon.wait_for(답, "PENDING", timeout=10)
        except TimeoutError:
            raise AssertionError("모니터가 이 태스크를 보내는 것을 보지 못했습니다. 답 셀을 다시 실행하세요.") \
                from None
        assert record.name == "urgent_call", "보낸 태스크가 urgent_call이 아닙니다."
        assert mon.state.tasks[답.id].routing_key == "urgent_call", (
            "메시지가 urgent_call이라는 이름의 큐로 가지 않았습니다. 가이드처럼 태스크 이름을 큐 이름 자리에 주세요.")
        consumers = _consumers("urgent_call")
        assert not consumers, f"워커 {consumers}이(가) urgent_call 큐를 소비합니다. 그 워커를 멈추세요."
        assert mon.task(답.id).worker is None, "어느 워커가 이 태스크를 받아 처리했습니다."
        assert queues.length("urgent_call", wait_for=1) >= 1, (
            "브로커의 urgent_call 큐에 기다리는 메시지가 없습니다.")
    judge("03", 3, 답, test)
