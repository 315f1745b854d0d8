"""Chapter 08's checks: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a hint, the placeholder only reminds. The checks run real workers: a timing they
measure (the band comes from that measurement), a worker whose overlap the monitor saw."""
import pytest

from labtasks import lab
from labtasks.checks import ch08


@pytest.fixture(scope="module")
def running():
    lab.up()
    lab.monitor()
    yield
    lab.down()


def test_placeholders_only_remind(running, capsys):
    assert ch08.연습_1(...) is None and ch08.연습_2(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 2


def test_1_the_prediction_is_compared_with_a_measurement(running):
    low, high = ch08.band()  # measured once, in this run
    assert low < 1.5 < high and high - low < 0.6, (low, high)
    ch08.연습_1(0.5 * 12 / 4)
    ch08.연습_1(3 * 0.5)  # the same verdict twice
    ch08.연습_1(round(high - 0.05, 2))  # a little more, for the worker's own overhead


@pytest.mark.parametrize("wrong", [0.5 * 12, 0.5, 0.5 * 12 / 2, 1.0, 2.0, "1.5", True],
                         ids=["one-by-one", "all-at-once", "c=2", "round-1", "round-2", "text", "bool"])
def test_1_wrong_predictions_fail(running, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch08.연습_1(wrong)


def test_2_a_threads_worker_with_twenty_waits_together(running):
    ch08.연습_2(lab.worker("api", queues=["api"], pool="threads", concurrency=20))
    ch08.연습_2(lab.worker("api", queues=["api"], pool="threads", concurrency=50))  # room to spare


@pytest.mark.parametrize("pool,concurrency", [("threads", 4), ("threads", 16), ("prefork", 20),
                                              ("solo", 1)])
def test_2_wrong_workers_fail(running, pool, concurrency):
    worker = lab.worker("api", queues=["api"], pool=pool, concurrency=concurrency)
    try:
        with pytest.raises(AssertionError, match=r"[가-힣]"):
            ch08.연습_2(worker)
    finally:
        worker.stop()


def test_2_a_literal_another_queue_or_a_stopped_worker_fails(running):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch08.연습_2({"pool": "threads", "concurrency": 20})
    worker = lab.worker("api", queues=["io"], pool="threads", concurrency=20)
    with pytest.raises(AssertionError, match="api"):
        ch08.연습_2(worker)
    worker.stop()
    worker = lab.worker("api", queues=["api"], pool="threads", concurrency=20)
    worker.stop()
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch08.연습_2(worker)
