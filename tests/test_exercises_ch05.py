"""Chapter 05's checks: each solution passes, plausible wrong answers (the issue's loopholes
included) fail, and the placeholder only reminds."""
import pytest
from celery import chord, group

from labtasks.checks import ch05
from labtasks.tasks import add, mult, notify_admin, send_alert


def test_placeholders_only_remind(lab_w1, capsys):
    for check in (ch05.연습_1, ch05.연습_2, ch05.연습_3):
        assert check(...) is False
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_immutable_second_signature(lab_w1):
    assert ch05.연습_1(add.s(1, 2) | mult.si(6, 7))
    for wrong in (add.s(1, 2) | mult.s(14), mult.si(6, 7), add.s(1, 2) | mult.s(6, 7), 42,
                  add.si(1, 2) | add.si(20, 22), add.s(1, 2) | mult.si(6)):
        with pytest.raises(AssertionError):
            ch05.연습_1(wrong)


def test_2_chord_with_an_immutable_callback(lab_w1):
    assert ch05.연습_2(chord((send_alert.s(u) for u in ["a", "b", "c"]), notify_admin.si()))
    for wrong in (chord((send_alert.s(u) for u in ["a", "b", "c"]), notify_admin.s()),
                  group(send_alert.s(u) for u in ["a", "b", "c"]),
                  chord((send_alert.s(u) for u in ["a", "b"]), notify_admin.si()),
                  notify_admin.si()):
        with pytest.raises(AssertionError):
            ch05.연습_2(wrong)


def test_3_prediction_is_compared_with_the_executed_chain(lab_w1):
    assert ch05.연습_3([2, 16, 6])
    for wrong in ([6, 16, 2], [18, 16, 6], [2, 12, 6], (2, 16, 6), "2, 16, 6"):
        with pytest.raises(AssertionError):
            ch05.연습_3(wrong)
