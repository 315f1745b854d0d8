"""Chapter 08's checks: each solution passes, plausible wrong answers fail, the placeholder only
reminds. The checks run real workers: a timing they measure, a worker whose overlap the monitor saw."""
import pytest

from labtasks import lab
from labtasks.checks import ch08


@pytest.fixture(scope="module")
def running():
    lab.up()
    lab.monitor()
    yield
    lab.down()


def test_placeholders_do_not_raise(running):
    assert ch08.연습_1(...) is False
    assert ch08.연습_2(...) is False


def test_1_the_prediction_is_compared_with_a_measurement(running):
    assert ch08.연습_1(0.5 * 12 / 4)
    assert ch08.연습_1(0.5 * 12 / 4)  # the same verdict twice


@pytest.mark.parametrize("wrong", [0.5 * 12, 0.5, 0.5 * 12 / 2, "1.5", True],
                         ids=["one-by-one", "all-at-once", "c=2", "text", "bool"])
def test_1_wrong_predictions_fail(running, wrong):
    with pytest.raises(AssertionError):
        ch08.연습_1(wrong)


def test_2_a_threads_worker_with_twenty_waits_together(running):
    assert ch08.연습_2(lab.worker("api", queues=["api"], pool="threads", concurrency=20))


@pytest.mark.parametrize("pool,concurrency", [("threads", 4), ("prefork", 20), ("solo", 1)])
def test_2_wrong_workers_fail(running, pool, concurrency):
    worker = lab.worker("api", queues=["api"], pool=pool, concurrency=concurrency)
    with pytest.raises(AssertionError):
        ch08.연습_2(worker)
    worker.stop()


def test_2_a_literal_or_a_stopped_worker_fails(running):
    with pytest.raises(AssertionError):
        ch08.연습_2({"pool": "threads", "concurrency": 20})
    worker = lab.worker("api", queues=["api"], pool="threads", concurrency=20)
    worker.stop()
    with pytest.raises(AssertionError):
        ch08.연습_2(worker)
