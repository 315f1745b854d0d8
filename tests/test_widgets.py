"""The buttons panel: a click fires a real task, and the board follows it to SUCCESS."""

import pytest

from labtasks import lab, monitor, widgets
from labtasks.tasks import add


@pytest.fixture(scope="module")
def workers():
    lab.up()
    monitor.start()
    lab.worker("wid_low", queues=["low_priority"], concurrency=1)
    lab.worker("wid_high", queues=["high_priority"], concurrency=1)
    yield
    lab.down()


def test_click_fires_a_task_that_reaches_success(workers):
    panel = widgets.routing_panel()
    assert "아직 보낸 태스크가 없습니다" in panel.board.value
    panel.buttons["긴급 업무 보내기"].click()
    (label, result), = panel.sent
    assert label == "긴급 업무 보내기"
    record = panel.monitor.wait_for(result, "SUCCESS", timeout=15)
    assert record.name == "urgent_call" and record.worker.startswith("wid_high@")
    assert result.get(timeout=5)["queue"] == "high_priority"
    panel.wait(timeout=15)
    assert panel.states() == [("긴급 업무 보내기", "SUCCESS")]
    assert "<b style='color:#43a047'>SUCCESS</b>" in panel.board.value
    assert "끝난 태스크 <b>1</b> / 1" in panel.counts.value
    panel.close()


def test_counts_and_summary_per_button(workers):
    panel = widgets.routing_panel()
    sent = panel.click("일반 업무 보내기", n=2) + panel.click("긴급 업무 보내기")
    assert len(sent) == 3
    panel.wait(timeout=20)
    assert panel.summary() == "일반 업무 보내기: 보냄 2 (SUCCESS 2)\n긴급 업무 보내기: 보냄 1 (SUCCESS 1)"
    workers_seen = {panel.monitor.task(r.id).worker.split("@")[0] for r in sent}
    assert workers_seen == {"wid_low", "wid_high"}
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"] == "<라우팅 실습 패널: 버튼 일반 업무 보내기, 긴급 업무 보내기>"
    assert "application/vnd.jupyter.widget-view+json" in bundle
    panel.close()


def test_any_signature_and_a_clear_error_for_a_missing_button(workers):
    lab.worker("wid_default", queues=["celery"], concurrency=1)
    panel = widgets.TaskPanel({"덧셈 보내기": add.s(2, 3)})
    (res,) = panel.click("덧셈 보내기")
    assert res.get(timeout=15) == 5
    with pytest.raises(Exception, match="버튼이 없습니다"):
        panel.fire("없는 버튼")
    panel.close()
