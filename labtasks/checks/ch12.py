"""12장 연습문제의 확인 함수. 답으로 받은 엔드포인트 함수를 Flask 앱에 달아 실제 요청을 보내고, 태스크는 프로젝트의
워커(``mine``)가 실제로 실행합니다. 프로젝트 폴더의 ``app.py``(``record``, ``was_sent``, ``status``)와 ``tasks.py``를
씁니다."""
import importlib
import re
import uuid
from contextlib import contextmanager

from celery.signals import before_task_publish

from ..waiting import wait_until
from . import judge, value_of

HANGUL = re.compile("[가-힣]")


def 연습_1(답):
    judge("12", 1, 답, _submit)


def 연습_2(답):
    judge("12", 2, 답, _status)


def _project():
    try:
        return importlib.import_module("app"), importlib.import_module("tasks")
    except ImportError as exc:
        raise AssertionError(f"프로젝트의 app.py와 tasks.py를 가져오지 못했습니다({exc}). "
                             "이 장의 앞 셀부터 차례로 실행하세요.") from None


def _client(view, rule: str, methods: list[str], web):
    from flask import Flask
    assert callable(view), "엔드포인트 함수(def로 만든 함수)를 답에 넣으세요."
    site = Flask("확인")
    site.testing = True  # an exception in the answer reaches the check, not a 500 page
    site.add_url_rule(rule, "answer", view, methods=methods)
    if rule != "/tasks/<task_id>":
        site.add_url_rule("/tasks/<task_id>", "status", web.status)
    return site.test_client()


def _call(request, what: str):
    try:
        return request()
    except Exception as exc:
        raise AssertionError(f"{what} 요청을 처리하다 {type(exc).__name__}: {exc}") from None


@contextmanager
def _publishes(web):
    """Every task sent meanwhile (from this kernel): name, id, args, kwargs, recorded by then."""
    sent = []

    def seen(sender=None, headers=None, body=None, **_):
        sent.append({"name": sender, "id": headers["id"], "args": list(body[0]),
                     "kwargs": body[1], "recorded": web.was_sent(headers["id"])})
    before_task_publish.connect(seen, weak=False)
    try:
        yield sent
    finally:
        before_task_publish.disconnect(seen)


def _korean_error(reply, what: str):
    message = (reply.get_json(silent=True) or {}).get("error")
    assert isinstance(message, str) and HANGUL.search(message), \
        f"{what}: 답의 JSON에 한국어 error 메시지를 담으세요."


BAD = [({"x": 2, "y": 3, "seconds": 60}, "seconds가 10보다 큰"),
       ({"x": 2, "y": 3, "seconds": 0}, "seconds가 0인"),
       ({"x": "2", "y": 3, "seconds": 1}, "x가 문자열인"),
       ({"x": 2, "y": 3}, "seconds가 없는"),
       ("x=2&y=3", "JSON이 아닌")]


def _submit(answer):
    web, tasks = _project()
    client = _client(answer, "/tasks/slow_add", ["POST"], web)
    with _publishes(web) as sent:
        for body, what in BAD:
            form = {"data": body} if isinstance(body, str) else {"json": body}
            reply = _call(lambda form=form: client.post("/tasks/slow_add", **form), what)
            assert reply.status_code == 400, \
                f"{what} 요청에 {reply.status_code}(으)로 답했습니다. 잘못된 입력에는 400입니다."
            if sent:  # what it sent must not keep the worker busy (seconds=60)
                tasks.slow_add.app.control.revoke([s["id"] for s in sent], terminate=True)
                raise AssertionError(f"{what} 요청에도 태스크를 보냈습니다. 입력을 검사한 뒤에 보내세요.")
            _korean_error(reply, f"{what} 요청")
        reply = _call(lambda: client.post("/tasks/slow_add", json={"x": 2, "y": 3, "seconds": 1}),
                      "올바른")
        state_at_reply = [tasks.slow_add.AsyncResult(s["id"]).state for s in sent]
    assert reply.status_code == 202, \
        f"올바른 요청에 {reply.status_code}(으)로 답했습니다. 받아서 맡겼다는 뜻의 202로 답하세요."
    task_id = (reply.get_json(silent=True) or {}).get("id")
    assert isinstance(task_id, str) and task_id, "본문 JSON의 id에 태스크 id를 담으세요."
    mine = [s for s in sent if s["id"] == task_id]
    assert len(sent) == 1 and mine, ("답한 id로 태스크를 정확히 하나 보내야 합니다. "
                                     f"보낸 태스크 {len(sent)}개, 답한 id와 같은 것 {len(mine)}개.")
    assert mine[0]["name"] == tasks.slow_add.name, f"{mine[0]['name']}이(가) 아니라 slow_add를 보내세요."
    assert mine[0]["recorded"], ("보내는 순간 그 id가 기록되어 있지 않았습니다. "
                                 "record(...)로 먼저 기록(커밋)한 다음 보내세요.")
    seconds = mine[0]["kwargs"].get("seconds", (mine[0]["args"] + [None] * 3)[2])
    assert seconds == 1, "받은 seconds를 slow_add에 넘기세요."
    assert state_at_reply[0] != "SUCCESS", \
        "1초 걸리는 태스크가 응답 전에 끝나 있었습니다. 결과를 기다리지 말고 곧바로 답하세요."
    location = reply.headers.get("Location", "")
    assert location.endswith(f"/tasks/{task_id}"), \
        "Location 헤더에 상태를 물어볼 주소 url_for('status', task_id=…)를 담으세요."
    assert value_of(tasks.slow_add.AsyncResult(task_id)) == 5, "보낸 태스크의 결과가 2 + 3이 아닙니다."
    again = _call(lambda: client.post("/tasks/slow_add", json={"x": 1, "y": 1, "seconds": 0.1}),
                  "두 번째 올바른")
    assert again.status_code == 202 and (again.get_json(silent=True) or {}).get("id") != task_id, \
        "두 번째 요청도 202로, 새 태스크 id로 답해야 합니다. id는 요청마다 새로 만드세요."


def _status(answer):
    web, tasks = _project()
    client = _client(answer, "/tasks/<task_id>", ["GET"], web)

    def recorded(name):
        task_id = str(uuid.uuid4())
        web.record(task_id, name)
        return task_id

    def get(task_id, what):
        reply = _call(lambda: client.get(f"/tasks/{task_id}"), what)
        return reply, reply.get_json(silent=True) or {}

    for task_id, what in [(str(uuid.uuid4()), "보낸 적 없는 id"), ("없는-id", "보낸 적 없는 id")]:
        reply, _ = get(task_id, what)
        assert reply.status_code == 404, \
            f"{what}에 {reply.status_code}(으)로 답했습니다. was_sent로 확인해 404로 답하세요."
        _korean_error(reply, what)
    waiting = recorded("add")  # recorded, not (yet) in the result backend
    reply, body = get(waiting, "기록은 있지만 아직 결과가 없는 id")
    assert reply.status_code == 200 and body.get("state") == "PENDING", \
        "기록은 있지만 아직 결과가 없는 id에는 200과 state PENDING으로 답하세요(기다리는 중)."
    done = recorded("add")
    value_of(tasks.add.apply_async((2, 3), task_id=done))
    reply, body = get(done, "성공한 태스크")
    assert (reply.status_code, body.get("state"), body.get("result")) == (200, "SUCCESS", 5), \
        "성공한 태스크에는 200, state SUCCESS, result에 결과 값을 담으세요."
    failed = recorded("divide")
    tasks.divide.apply_async((1, 0), task_id=failed).get(timeout=10, propagate=False)
    reply, body = get(failed, "실패한 태스크")
    assert body.get("state") == "FAILURE" and "ZeroDivisionError" in str(body.get("error")), \
        "실패한 태스크에는 state FAILURE와, error에 예외 이름(ZeroDivisionError)과 메시지를 담으세요."
    running = recorded("slow_add")
    result = tasks.slow_add.apply_async((1, 1), {"seconds": 1}, task_id=running)
    wait_until(lambda: result.state == "PROGRESS", 10, "slow_add의 PROGRESS 상태")
    reply, body = get(running, "진행 중인 태스크")
    progress = body.get("progress")
    assert body.get("state") == "PROGRESS" and isinstance(progress, dict) \
        and {"done", "total"} <= set(progress), \
        "진행 중인 태스크에는 state PROGRESS와, progress에 update_state의 meta(done, total)를 담으세요."
    value_of(result)
