"""10장 연습문제의 확인 함수. crontab은 고정된 "지금"부터 beat가 계산할 실행 시각을 서울 시각으로 따져 보고,
beat_schedule 항목은 lab.beat()이 beat에 넘길 수 있는지와 그 일정·옵션을 봅니다."""
from datetime import datetime, timedelta

from celery.schedules import crontab

from ..chapters.periodic import SEOUL, next_runs, when
from ..tasks.periodic import tick, to_json
from . import judge

#: 2026-11-29(일) 0시, 서울: 이때부터 실행 시각 여섯 번을 봅니다
START = datetime(2026, 11, 29, 0, 0, tzinfo=SEOUL)
WEEKDAY_MORNINGS = [when(START + timedelta(days=d, hours=7, minutes=30))
                    for d in (1, 2, 3, 4, 5, 8)]


def _weekday_mornings(answer):
    assert isinstance(answer, crontab), "celery.schedules의 crontab(...)을 답에 넣으세요."
    runs = [when(t) for t in next_runs(answer, START, 6)]
    weekend = [r for r in runs if "(토)" in r or "(일)" in r]
    assert not weekend, f"주말에도 실행됩니다(서울 시각 {weekend[0]}). day_of_week를 보세요."
    assert all(r.endswith("07:30") for r in runs), \
        f"서울 시각으로 {runs[0]}, {runs[1]}, … 에 실행됩니다. 시와 분을 보세요."
    assert runs == WEEKDAY_MORNINGS, "평일 가운데 실행되지 않는 날이 있습니다."


def 연습_1(답):
    """2026-11-29(일) 0시(서울)부터 beat가 계산할 실행 시각 여섯 번이 평일 07:30인지 봅니다."""
    return judge("10", 1, 답, _weekday_mornings)


def _no_backlog(answer):
    assert isinstance(answer, dict), "beat_schedule의 항목 하나(딕셔너리)를 답에 넣으세요."
    assert answer.get("task") == tick.name, "task에는 태스크의 이름(tick.name)을 넣습니다."
    every = answer.get("schedule")
    assert isinstance(every, (int, float, timedelta)) and not isinstance(every, bool), \
        "schedule에는 초(숫자)나 timedelta를 넣으세요."
    seconds = every.total_seconds() if isinstance(every, timedelta) else every
    assert seconds == 30, f"{seconds:g}초마다 보냅니다. 30초마다 보내야 합니다."
    to_json({"연습": answer})  # lab.beat()이 beat에 넘길 수 있어야 합니다
    expires = (answer.get("options") or {}).get("expires")
    assert expires is not None, ("이대로면 워커가 멈춘 동안 쌓인 tick이 돌아온 워커에서 모두 실행됩니다. "
                                 "options에 무엇을 더해야 할까요?")
    assert isinstance(expires, (int, float)) and expires > 0, "expires는 0보다 큰 초(숫자)로 줍니다."
    assert expires <= seconds, (f"expires가 {expires:g}초로 주기보다 깁니다. 그러면 밀린 tick 가운데 "
                                "일부는 여전히 실행됩니다.")


def 연습_2(답):
    """항목의 태스크, 주기(30초), 그리고 밀린 tick이 실행되지 않게 하는 options를 봅니다."""
    return judge("10", 2, 답, _no_backlog)


def _weekday_mornings_in_utc(answer):
    assert isinstance(answer, crontab), "celery.schedules의 crontab(...)을 답에 넣으세요."
    zone = str(answer.app.conf.timezone)
    assert zone == "UTC", (f"이 crontab은 timezone이 {zone}인 앱의 것입니다. "
                           "app=periodic.app_in(\"UTC\")로 UTC 앱에 묶으세요.")
    _weekday_mornings(answer)


def 연습_3(답):
    """UTC 앱에 묶인 crontab인지, 그리고 그 실행 시각이 서울 시각으로 평일 07:30인지 봅니다."""
    return judge("10", 3, 답, _weekday_mornings_in_utc)
