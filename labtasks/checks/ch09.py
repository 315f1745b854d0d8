"""09장 연습문제의 확인 함수. 답을 실제 워커와 Redis에서 돌려 보고 판정합니다."""
import multiprocessing
import uuid

import redis
from celery import states
from celery.result import AsyncResult

from ..app import app
from ..handle import lab
from ..tasks.failures import call_api
from . import judge, patience


def _most_retries(answer):
    assert isinstance(answer, AsyncResult), "call_api.delay(...)가 돌려준 결과를 답에 넣으세요."
    try:
        record = lab.monitor().wait_for(answer, timeout=patience())
    except TimeoutError:
        raise AssertionError(f"{patience():g}초 안에 끝나지 않았습니다. call_api.delay(...)로 보냈나요?") from None
    assert record.name == call_api.name, "call_api 태스크를 보내세요."
    assert record.state == states.SUCCESS, \
        "재시도를 다 쓰고도 실패했습니다. 이 태스크는 몇 번까지 재시도하나요?"
    assert record.retries == call_api.max_retries, \
        f"성공했지만 재시도는 {record.retries}번뿐입니다. 더 많이 재시도하고도 성공할 수 있습니다."


def 연습_1(답):
    """모니터가 본 그 태스크의 최종 상태와 재시도 횟수를 봅니다."""
    judge("09", 1, 답, _most_retries)


#: 확인이 결제를 전달하는 프로세스 수와, 그 프로세스들이 발맞춰 보내는 Redis 명령의 수
DELIVERIES = [("p1", 100), ("p1", 100), ("p2", 50), ("p1", 100)]
LOCKSTEP = 8  # 연결할 때의 명령까지 세어도 답의 처음 몇 명령이 발맞춰 갑니다


def _lockstep_client(barrier):
    """이 프로세스의 새 Redis 클라이언트. 처음 LOCKSTEP개의 명령(파이프라인은 하나로 셉니다)은
    모든 전달이 그 앞까지 온 뒤에 함께 보냅니다: 한 프로세스가 확인하고 나서 적기 전에, 다른
    프로세스도 같은 것을 확인합니다. 이렇게 해야 '확인한 다음 적기'가 실제로 겹칩니다."""
    pool = app.backend.client.connection_pool
    sent = [0]

    class Lockstep(pool.connection_class):
        def send_packed_command(self, command, check_health=True):
            if sent[0] < LOCKSTEP:
                sent[0] += 1
                barrier.wait()
            return super().send_packed_command(command, check_health)

    client = redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=Lockstep, **pool.connection_kwargs))

    def finish():  # 명령을 덜 보낸 프로세스도 남은 발걸음을 채워, 다른 프로세스가 기다리지 않게
        while sent[0] < LOCKSTEP:
            sent[0] += 1
            barrier.wait()
    return client, finish


def _deliver_one(apply_payment, barrier, account, payment_id, amount):
    client, finish = _lockstep_client(barrier)
    try:
        apply_payment(client, account, payment_id, amount)
    finally:
        finish()


def _deliver_all(apply_payment, account):
    """결제들을 각각 fork한 자식 프로세스에서, 동시에 전달합니다(같은 결제 p1이 세 번 갑니다)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(DELIVERIES), timeout=10)
    children = [context.Process(target=_deliver_one, args=(apply_payment, barrier, account, *d))
                for d in DELIVERIES]
    for child in children:
        child.start()
    for child in children:
        child.join(15)
        if child.exitcode is None:
            child.kill()
            child.join()
    assert all(child.exitcode == 0 for child in children), \
        "apply_payment가 예외로 끝났거나 끝나지 않았습니다. 셀을 따로 실행해 보세요."


def _idempotent(answer):
    assert callable(answer), "apply_payment 함수를 답에 넣으세요."
    account = f"labtasks:ex09:{uuid.uuid4().hex[:8]}"  # 실행마다 새 계좌
    client = app.backend.client
    try:
        _deliver_all(answer, account)
        balance = int(client.get(f"{account}:balance") or 0)
        assert balance <= 150, (
            "같은 결제가 두 번 이상 더해졌습니다. 처리한 결제 id를 어디에 적어야 다른 프로세스도 볼 "
            "수 있을까요? 여러 프로세스가 동시에 확인하고 적어도 한 번만 더해지나요?")
        assert balance == 150, f"잔액이 {balance}입니다. 결제마다 한 번씩 더해야 합니다."
    finally:
        client.delete(*client.keys(f"{account}*") or [f"{account}:balance"])


def 연습_2(답):
    """결제 p1(세 번), p2를 서로 다른 프로세스에서 동시에 전달하고, Redis의 잔액이 150인지 봅니다."""
    judge("09", 2, 답, _idempotent)
