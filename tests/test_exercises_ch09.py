"""Chapter 09's checks: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a hint, the placeholder only reminds. 연습 1 is judged from the monitor (state,
retries); 연습 2 against Redis, each delivery in its own process, all at once and in lock-step over
their first commands, so that an answer that checks and then acts adds a payment twice."""
import pytest

from labtasks.checks import ch09
from labtasks.tasks import add
from labtasks.tasks.failures import call_api


def test_placeholders_only_remind(lab_w1, capsys):
    assert ch09.연습_1(...) is None and ch09.연습_2(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 2


def test_1_the_most_retries_that_still_succeed(lab_w1):
    ch09.연습_1(call_api.delay("x", failures=3))
    ch09.연습_1(call_api.apply_async(("x", call_api.max_retries)))  # positional, through apply_async


@pytest.mark.parametrize("wrong", [
    lambda: call_api.delay("x", failures=2),    # succeeds with retries to spare
    lambda: call_api.delay("x", failures=4),    # runs out of retries: FAILURE
    lambda: add.delay(1, 2),                    # another task
    lambda: "전송 완료: x (재시도 3회)",        # a literal
    lambda: call_api.apply_async(("x", 3), queue="nobody-reads"),  # never runs: a hint, no timeout
], ids=["too-few", "too-many", "other-task", "literal", "unread"])
def test_1_wrong_answers_fail(lab_w1, wrong, impatient):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch09.연습_1(wrong())


def by_redis(redis, account, payment_id, amount):
    if redis.sadd(f"{account}:applied", payment_id):
        redis.incrby(f"{account}:balance", amount)


def by_set_nx(redis, account, payment_id, amount):
    if redis.set(f"{account}:paid:{payment_id}", 1, nx=True):
        redis.incrby(f"{account}:balance", amount)


def test_2_redis_remembers_the_payment_across_processes(lab_w1):
    ch09.연습_2(by_redis)
    ch09.연습_2(by_redis)  # a fresh account each time: the same verdict
    ch09.연습_2(by_set_nx)


seen = set()


def in_memory(redis, account, payment_id, amount):
    """Remembers ids in this process only: a redelivery to another process pays again."""
    if payment_id not in seen:
        seen.add(payment_id)
        redis.incrby(f"{account}:balance", amount)


def every_time(redis, account, payment_id, amount):
    redis.incrby(f"{account}:balance", amount)


def never(redis, account, payment_id, amount):
    redis.sadd(f"{account}:applied", payment_id)


def check_then_act(redis, account, payment_id, amount):
    """Right one delivery at a time; two at once both see "not yet" and both pay."""
    if not redis.sismember(f"{account}:applied", payment_id):
        redis.sadd(f"{account}:applied", payment_id)
        redis.incrby(f"{account}:balance", amount)


def check_then_act_by_get(redis, account, payment_id, amount):
    if redis.get(f"{account}:paid:{payment_id}") is None:
        redis.set(f"{account}:paid:{payment_id}", 1)
        redis.incrby(f"{account}:balance", amount)


def raises(redis, account, payment_id, amount):
    raise KeyError(payment_id)


@pytest.mark.parametrize("wrong", [in_memory, every_time, never, check_then_act,
                                   check_then_act_by_get, raises, 150],
                         ids=["in-memory", "not-idempotent", "no-effect", "check-then-act",
                              "check-then-act-get", "raises", "literal"])
def test_2_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch09.연습_2(wrong)
    if wrong is check_then_act:  # the same verdict every time, not by luck
        for _ in range(3):
            with pytest.raises(AssertionError, match="두 번 이상"):
                ch09.연습_2(wrong)
