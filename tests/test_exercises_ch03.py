"""Chapter 03's checks: each solution passes, valid alternative forms pass, plausible wrong answers
fail with a hint, the placeholder only reminds, and a check run twice keeps its verdict."""
import pytest

from labtasks import app, lab
from labtasks.chapters import queues
from labtasks.checks import ch03
from labtasks.tasks import normal_call, urgent_call

ROUTES = {"normal_call": "low_priority", "urgent_call": "high_priority", "call()": "low_priority",
          "call(priority='high')": "high_priority"}


@pytest.fixture(scope="module")
def workers():
    lab.up()
    lab.worker("worker.low_priority", queues=["low_priority"], concurrency=1)
    lab.worker("worker.high_priority", queues=["high_priority"], concurrency=1)
    lab.monitor()
    queues.purge("urgent_call")
    yield
    queues.purge("urgent_call")
    lab.down()


def test_placeholders_only_remind(workers, capsys):
    for check in (ch03.연습_1, ch03.연습_2, ch03.연습_3):
        assert check(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_routes(workers):
    ch03.연습_1(dict(ROUTES))
    ch03.연습_1(dict(reversed(ROUTES.items())))  # another order, same dict


@pytest.mark.parametrize("wrong", [
    {**ROUTES, "urgent_call": "low_priority"}, {k: "celery" for k in ROUTES},
    {**ROUTES, "call(priority='high')": "low_priority"},
    {k: v for k, v in ROUTES.items() if k != "call()"}, list(ROUTES.values()),
], ids=["urgent-low", "all-celery", "priority-ignored", "missing-key", "list"])
def test_1_wrong(workers, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch03.연습_1(wrong)


def test_2_one_call_to_another_queue(workers):
    answer = urgent_call.apply_async(queue="low_priority")
    ch03.연습_2(answer)
    ch03.연습_2(answer)  # twice, same verdict
    ch03.연습_2(urgent_call.s().set(queue="low_priority").delay())  # the option on the signature
    ch03.연습_2(app.send_task(urgent_call.name, queue="low_priority"))  # by name


@pytest.mark.parametrize("wrong", [
    lambda: urgent_call.delay(), lambda: normal_call.apply_async(queue="low_priority"),
    lambda: "low_priority", lambda: urgent_call.apply_async(queue="high_priority"),
], ids=["routed", "normal-call", "literal", "high"])
def test_2_wrong(workers, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch03.연습_2(wrong())


def test_2_a_queue_nobody_reads_is_a_hint_not_a_timeout(workers, impatient):
    with pytest.raises(AssertionError, match=r"\d초 안에 처리되지 않았습니다"):
        ch03.연습_2(urgent_call.apply_async(queue="urgent_call"))
    queues.purge("urgent_call")


def test_3_the_message_waits_in_a_queue_named_after_the_task(workers):
    ch03.연습_3(urgent_call.apply_async(queue="urgent_call"))
    answer = urgent_call.apply_async(queue="urgent_call")  # the answer cell run again
    ch03.연습_3(answer)
    ch03.연습_3(answer)
    ch03.연습_3(urgent_call.s().apply_async(queue="urgent_call"))  # through a signature
    queues.purge("urgent_call")


@pytest.mark.parametrize("wrong", [
    lambda: urgent_call.apply_async(queue="high_priority"), lambda: urgent_call.delay(),
    lambda: normal_call.apply_async(queue="urgent_call"),
    lambda: "queue=에는 큐 이름을 줘야 하는데 태스크 이름을 주었다",
    lambda: urgent_call.apply_async(queue="urgent"),  # another queue nobody reads
], ids=["high", "routed", "normal-call", "literal", "other-unread-queue"])
def test_3_wrong(workers, wrong):
    try:
        with pytest.raises(AssertionError, match=r"[가-힣]"):
            ch03.연습_3(wrong())
    finally:
        queues.purge("urgent_call")
        queues.purge("urgent")


def test_3_a_worker_on_that_queue_fails(workers):
    w = lab.worker("ex03", queues=["urgent_call"], concurrency=1)
    try:
        with pytest.raises(AssertionError, match="소비"):
            ch03.연습_3(urgent_call.apply_async(queue="urgent_call"))
    finally:
        w.stop()
        queues.purge("urgent_call")
