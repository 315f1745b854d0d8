"""Chapter 09's checks: each solution passes, plausible wrong answers fail, the placeholder only
reminds. 연습 1 is judged from the monitor (state, retries); 연습 2 against Redis, each delivery
in its own process."""
import pytest

from labtasks.checks import ch09
from labtasks.tasks import add
from labtasks.tasks.failures import call_api


def test_placeholders_do_not_raise(lab_w1):
    assert ch09.연습_1(...) is False
    assert ch09.연습_2(...) is False


def test_1_the_most_retries_that_still_succeed(lab_w1):
    assert ch09.연습_1(call_api.delay("x", failures=3))


@pytest.mark.parametrize("wrong", [
    lambda: call_api.delay("x", failures=2),    # succeeds with retries to spare
    lambda: call_api.delay("x", failures=4),    # runs out of retries: FAILURE
    lambda: add.delay(1, 2),                    # another task
    lambda: "전송 완료: x (재시도 3회)",        # a literal
], ids=["too-few", "too-many", "other-task", "literal"])
def test_1_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError):
        ch09.연습_1(wrong())


def by_redis(redis, account, payment_id, amount):
    if redis.sadd(f"{account}:applied", payment_id):
        redis.incrby(f"{account}:balance", amount)


def test_2_redis_remembers_the_payment_across_processes(lab_w1):
    assert ch09.연습_2(by_redis)
    assert ch09.연습_2(by_redis)  # a fresh account each time: the same verdict


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


@pytest.mark.parametrize("wrong", [in_memory, every_time, never, 150],
                         ids=["in-memory", "not-idempotent", "no-effect", "literal"])
def test_2_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError):
        ch09.연습_2(wrong)
