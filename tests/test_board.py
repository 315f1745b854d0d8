"""The live task board, in both modes: buttons clicked for real fire real tasks that the monitor
follows to SUCCESS; with ``everything`` it also lists tasks sent from elsewhere (a cell, Flower's
REST API), with their worker and runtime."""
import dataclasses

import pytest

from labtasks import lab
from labtasks.chapters.board import board as chapter_board
from labtasks.chapters.routing import routing_panel
from labtasks.errors import LabError
from labtasks.tasks import add, mult


@pytest.fixture(scope="module")
def workers():
    lab.up()
    lab.worker("wid_low", queues=["low_priority"], concurrency=1)
    lab.worker("wid_high", queues=["high_priority"], concurrency=1)
    lab.worker("bd1", queues=["celery"], concurrency=2)
    yield
    lab.down()


def test_a_click_fires_a_task_that_reaches_success_on_the_panel(workers):
    panel = routing_panel()
    assert "아직 태스크가 없습니다" in panel.table.value
    panel.buttons["긴급 태스크 보내기"].click()
    (label, result), = panel.sent
    assert label == "긴급 태스크 보내기"
    record = panel.monitor.wait_for(result, "SUCCESS", timeout=15)
    assert record.worker.startswith("wid_high@")
    panel.wait(timeout=15)
    assert panel.summary() == "일반 태스크 보내기: 보냄 0\n긴급 태스크 보내기: 보냄 1 (SUCCESS 1)"
    assert "<b style='color:#43a047'>SUCCESS</b>" in panel.table.value
    assert "끝난 태스크 <b>1</b> / 1" in panel.status.value
    panel.close()


def test_the_panel_counts_per_button_and_each_queue_has_its_worker(workers):
    panel = routing_panel()
    sent = panel.click("일반 태스크 보내기", n=2) + panel.click("긴급 태스크 보내기")
    panel.wait(timeout=20)
    assert panel.summary() == "일반 태스크 보내기: 보냄 2 (SUCCESS 2)\n긴급 태스크 보내기: 보냄 1 (SUCCESS 1)"
    assert {panel.monitor.task(r.id).worker.split("@")[0] for r in sent} == {"wid_low", "wid_high"}
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"] == "<라우팅 실습 패널: 버튼 일반 태스크 보내기, 긴급 태스크 보내기>"
    with pytest.raises(LabError, match="버튼이 없습니다"):
        panel.fire("없는 버튼")
    panel.close()


def test_the_board_lists_every_task_the_monitor_sees(workers):
    before = add.delay(0, 0)
    lab.monitor().wait_for(before)  # sent before the board: not listed
    board = chapter_board({"덧셈": add.s(2, 3)})
    board.click("덧셈", n=2)
    mult.delay(3, 4)  # from a cell
    lab.flower().api("task/async-apply/labtasks.tasks.basics.add", method="POST",
                     json={"args": [1, 1]})
    board.wait(count=4)
    records = board.records()
    assert board.summary() == "add: SUCCESS 3\nmult: SUCCESS 1"
    assert {r.worker.split("@")[0] for r in records} == {"bd1"}
    assert all(r.runtime is not None for r in records) and before.id not in [r.id for r in records]
    assert board.table.value.count("<tr>") == 5 and " ms</td>" in board.table.value
    assert "태스크 4개" in board.status.value
    # a record whose early events the monitor missed gets its name from the result backend
    unnamed = dataclasses.replace(records[0], name=None)
    assert board._named(unnamed).name == records[0].name == "labtasks.tasks.basics.add"
    board.close()
