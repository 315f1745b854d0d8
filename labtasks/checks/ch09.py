"""09장 연습문제의 확인 함수. 답을 실제 워커와 Redis에서 돌려 보고 판정합니다."""
import multiprocessing
import uuid

from celery import states
from celery.result import AsyncResult

from ..app import app
from ..handle import lab
from ..tasks.failures import call_api
from . import judge


def _most_retries(answer):
    assert isinstance(answer, AsyncResult), "call_api.delay(...)가 돌려준 결과를 답에 넣으세요."
    record = lab.monitor().wait_for(answer, timeout=20)
    assert record.name == call_api.name, "call_api 태스크를 보내세요."
    assert record.state == states.SUCCESS, \
        "재시도를 다 쓰고도 실패했습니다. 이 태스크는 몇 번까지 재시도하나요?"
    assert record.retries == call_api.max_retries, \
        f"성공했지만 재시도는 {record.retries}번뿐입니다. 더 많이 재시도하고도 성공할 수 있습니다."


def 연습_1(답):
    """모니터가 본 그 태스크의 최종 상태와 재시도 횟수를 봅니다."""
    return judge("09", 1, 답, _most_retries)


def _deliver(apply_payment, account, payment_id, amount):
    """다른 워커 프로세스가 메시지를 받은 것처럼, fork한 자식 프로세스에서 한 번 실행합니다."""
    child = multiprocessing.get_context("fork").Process(
        target=apply_payment, args=(app.backend.client, account, payment_id, amount))
    child.start()
    child.join(10)
    assert child.exitcode == 0, "apply_payment가 예외로 끝났습니다. 셀을 따로 실행해 보세요."


def _idempotent(answer):
    assert callable(answer), "apply_payment 함수를 답에 넣으세요."
    account = f"labtasks:ex09:{uuid.uuid4().hex[:8]}"  # 실행마다 새 계좌
    client = app.backend.client
    try:
        for payment_id, amount in [("p1", 100), ("p2", 50), ("p1", 100)]:
            _deliver(answer, account, payment_id, amount)
        balance = int(client.get(f"{account}:balance") or 0)
        assert balance != 250, ("같은 결제가 두 번 더해졌습니다. 처리한 결제 id를 어디에 적어야 "
                                "다른 프로세스도 볼 수 있을까요?")
        assert balance == 150, f"잔액이 {balance}입니다. 결제마다 한 번씩 더해야 합니다."
    finally:
        client.delete(*client.keys(f"{account}*") or [f"{account}:balance"])


def 연습_2(답):
    """결제 p1, p2, p1을 서로 다른 프로세스에서 전달하고, Redis의 잔액이 150인지 봅니다."""
    return judge("09", 2, 답, _idempotent)
