"""Chapter 04's checks: each solution passes, plausible wrong answers (the issue's loopholes
included) fail, and the placeholder only reminds."""
import pytest
from celery import chord, group

from labtasks.checks import ch04
from labtasks.tasks import add, mult, square, subtract, xsum

PAIRS = [(i, i) for i in range(1, 7)]


def test_placeholders_only_remind(lab_w1, capsys):
    for check in (ch04.연습_1, ch04.연습_2, ch04.연습_3):
        assert check(...) is False
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_chain(lab_w1):
    assert ch04.연습_1(add.s(3, 4) | mult.s(5) | subtract.s(6))
    for wrong in (add.s(14, 15), 29, add.s(3, 4) | mult.si(7, 5) | subtract.si(35, 6),
                  add.s(3, 4) | mult.s(5) | add.s(-6), add.s(2, 5) | mult.s(5) | subtract.s(6)):
        with pytest.raises(AssertionError):
            ch04.연습_1(wrong)


def test_2_chunks(lab_w1):
    assert ch04.연습_2(add.chunks(PAIRS, 2))
    for wrong in (2, add.chunks(PAIRS, 3), add.chunks(PAIRS, 1), group(add.s(*p) for p in PAIRS),
                  mult.chunks(PAIRS, 2)):
        with pytest.raises(AssertionError):
            ch04.연습_2(wrong)


def test_3_chord(lab_w1):
    assert ch04.연습_3(chord((square.s(x) for x in [1, 2, 3, 4, 5]), xsum.s()))
    for wrong in (xsum.s([1, 4, 9, 16, 25]), add.s(50, 5),
                  chord((add.s(x * x, 0) for x in range(1, 6)), xsum.s()),
                  group(square.s(x) for x in range(1, 6)),
                  chord((square.s(x) for x in range(1, 5)), xsum.s())):
        with pytest.raises(AssertionError):
            ch04.연습_3(wrong)
