"""Chapter 10's checks: each solution passes, plausible wrong answers fail, the placeholder only
reminds. The crontab exercises are judged by the run times beat would compute (in Seoul time)
from a fixed "now"; the schedule entry by its task, period and expires."""
from datetime import timedelta

import pytest
from celery.schedules import crontab

from labtasks.chapters import periodic
from labtasks.checks import ch10
from labtasks.tasks.periodic import tick

UTC = periodic.app_in("UTC")


def test_placeholders_do_not_raise():
    assert ch10.연습_1(...) is False
    assert ch10.연습_2(...) is False
    assert ch10.연습_3(...) is False


def test_1_weekday_mornings_in_seoul():
    assert ch10.연습_1(crontab(minute=30, hour=7, day_of_week="mon-fri"))
    assert ch10.연습_1(crontab(minute="30", hour="7", day_of_week="1-5"))  # same, as strings
    assert ch10.연습_1(crontab(minute=30, hour=7, day_of_week="mon-fri"))  # same verdict twice


@pytest.mark.parametrize("wrong", [
    crontab(minute=30, hour=7),                                 # weekends too
    crontab(hour=7, day_of_week="mon-fri"),                     # every minute from 07:00
    crontab(minute=30, hour=22, day_of_week="sun-thu"),         # UTC thinking in a Seoul app
    crontab(minute=30, hour=7, day_of_week="mon-thu"),          # Friday missing
    "30 7 * * 1-5",                                             # a literal
], ids=["daily", "every-minute", "utc-fields", "no-friday", "literal"])
def test_1_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError):
        ch10.연습_1(wrong)


def test_2_an_entry_whose_backlog_expires():
    entry = {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 30}}
    assert ch10.연습_2(entry)
    assert ch10.연습_2(dict(entry, schedule=timedelta(seconds=30), options={"expires": 10}))


@pytest.mark.parametrize("wrong", [
    {"task": tick.name, "schedule": 30},                                     # no expires
    {"task": tick.name, "schedule": 30, "options": {"expires": 3600}},      # longer than the period
    {"task": tick.name, "schedule": 1800, "options": {"expires": 30}},      # every 30 minutes
    {"task": tick, "schedule": 30, "options": {"expires": 30}},             # the task, not its name
    {"task": tick.name, "schedule": 30, "expires": 30},                   # not in options
    "tick every 30 s, expires 30",                                          # a literal
], ids=["no-expires", "expires-too-long", "30-minutes", "task-object", "not-in-options", "literal"])
def test_2_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError):
        ch10.연습_2(wrong)


def test_3_weekday_mornings_in_seoul_from_a_utc_app():
    assert ch10.연습_3(crontab(minute=30, hour=22, day_of_week="sun-thu", app=UTC))


@pytest.mark.parametrize("wrong", [
    crontab(minute=30, hour=7, day_of_week="mon-fri", app=UTC),   # 16:30 in Seoul
    crontab(minute=30, hour=22, day_of_week="mon-fri", app=UTC),  # Tuesday to Saturday in Seoul
    crontab(minute=30, hour=7, day_of_week="mon-fri"),            # right times, but the Seoul app
], ids=["seoul-fields", "days-not-shifted", "seoul-app"])
def test_3_wrong_answers_fail(wrong):
    with pytest.raises(AssertionError):
        ch10.연습_3(wrong)
