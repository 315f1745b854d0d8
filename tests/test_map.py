"""The map (``lab.map()``) against a real broker, backend and workers: the messages waiting in a
queue nobody consumes, a worker's running task, the results the backend holds, redrawn live from
the monitor's events; bad input is refused in Korean."""
import re

import pytest
from celery import Celery
from celery.backends.cache import CacheBackend
from celery.backends.rpc import RPCBackend

from labtasks import lab
from labtasks.chapters import progress, queues
from labtasks.errors import LabError
from labtasks.tasks import urgent_call
from labtasks.waiting import wait_until
from labtasks.widgets import _results


@pytest.fixture(scope="module")
def the_map():
    lab.up()
    lab.worker("mapw", queues=["map_busy"], concurrency=1)
    queues.purge("map_nobody")
    yield lab.map()
    queues.purge("map_nobody")
    lab.down()


def rows(text: str, title: str) -> list[list[str]]:
    """The rows of the table under ``title`` in the map's text, split on runs of spaces."""
    block = ("\n" + text).split("\n" + title + "\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return [re.split(r"\s{2,}", line.strip()) for line in block]


def test_a_message_in_a_queue_nobody_consumes_is_listed_with_no_worker(the_map):
    sent = [urgent_call.apply_async(queue="map_nobody") for _ in range(2)]
    # the queue was never named: the map finds it from the monitor's task-sent events
    wait_until(lambda: "map_nobody" in repr(the_map.refresh()), 10, "지도에 map_nobody 큐")
    the_map.wait("map_nobody", 2)
    queue_rows = {r[0]: r[1:] for r in rows(repr(the_map), "브로커의 큐")}
    assert queue_rows["map_nobody"] == ["2", "없음"]
    assert queue_rows["map_busy"] == ["0", "mapw"]
    assert {"celery", "low_priority", "high_priority", "db"} <= set(queue_rows)  # default, routes
    assert all(r.state == "PENDING" for r in sent)
    assert queues.purge("map_nobody") == 2
    assert the_map.wait("map_nobody", 0).waiting("map_nobody") == 0


def test_a_running_task_shows_on_its_worker_and_its_result_in_the_backend(the_map):
    before = int(the_map.refresh().backend.split("결과 ")[1].rstrip("개"))
    # a task that runs until the test opens its gate: on a busy machine the monitor may hear
    # "started" only with "succeeded" (wait_for returns then too), and a task of fixed length
    # could be over before the map is redrawn
    steps = progress.Steps(1, queue="map_busy")
    running = steps.result
    lab.monitor().wait_for(running, "STARTED", timeout=15)
    # the monitor's events (the worker's heartbeats too) redraw it: nobody calls refresh() here
    try:
        wait_until(lambda: "stepper" in the_map.html.value, 15, "지도에 실행 중인 stepper")
    except TimeoutError:  # say what the map drew last and what a fresh look finds
        drawn = repr(the_map)
        raise AssertionError(f"last drawn:\n{drawn}\nnow:\n{the_map.refresh()!r}") from None
    assert rows(repr(the_map), "워커") == [["mapw", "map_busy", "stepper"]]
    steps.next()  # open the gate: its one step, then the end
    assert running.get(timeout=15) == {"current": 1, "total": 1}
    wait_until(lambda: "stepper" not in the_map.html.value, 10, "끝난 stepper가 지도에서 빠지기")
    assert rows(repr(the_map.refresh()), "워커") == [["mapw", "map_busy", "없음"]]
    assert the_map.backend == f"(Redis): 보관 중인 결과 {before + 1}개"
    bundle = the_map._repr_mimebundle_()
    assert bundle["text/plain"] == repr(the_map) and "application/vnd.jupyter.widget-view+json" in bundle


def test_bad_queue_names_are_refused_in_korean(the_map):
    for bad in (3, "", "  "):
        with pytest.raises(LabError, match="큐 이름은 비어 있지 않은 문자열이어야 합니다"):
            lab.map(bad)
    with pytest.raises(TimeoutError, match="지도에서 큐 map_never에 메시지 1개"):
        the_map.wait("map_never", 1, timeout=0.3)


def test_backends_that_keep_no_countable_results_say_so():
    app = Celery(broker="memory://")  # the backends themselves: the environment names Redis
    assert _results(RPCBackend(app=app)).startswith("(rpc): 결과를 보관하지 않고")
    assert _results(CacheBackend(app=app, backend="memory://")) == "(Cache): 이 백엔드의 결과 수는 세지 않습니다"
