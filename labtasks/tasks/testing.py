"""Chapter 13: tasks whose return value eager mode never serializes.

``unique`` returns a ``set`` (not JSON), ``route`` a tuple that JSON turns into a list on its way
to the next task of a chain, where ``fare`` looks it up in a dict keyed by tuples.
"""
from ..app import app

#: 구간(출발, 도착)마다 요금
FARES = {("서울", "부산"): 59800, ("서울", "대전"): 23700}


@app.task
def unique(items):
    """중복을 없앱니다. 돌려주는 set은 JSON으로 바꿀 수 없습니다."""
    return set(items)


@app.task
def route(start, end):
    """구간을 튜플로 돌려줍니다."""
    return (start, end)


@app.task
def fare(section):
    """구간의 요금을 찾습니다. 튜플을 키로 쓰는 딕셔너리입니다."""
    return FARES[section]
