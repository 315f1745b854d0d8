"""Chapter 03's checks: each solution passes, plausible wrong answers (the issue's loopholes
included) fail, the placeholder only reminds, and a check run twice keeps its verdict."""
import pytest

from labtasks import lab, queues
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
        assert check(...) is False
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_routes(workers):
    assert ch03.연습_1(dict(ROUTES))
    for wrong in ({**ROUTES, "urgent_call": "low_priority"},
                  {k: "celery" for k in ROUTES},
                  {**ROUTES, "call(priority='high')": "low_priority"},
                  {k: v for k, v in ROUTES.items() if k != "call()"}):
        with pytest.raises(AssertionError):
            ch03.연습_1(wrong)


def test_2_one_call_to_another_queue(workers):
    answer = urgent_call.apply_async(queue="low_priority")
    assert ch03.연습_2(answer) and ch03.연습_2(answer)  # twice, same verdict
    for wrong in (urgent_call.delay(), normal_call.apply_async(queue="low_priority"),
                  "low_priority", urgent_call.apply_async(queue="urgent_call")):
        with pytest.raises(AssertionError):
            ch03.연습_2(wrong)


def test_3_the_message_waits_in_a_queue_named_after_the_task(workers):
    answer = urgent_call.apply_async(queue="urgent_call")
    assert ch03.연습_3(answer)
    answer = urgent_call.apply_async(queue="urgent_call")  # the answer cell run again
    assert ch03.연습_3(answer) and ch03.연습_3(answer)
    wrongs = (urgent_call.apply_async(queue="high_priority"), urgent_call.delay(),
              normal_call.apply_async(queue="urgent_call"),
              "queue=에는 큐 이름을 줘야 하는데 태스크 이름을 주었다")
    for wrong in wrongs:
        with pytest.raises(AssertionError):
            ch03.연습_3(wrong)
    queues.purge("urgent_call")
    with pytest.raises(AssertionError):  # another queue nobody reads is not the guide's mistake
        ch03.연습_3(urgent_call.apply_async(queue="urgent"))
    queues.purge("urgent")
