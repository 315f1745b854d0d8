"""Chapter 13's checks: each solution passes, plausible wrong answers fail, the placeholder only
reminds. 연습 1 runs the answer's test file with pytest against the right ``tasks.py`` and two wrong
ones (a bug eager mode hides, a wrong value); 연습 2 runs every option eagerly and on a worker."""
from pathlib import Path

import pytest

from labtasks.checks import ch13

RIGHT_TEST = '''
from celery import chain

from tasks import fare, route


def test_the_chain_finds_the_fare(celery_worker):
    assert chain(route.s("서울", "부산"), fare.s()).delay().get(timeout=10) == 59800
'''

#: the same skill, written another way: start_worker in the test, and fare sent what a chain sends
OTHER_RIGHT_TEST = '''
from celery.contrib.testing.worker import start_worker

from tasks import fare, route
from worker import app


def test_route_then_fare():
    with start_worker(app, pool="solo", perform_ping_check=False):
        section = route.delay("서울", "부산").get(timeout=10)
        assert section == ["서울", "부산"]
        assert fare.delay(section).get(timeout=10) == 59800
'''

WRONG_TESTS = {
    # a test that cannot fail
    "cannot-fail": '''
def test_chain(celery_worker):
    assert True
''',
    # a literal: nothing of the tasks runs
    "literal": '''
def test_fare():
    assert 59800 == 59800
''',
    # eager mode: apply() hands route's tuple to fare as it is, so the tuple-key bug passes
    "eager-apply": '''
from celery import chain

from tasks import fare, route


def test_chain():
    assert chain(route.s("서울", "부산"), fare.s()).apply().get() == 59800
''',
    # eager mode switched on in the test: the same bug hides
    "always-eager": '''
from tasks import fare, route
from worker import app

app.conf.task_always_eager = True


def test_chain():
    assert (route.s("서울", "부산") | fare.s()).delay().get() == 59800
''',
    # a real worker, but no value checked: the wrong fare passes
    "no-value": '''
from tasks import fare, route


def test_chain(celery_worker):
    (route.s("서울", "부산") | fare.s()).delay().get(timeout=10)
''',
    # fails on the right tasks too: route's tuple comes back as a list
    "fails-on-right": '''
from tasks import route


def test_route(celery_worker):
    assert route.delay("서울", "부산").get(timeout=10) == ("서울", "부산")
''',
    # pytest finds no test
    "no-test": '''
def check_chain():
    assert False
''',
}


def test_placeholders_do_not_raise():
    assert ch13.연습_1(...) is None
    assert ch13.연습_2(...) is None


def test_1_the_solution_passes_twice():
    ch13.연습_1(RIGHT_TEST)
    ch13.연습_1(RIGHT_TEST)


def test_1_another_right_form_passes(tmp_path):
    ch13.연습_1(OTHER_RIGHT_TEST)
    path = tmp_path / "test_mine.py"
    path.write_text(RIGHT_TEST, encoding="utf-8")
    ch13.연습_1(Path(path))  # a file written with %%writefile, given as a Path


@pytest.mark.parametrize("wrong", list(WRONG_TESTS.values()), ids=list(WRONG_TESTS))
def test_1_wrong_tests_fail(wrong):
    with pytest.raises(AssertionError):
        ch13.연습_1(wrong)


def test_1_not_a_test_file():
    with pytest.raises(AssertionError):
        ch13.연습_1(59800)


def test_2_what_differs_is_measured(lab_w1):
    assert ch13.differing() == {"ㄴ", "ㄷ"}


@pytest.mark.parametrize("right", [{"ㄴ", "ㄷ"}, ["ㄷ", "ㄴ"], "ㄴㄷ"], ids=["set", "list", "str"])
def test_2_the_solution_passes_in_any_form(lab_w1, right):
    ch13.연습_2(right)


@pytest.mark.parametrize("wrong", [
    {"ㄱ", "ㄴ", "ㄷ"},        # thinks eager mode never serializes arguments
    {"ㄴ", "ㄷ", "ㄹ"},        # thinks a Fraction argument passes eagerly
    {"ㄷ"},                    # misses the chain's tuple turned into a list
    {"ㄱ", "ㄴ", "ㄷ", "ㄹ", "ㅁ"},  # everything
    set(),                     # nothing
    {"ㄴ", "ㄷ", "ㅂ"},        # a letter that is no option
    2,                         # not letters
], ids=["args-not-serialized", "fraction", "only-return", "all", "none", "unknown", "number"])
def test_2_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError):
        ch13.연습_2(wrong)
