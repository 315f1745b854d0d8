"""Chapter 04's checks: each solution passes, valid alternative forms (chain(...), .signature(),
keyword arguments, group | body) pass, plausible wrong answers (the issue's literal chord body
included) fail with a hint, and the placeholder only reminds."""
import pytest
from celery import chain, chord, chunks, group

from labtasks.checks import ch04
from labtasks.tasks import add, mult, square, subtract, xsum

PAIRS = [(i, i) for i in range(1, 7)]


def test_placeholders_only_remind(lab_w1, capsys):
    for check in (ch04.연습_1, ch04.연습_2, ch04.연습_3):
        assert check(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_chain(lab_w1):
    ch04.연습_1(add.s(3, 4) | mult.s(5) | subtract.s(6))
    ch04.연습_1(chain(add.signature((3, 4)), mult.signature((5,)), subtract.signature((6,))))
    ch04.연습_1(add.s(x=3, y=4) | mult.s(y=5) | subtract.s(y=6))  # keyword arguments


@pytest.mark.parametrize("wrong", [
    add.s(14, 15), 29, add.s(3, 4) | mult.si(7, 5) | subtract.si(35, 6),  # hard-coded steps
    add.s(3, 4) | mult.s(5) | add.s(-6), add.s(2, 5) | mult.s(5) | subtract.s(6),
    add.s(3, 4) | mult.s(5) | subtract.s(x=6),  # 6 - 35? no: x twice, the task fails
], ids=["one-task", "literal", "immutable", "add-negative", "2+5", "fails"])
def test_1_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch04.연습_1(wrong)


def test_2_chunks(lab_w1):
    ch04.연습_2(add.chunks(PAIRS, 2))
    ch04.연습_2(chunks(add.s(), [[i, i] for i in range(1, 7)], n=2))


@pytest.mark.parametrize("wrong", [
    2, add.chunks(PAIRS, 3), add.chunks(PAIRS, 1), group(add.s(*p) for p in PAIRS),
    mult.chunks(PAIRS, 2), add.chunks(PAIRS[:4], 2),
], ids=["literal", "n=3", "n=1", "group", "mult", "four-pairs"])
def test_2_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch04.연습_2(wrong)


def test_3_chord(lab_w1):
    ch04.연습_3(chord((square.s(x) for x in [1, 2, 3, 4, 5]), xsum.s()))
    ch04.연습_3(group(square.signature(kwargs={"x": x}) for x in range(1, 6)) | xsum.signature())


@pytest.mark.parametrize("wrong", [
    lambda: chord((square.s(x) for x in range(1, 6)), xsum.si([1, 4, 9, 16, 25])),  # the issue's
    lambda: xsum.s([1, 4, 9, 16, 25]), lambda: add.s(50, 5),
    lambda: chord((add.s(x * x, 0) for x in range(1, 6)), xsum.s()),
    lambda: group(square.s(x) for x in range(1, 6)),
    lambda: chord((square.s(x) for x in range(1, 5)), xsum.s()),
    lambda: chord((square.s(x) for x in [1, 2, 3, 4, 5, 0]), xsum.s()),  # 55 with an extra 0
], ids=["literal-body", "xsum-only", "literal", "add", "group", "one-to-four", "extra-zero"])
def test_3_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch04.연습_3(wrong())
