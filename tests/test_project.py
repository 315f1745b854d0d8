"""The learner's own project from the kernel: its worker (``lab.worker(..., app="worker")``) and
its Flask app (``lab.web``): ready on return, re-run safe, restarted when its code changes, logs,
and a Korean error with the log tail when it cannot start."""
import os
import textwrap
import time

import pytest
import requests

from labtasks import app, lab
from labtasks.errors import LabError
from labtasks.waiting import wait_until

WORKER = """
import os
from celery import Celery
app = Celery("proj", broker=os.environ["CELERY_BROKER_URL"],
             backend=os.environ["CELERY_RESULT_BACKEND"], include=["tasks"])
"""
TASKS = """
from worker import app

@app.task
def add(x, y):
    return x + y
"""
WEB = """
from flask import Flask
from tasks import add
app = Flask(__name__)

@app.get("/")
def index():
    return "ok"

@app.post("/add")
def send():
    return {"id": add.delay(2, 3).id}, 202
"""


def write(folder, name, text):
    (folder / name).write_text(textwrap.dedent(text))
    time.sleep(0.01)  # a distinct modification time for the code stamp


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    cwd, before = os.getcwd(), os.environ.get("LABTASKS_PROJECT_ROOT")
    os.environ["LABTASKS_PROJECT_ROOT"] = str(root)
    lab.up()
    folder = lab.project("내_프로젝트").path
    for name, text in [("worker.py", WORKER), ("tasks.py", TASKS), ("app.py", WEB)]:
        write(folder, name, text)
    yield folder
    lab.down()
    os.chdir(cwd)
    os.environ.pop("LABTASKS_PROJECT_ROOT")
    before and os.environ.update(LABTASKS_PROJECT_ROOT=before)


def test_the_project_folder_is_made_once_and_worked_in(project):
    assert project.name == "내_프로젝트" and os.getcwd() == str(project)
    assert lab.project("내_프로젝트").path == project  # not a folder inside the folder
    assert "프로젝트 폴더 내_프로젝트에서" in repr(lab.project())


def test_the_learners_worker_runs_their_module_and_restarts_on_new_code(project):
    w = lab.worker("mine", app="worker")
    assert w.spec.command().startswith("celery -A worker worker ")
    assert app.send_task("tasks.add", (2, 3)).get(timeout=10) == 5
    assert lab.worker("mine", app="worker") is w  # a re-run
    # the worker logs "succeeded" just after it stored the result
    wait_until(lambda: any("tasks.add" in line and "succeeded" in line for line in w.logs(50)),
               5, "the log line")
    write(project, "tasks.py", TASKS + "\n@app.task\ndef mult(x, y):\n    return x * y\n")
    again = lab.worker("mine", app="worker")
    assert again is not w and not w.alive()
    assert app.send_task("tasks.mult", (6, 7)).get(timeout=10) == 42


def test_a_worker_that_cannot_start_says_why_in_korean(project):
    write(project, "broken.py", "import 없는_모듈\n")
    with pytest.raises(LabError, match="시작하다 종료되었습니다") as caught:
        lab.worker("broken", app="broken")
    assert "없는_모듈" in str(caught.value)
    (project / "broken.py").unlink()


def test_the_web_app_is_served_for_real_and_reused(project):
    lab.worker("mine", app="worker")
    web = lab.web("app:app")
    assert requests.get(web.url, timeout=5).text == "ok"
    sent = requests.post(web.url + "add", timeout=5)
    assert sent.status_code == 202
    assert app.AsyncResult(sent.json()["id"]).get(timeout=10) == 5
    assert lab.web("app:app") is web
    assert "웹 앱" in {p["name"] for p in lab.processes()}
    write(project, "app.py", WEB.replace('"ok"', '"새 코드"'))
    new = lab.web("app:app")
    assert new is not web and not web.alive()
    assert requests.get(new.url, timeout=5).text == "새 코드"


def test_a_web_app_that_cannot_start_says_why_in_korean(project):
    with pytest.raises(LabError, match="웹 앱 없는앱:app") as caught:
        lab.web("없는앱:app")
    assert "없는앱" in str(caught.value) and lab.started.web is None


KERNEL_START = """
import json, os, textwrap
os.environ["LABTASKS_PROJECT_ROOT"] = {root!r}
from labtasks import lab
lab.up()
folder = lab.project().path
for name, text in {files!r}.items():
    (folder / name).write_text(textwrap.dedent(text))
lab.worker("mine", app="worker")
lab.web("app:app")
print(json.dumps([p["pid"] for p in lab.processes()]))
"""


def test_a_killed_kernel_leaves_neither_the_learners_worker_nor_the_web_app(kernel, tmp_path):
    """SIGKILL to a kernel that started the learner's worker and web app: nothing stays."""
    import json
    import signal

    from conftest import group_members, wait_gone
    code = KERNEL_START.format(root=str(tmp_path),
                               files={"worker.py": WORKER, "tasks.py": TASKS, "app.py": WEB})
    leaders = json.loads(kernel.run(code).strip().splitlines()[-1])
    pids = [member for leader in leaders for member in group_members(leader)]
    assert len(pids) == 5, pids  # redis + worker + two prefork children + the web app
    os.kill(kernel.pid, signal.SIGKILL)
    assert wait_gone(pids) == []
