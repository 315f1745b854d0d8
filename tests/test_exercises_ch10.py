"""Chapter 10's checks: each solution passes, valid alternative forms pass, plausible wrong answers
fail with a hint, the placeholder only reminds. The crontab exercises are judged by the run
times beat would compute (in Seoul time) from a fixed "now" and by their fields; the schedule
entry by its task, arguments, period and expires."""
from datetime import timedelta

import pytest
from celery.schedules import crontab

from labtasks.chapters import periodic
from labtasks.checks import ch10
from labtasks.tasks.periodic import tick

UTC = periodic.app_in("UTC")


def test_placeholders_only_remind(capsys):
    assert ch10.연습_1(...) is None and ch10.연습_2(...) is None and ch10.연습_3(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_1_weekday_mornings_in_seoul():
    ch10.연습_1(crontab(minute=30, hour=7, day_of_week="mon-fri"))
    ch10.연습_1(crontab(minute="30", hour="7", day_of_week="1-5"))  # same, as strings
    ch10.연습_1(crontab("30", "7", "mon,tue,wed,thu,fri"))  # positional, days listed
    ch10.연습_1(crontab(minute=30, hour=7, day_of_week="mon-fri"))  # same verdict twice


@pytest.mark.parametrize("wrong", [
    crontab(minute=30, hour=7),                                 # weekends too
    crontab(hour=7, day_of_week="mon-fri"),                     # every minute from 07:00
    crontab(minute=30, hour=22, day_of_week="sun-thu"),         # UTC thinking in a Seoul app
    crontab(minute=30, hour=7, day_of_week="mon-thu"),          # Friday missing
    "30 7 * * 1-5",                                             # a literal
    crontab(minute=30, hour=7, day_of_week="mon-fri", month_of_year="11,12"),  # the weeks checked
    crontab(minute=30, hour=7, day_of_week="mon-fri", day_of_month="1-28"),    # not the 29th-31st
], ids=["daily", "every-minute", "utc-fields", "no-friday", "literal", "two-months", "1st-28th"])
def test_1_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch10.연습_1(wrong)


def test_2_an_entry_whose_backlog_expires():
    entry = {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 30}}
    ch10.연습_2(entry)
    ch10.연습_2(dict(entry, schedule=timedelta(seconds=30), options={"expires": 10}))
    ch10.연습_2({"task": "labtasks.tasks.periodic.tick", "schedule": 30.0,  # by name, keyword
                 "kwargs": {"label": "heartbeat"}, "options": {"expires": 29.5}})


@pytest.mark.parametrize("wrong", [
    {"task": tick.name, "schedule": 30, "args": ("heartbeat",)},            # no expires
    {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 3600}},
    {"task": tick.name, "schedule": 1800, "args": ("heartbeat",), "options": {"expires": 30}},
    {"task": tick, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 30}},  # the task
    {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "expires": 30},  # not in options
    "tick every 30 s, expires 30",                                          # a literal
    {"task": tick.name, "schedule": 30, "options": {"expires": 30}},      # tick(), no "heartbeat"
    {"task": tick.name, "schedule": 30, "args": ("heartbeat"), "options": {"expires": 30}},  # str
    {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 0}},
], ids=["no-expires", "expires-too-long", "30-minutes", "task-object", "not-in-options", "literal",
        "no-args", "args-a-string", "expires-0"])
def test_2_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch10.연습_2(wrong)


def test_3_weekday_mornings_in_seoul_from_a_utc_app():
    ch10.연습_3(crontab(minute=30, hour=22, day_of_week="sun-thu", app=UTC))
    ch10.연습_3(crontab(minute="30", hour="22", day_of_week="0-4", app=UTC))


@pytest.mark.parametrize("wrong", [
    crontab(minute=30, hour=7, day_of_week="mon-fri", app=UTC),   # 16:30 in Seoul
    crontab(minute=30, hour=22, day_of_week="mon-fri", app=UTC),  # Tuesday to Saturday in Seoul
    crontab(minute=30, hour=7, day_of_week="mon-fri"),            # right times, but the Seoul app
    crontab(minute=30, hour=22, day_of_week="sun-thu", month_of_year="11,12", app=UTC),
], ids=["seoul-fields", "days-not-shifted", "seoul-app", "two-months"])
def test_3_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch10.연습_3(wrong)
