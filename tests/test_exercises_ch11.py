"""Chapter 11's checks: each solution passes, plausible wrong answers fail, the placeholder only
reminds. 연습 1 is judged on a ``stepper`` moved one step at a time; 연습 2 from the monitor (did
the task start) and the result backend (REVOKED)."""
import pytest

from labtasks.chapters.progress import Bar
from labtasks.checks import ch11
from labtasks.tasks import add
from labtasks.tasks.progress import crunch


def test_placeholders_do_not_raise(lab_w1):
    assert ch11.연습_1(...) is False
    assert ch11.연습_2(...) is False


def fraction(result):
    if result.state == "PROGRESS":
        return result.info["current"] / result.info["total"]
    return 1.0 if result.successful() else 0.0


def test_1_fraction_from_state_and_info(lab_w1):
    assert ch11.연습_1(fraction)
    assert ch11.연습_1(fraction)  # a fresh task each time: the same verdict


@pytest.mark.parametrize("wrong", [
    lambda r: r.info["current"] / r.info["total"],                  # STARTED's info is pid/hostname
    lambda r: 1.0 if r.successful() else 0.0,                       # no progress in between
    lambda r: r.info["current"] / r.info["total"] if r.state == "PROGRESS" else 0.0,  # SUCCESS -> 0
    lambda r: (r.info or {}).get("current", 0),                     # steps, not a fraction
    0.2,                                                            # a literal
], ids=["info-always", "done-or-not", "success-is-zero", "steps", "literal"])
def test_1_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError):
        ch11.연습_1(wrong)


def test_2_cancelled_after_it_started(lab_w1):
    r = crunch.delay(20, 0.1)
    Bar(r, title="t").wait_progress(2).cancel()
    assert ch11.연습_2(r)
    assert ch11.연습_2(r)


def _not_terminated():
    r = crunch.delay(8, 0.05)
    Bar(r, title="t").wait_progress(2)
    r.revoke()  # without terminate=True: a lab_w1 task goes on
    return r


def _before_start():
    r = crunch.apply_async((20, 0.1), countdown=5)
    r.revoke()
    return r


def _finished():
    r = crunch.delay(3, 0.01)
    r.get(timeout=10)
    return r


@pytest.mark.parametrize("wrong", [
    _not_terminated, _before_start, _finished,
    lambda: add.delay(1, 2),
    lambda: "REVOKED",
], ids=["no-terminate", "before-start", "finished", "other-task", "literal"])
def test_2_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError):
        ch11.연습_2(wrong())
