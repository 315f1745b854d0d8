"""Chapter 05's checks: each solution passes, valid alternative forms (chain(...), .signature(...,
immutable=True), keyword arguments, group | body) pass, plausible wrong answers fail with a hint,
and the placeholder only reminds."""
import pytest
from celery import chain, chord, group

from labtasks.checks import ch05
from labtasks.tasks import add, mult, notify_admin, send_alert


def test_placeholders_only_remind(lab_w1, capsys):
    for check in (ch05.연습_1, ch05.연습_2, ch05.연습_3):
        assert check(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_immutable_second_signature(lab_w1):
    ch05.연습_1(add.s(1, 2) | mult.si(6, 7))
    ch05.연습_1(chain(add.s(x=1, y=2), mult.signature((6,), {"y": 7}, immutable=True)))


@pytest.mark.parametrize("wrong", [
    add.s(1, 2) | mult.s(14), mult.si(6, 7), add.s(1, 2) | mult.s(6, 7), 42,
    add.si(1, 2) | add.si(20, 22), add.s(1, 2) | mult.si(6),
    add.s(1, 2) | mult.si(42, 1), add.s(3, 0) | mult.si(6, 7),  # the same numbers, other arguments
], ids=["partial", "one", "mutable-full", "literal", "add-twice", "one-arg", "42x1", "3+0"])
def test_1_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch05.연습_1(wrong)


def test_2_chord_with_an_immutable_callback(lab_w1):
    ch05.연습_2(chord((send_alert.s(u) for u in ["a", "b", "c"]), notify_admin.si()))
    ch05.연습_2(group(send_alert.s(user=u) for u in "cab") | notify_admin.signature(immutable=True))


@pytest.mark.parametrize("wrong", [
    lambda: chord((send_alert.s(u) for u in ["a", "b", "c"]), notify_admin.s()),
    lambda: group(send_alert.s(u) for u in ["a", "b", "c"]),
    lambda: chord((send_alert.s(u) for u in ["a", "b"]), notify_admin.si()),
    lambda: chord((send_alert.s(u) for u in ["a", "a", "b", "c"]), notify_admin.si()),
    lambda: notify_admin.si(),
    lambda: send_alert.s("a") | send_alert.si("b") | send_alert.si("c") | notify_admin.si(),
], ids=["mutable-body", "group", "two-users", "a-twice", "body-only", "chain"])
def test_2_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch05.연습_2(wrong())


def test_3_prediction_is_compared_with_the_executed_chain(lab_w1):
    ch05.연습_3([2, 16, 6])
    ch05.연습_3((2, 16, 6))  # a tuple holds the same prediction


@pytest.mark.parametrize("wrong", [[6, 16, 2], [18, 16, 6], [2, 12, 6], [2, 6], "2, 16, 6"],
                         ids=["reversed", "immutable-ignored", "16-as-12", "two", "text"])
def test_3_wrong(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch05.연습_3(wrong)
