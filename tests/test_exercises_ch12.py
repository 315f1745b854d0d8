"""Chapter 12's checks: the learner's endpoint functions are mounted on a Flask app and called for
real; the tasks run on the project's worker. The project files are the chapter's own
(``%%writefile`` cells of notebooks-src/12_*.py). Each solution passes, one valid alternative form
passes, plausible wrong answers of different kinds fail, the placeholder only reminds."""
import os
import re
import uuid

import pytest
from flask import jsonify, make_response, request, url_for

from conftest import ROOT
from labtasks import lab
from labtasks.checks import ch12

SOURCE = next((ROOT / "notebooks-src").glob("12_*.py"))


def chapter_files() -> dict[str, str]:
    """The files the chapter writes: {name: text} from its ``%%writefile`` cells."""
    files = {}
    for match in re.finditer(r"^# %%\n# %%writefile (\S+)\n(.*?)(?=^# %%)", SOURCE.read_text(
            encoding="utf-8"), flags=re.MULTILINE | re.DOTALL):
        files[match[1]] = match[2]
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    cwd, before = os.getcwd(), os.environ.get("LABTASKS_PROJECT_ROOT")
    os.environ["LABTASKS_PROJECT_ROOT"] = str(tmp_path_factory.mktemp("root"))
    lab.up()
    folder = lab.project().path
    for name, text in chapter_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    lab.worker("mine", app="worker")
    import app as web
    import tasks
    yield web, tasks
    # wrong answers may have left long tasks running (seconds=60 accepted): end them, so that the
    # worker's warm shutdown does not wait for them
    running = tasks.app.control.inspect(timeout=1).active() or {}
    tasks.app.control.revoke([t["id"] for ts in running.values() for t in ts], terminate=True)
    lab.down()
    os.chdir(cwd)
    os.environ.pop("LABTASKS_PROJECT_ROOT")
    before and os.environ.update(LABTASKS_PROJECT_ROOT=before)


def test_the_chapter_writes_the_three_project_files():
    assert set(chapter_files()) == {"worker.py", "tasks.py", "app.py"}


def test_placeholders_do_not_raise(project):
    assert ch12.연습_1(...) is None
    assert ch12.연습_2(...) is None


# --- 연습 1: POST /tasks/slow_add -> 202, id, Location; 400 and nothing sent on bad input -----

def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def submitter(*, status=202, location=True, validate_first=True, range_check=True,
              record_first=True, wait=False, pass_seconds=True, fixed_id=None):
    """The solution, or the solution with one mistake a learner makes."""
    def view():
        web, tasks = __import__("app"), __import__("tasks")
        data = request.get_json(silent=True)
        task_id = fixed_id or str(uuid.uuid4())
        if not validate_first:
            tasks.slow_add.apply_async((1, 1), {"seconds": 0.1}, task_id=task_id)
        if not isinstance(data, dict):
            return jsonify(error="JSON 본문이 필요합니다."), 400
        x, y, seconds = data.get("x"), data.get("y"), data.get("seconds")
        if not all(is_number(v) for v in (x, y, seconds)) or (
                range_check and not 0 < seconds <= 10):
            return jsonify(error="입력이 잘못되었습니다."), 400
        if record_first:
            web.record(task_id, "slow_add")
        if validate_first and fixed_id is None or fixed_id:
            kwargs = {"seconds": seconds} if pass_seconds else {}
            result = tasks.slow_add.apply_async((x, y), kwargs, task_id=task_id)
            if wait:
                result.get(timeout=10)
        if not record_first:
            web.record(task_id, "slow_add")
        headers = {"Location": url_for("status", task_id=task_id)} if location else {}
        return jsonify(id=task_id), status, headers
    return view


def test_1_solution_passes_twice(project):
    ch12.연습_1(submitter())
    ch12.연습_1(submitter())  # the same verdict on a second run


def test_1_a_valid_alternative_form_passes(project):
    """make_response, positional seconds with delay, a different validation order."""
    web, tasks = project

    def view():
        body = request.get_json(silent=True) or {}
        try:
            x, y, seconds = (body[k] for k in ("x", "y", "seconds"))
            assert all(type(v) in (int, float) for v in (x, y, seconds)) and 0 < seconds <= 10
        except (KeyError, AssertionError, TypeError):
            return make_response({"error": "x, y, seconds를 확인하세요."}, 400)
        task_id = uuid.uuid4().hex
        web.record(task_id, "slow_add")
        tasks.slow_add.apply_async([x, y, seconds], task_id=task_id)
        reply = make_response({"id": task_id}, 202)
        reply.headers["Location"] = url_for("status", task_id=task_id, _external=True)
        return reply
    ch12.연습_1(view)


@pytest.mark.parametrize("wrong", [
    submitter(status=200),                 # 200 instead of 202
    submitter(location=False),             # no Location header
    submitter(validate_first=False),       # sends, then validates
    submitter(range_check=False),          # seconds=60 accepted
    submitter(record_first=False),         # sends before the record is committed
    submitter(wait=True),                  # waits for the result inside the request
    submitter(pass_seconds=False),         # drops seconds
    submitter(fixed_id="00000000-0000-0000-0000-000000000000"),  # a hard-coded id
    lambda: ({"id": "abc"}, 202, {"Location": "/tasks/abc"}),    # answers without sending
    "202",                                                       # a literal
], ids=["200", "no-location", "send-then-validate", "no-range", "record-after-send", "waits",
        "no-seconds", "fixed-id", "sends-nothing", "literal"])
def test_1_wrong_answers_fail(project, wrong):
    with pytest.raises(AssertionError):
        ch12.연습_1(wrong)


# --- 연습 2: GET /tasks/<id>: 404 for an id never sent, PENDING for a recorded one ----------

def status_view(*, check_sent=True, pending_is_404=False, progress=True, error=True):
    def view(task_id):
        web, worker = __import__("app"), __import__("worker")
        if check_sent and not web.was_sent(task_id):
            return jsonify(error="보낸 적 없는 태스크입니다."), 404
        result = worker.app.AsyncResult(task_id)
        if pending_is_404 and result.state == "PENDING":
            return jsonify(error="없는 태스크입니다."), 404
        body = {"id": task_id, "state": result.state}
        if result.successful():
            body["result"] = result.result
        elif result.failed() and error:
            body["error"] = f"{type(result.result).__name__}: {result.result}"
        elif result.state == "PROGRESS" and progress:
            body["progress"] = result.info
        return jsonify(body)
    return view


def test_2_solution_passes_twice(project):
    ch12.연습_2(status_view())
    ch12.연습_2(status_view())


def test_2_a_valid_alternative_form_passes(project):
    """A dict and a status code, celery.result.AsyncResult, result.info for every state."""
    from celery.result import AsyncResult
    web, tasks = project

    def view(task_id):
        if not web.was_sent(task_id):
            return {"error": f"{task_id}: 그런 태스크를 보낸 적이 없습니다."}, 404
        r = AsyncResult(task_id, app=tasks.add.app)
        answer = {"state": r.state}
        if r.state == "SUCCESS":
            answer["result"] = r.info
        if r.state == "FAILURE":
            answer["error"] = repr(r.info)
        if r.state == "PROGRESS":
            answer["progress"] = dict(r.info)
        return answer
    ch12.연습_2(view)


@pytest.mark.parametrize("wrong", [
    status_view(check_sent=False),                       # the chapter's status: no 404
    status_view(check_sent=False, pending_is_404=True),  # every PENDING is "unknown"
    status_view(progress=False),                         # no progress
    status_view(error=False),                            # no error for a failure
    lambda task_id: ({"state": "SUCCESS", "result": 5}, 200),  # hard-coded
], ids=["no-404", "pending-is-404", "no-progress", "no-error", "hard-coded"])
def test_2_wrong_answers_fail(project, wrong):
    with pytest.raises(AssertionError):
        ch12.연습_2(wrong)
