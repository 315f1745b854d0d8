# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F12_%EC%9B%B9_%EC%95%B1%EC%97%90%EC%84%9C_%EC%93%B0%EA%B8%B0.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/12_%EC%9B%B9_%EC%95%B1%EC%97%90%EC%84%9C_%EC%93%B0%EA%B8%B0.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 12. 웹 앱에서 쓰기
#
# ## 학습 목표
#
# - Flask 웹 앱의 엔드포인트(endpoint)가 태스크를 보내고 `202 Accepted`와 태스크 id, `Location` 헤더로 곧바로 답하게 한다.
# - 잘못된 입력은 `400`으로 돌려보내고 태스크를 보내지 않는다.
# - `GET /tasks/<id>`로 상태, 결과, 오류, 진행률을 JSON으로 알려 주고, 보낸 적 없는 id는 `404`로 구별한다.
# - 웹 앱을 이 커널에서 진짜 HTTP 서버로 띄우고 `requests`로 부른다. 태스크가 몇 초 걸려도 응답은 빠르다는 것을 잰다.
# - DB 트랜잭션 안에서 태스크를 보내면 왜 행을 못 찾는지 보고, 커밋 뒤에 보내도록 고친다.
#
# **준비물**: 2장의 내 프로젝트(`worker.py`, `tasks.py`), 11장의 `update_state` 진행률.
# 이 장은 필요한 파일을 모두 다시 씁니다. 가이드가 `flask`와 `requests`를 함께 설치하는 이유가 이 장입니다.

# %%
from labtasks import lab

lab.up()
lab.check()

# %% [markdown]
# ## 1. 프로젝트: 워커와 태스크
#
# 2장과 같은 프로젝트 폴더에서 일합니다. `worker.py`는 2장에서 고친 그대로입니다.

# %%
lab.project()

# %%
# %%writefile worker.py
import os

from celery import Celery

app = Celery(
    "proj",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/0"),
    include=["tasks"],
)
app.conf.update(task_default_queue="proj", control_exchange="proj")

# %% [markdown]
# 태스크는 네 개입니다. `slow_add`는 11장처럼 `update_state`로 진행률을 남기고, `divide`는 0으로 나누면 실패하며,
# `ship`은 DB에서 주문을 찾아 발송합니다(3절).

# %%
# %%writefile tasks.py
import sqlite3
import time

from worker import app


@app.task
def add(x, y):
    return x + y


@app.task(bind=True)
def slow_add(self, x, y, seconds=1.5):
    steps = 10
    for done in range(steps):
        self.update_state(state="PROGRESS", meta={"done": done, "total": steps})
        time.sleep(seconds / steps)
    return x + y


@app.task
def divide(x, y):
    return x / y


@app.task
def ship(order_id):
    with sqlite3.connect("shop.db") as conn:
        row = conn.execute("SELECT item FROM orders WHERE id = ?", (order_id,)).fetchone()
    return f"{row[0]} 발송" if row else "주문 없음"

# %%
mine = lab.worker("mine", app="worker")
mine

# %% [markdown]
# ## 2. 웹 앱: 보내고 곧바로 답하기
#
# 웹 요청 하나를 처리하는 동안 태스크가 끝나기를 기다리면 안 됩니다(2장). 엔드포인트는 태스크를 보내고 곧바로
# `202 Accepted`로 답합니다. "받았고, 처리는 나중에"라는 뜻입니다. 본문에는 태스크 id를, `Location` 헤더에는 상태를
# 물어볼 주소를 담습니다.
#
# - `POST /tasks/<이름>`: JSON 본문 `{"x": …, "y": …}`를 받아 태스크를 보냅니다. 숫자가 아니면 `400`과 한국어 메시지로 답하고 아무것도 보내지 않습니다.
# - `GET /tasks/<id>`: 상태와 결과, 오류, 진행률을 JSON으로 답합니다.
# - 보낼 때마다 id를 작은 DB(`web.db`)에 기록합니다(`record`). 기록을 **커밋한 다음에** 보냅니다. 이유는 3절에서 봅니다.

# %%
# %%writefile app.py
import sqlite3
import uuid

from flask import Flask, jsonify, request, url_for

from tasks import add, divide, slow_add
from worker import app as celery_app

app = Flask(__name__)
TASKS = {"add": add, "slow_add": slow_add, "divide": divide}


def db():
    conn = sqlite3.connect("web.db")
    conn.execute("CREATE TABLE IF NOT EXISTS sent (id TEXT PRIMARY KEY, name TEXT)")
    return conn


def record(task_id, name):
    with db() as conn:  # the block commits when it ends
        conn.execute("INSERT INTO sent VALUES (?, ?)", (task_id, name))


def was_sent(task_id):
    with db() as conn:
        return conn.execute("SELECT 1 FROM sent WHERE id = ?", (task_id,)).fetchone() is not None


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@app.post("/tasks/<name>")
def submit(name):
    data = request.get_json(silent=True)
    if name not in TASKS:
        return jsonify(error=f"{name}라는 태스크는 없습니다."), 404
    if not isinstance(data, dict) or not (is_number(data.get("x")) and is_number(data.get("y"))):
        return jsonify(error="x와 y는 숫자여야 합니다."), 400
    task_id = str(uuid.uuid4())
    record(task_id, name)  # committed first,
    TASKS[name].apply_async((data["x"], data["y"]), task_id=task_id)  # then sent
    return jsonify(id=task_id), 202, {"Location": url_for("status", task_id=task_id)}


@app.get("/tasks/<task_id>")
def status(task_id):
    result = celery_app.AsyncResult(task_id)
    body = {"id": task_id, "state": result.state}
    if result.successful():
        body["result"] = result.result
    elif result.failed():
        body["error"] = f"{type(result.result).__name__}: {result.result}"
    elif result.state == "PROGRESS":
        body["progress"] = result.info
    return jsonify(body)


@app.get("/")
def page():
    return PAGE


PAGE = """<!doctype html><meta charset="utf-8"><title>덧셈 맡기기</title>
<form id="form"><input name="x" value="2" size="3"> + <input name="y" value="3" size="3">
<button>워커에게 맡기기</button></form>
<progress id="bar" max="10" value="0"></progress> <span id="state">대기</span>
<script>
const form = document.getElementById("form"), bar = document.getElementById("bar"),
      state = document.getElementById("state");
form.onsubmit = async (event) => {
  event.preventDefault();
  const body = {x: Number(form.x.value), y: Number(form.y.value)};
  const sent = await fetch("tasks/slow_add", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  const {id, error} = await sent.json();
  if (!sent.ok) { state.textContent = error; return; }
  while (true) {
    const now = await (await fetch("tasks/" + id)).json();
    if (now.progress) bar.value = now.progress.done;
    state.textContent = now.state;
    if (now.state === "SUCCESS") { bar.value = 10; state.textContent += " " + now.result; break; }
    if (now.state === "FAILURE") { state.textContent += " " + now.error; break; }
    await new Promise((wait) => setTimeout(wait, 200));
  }
};
</script>"""

# %% [markdown]
# 이 앱을 진짜 HTTP 서버로 띄웁니다. 터미널이라면 프로젝트 폴더에서 `flask --app app:app run`입니다.
# `lab.web`은 같은 명령을 127.0.0.1의 빈 포트로 실행하고, HTTP 응답이 올 때까지 기다렸다가 돌아옵니다.
# 워커처럼 커널이 끝나면 함께 끝나고, 코드가 그대로면 다시 실행해도 하나만 뜹니다.

# %%
web = lab.web("app:app")
web

# %% [markdown]
# 이제 `requests`로 불러 봅시다. 이 커널은 웹 앱의 손님일 뿐입니다. 태스크는 웹 앱이 보내고 워커가 실행합니다.

# %%
import requests

sent = requests.post(web.url + "tasks/add", json={"x": 2, "y": 3})
print(sent.status_code, sent.reason)
print("Location:", sent.headers["Location"])
task_id = sent.json()["id"]

# %%
import time


def poll(task_id, every=0.1, timeout=10):
    """GET /tasks/<id> until the task is done; return the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = requests.get(web.url + f"tasks/{task_id}").json()
        if now["state"] in ("SUCCESS", "FAILURE"):
            return now
        time.sleep(every)
    raise TimeoutError(f"{task_id}: {timeout}초 안에 끝나지 않았습니다.")


poll(task_id)

# %% [markdown]
# 숫자가 아닌 입력은 `400`입니다. 태스크는 보내지 않았으므로 id도 없습니다.

# %%
bad = requests.post(web.url + "tasks/add", json={"x": "2", "y": 3})
print(bad.status_code, bad.json())

# %% [markdown]
# 워커에서 실패한 태스크는 `FAILURE`와 함께 오류가 JSON으로 옵니다. 파이썬 예외 객체를 그대로 보낼 수는 없으니
# 예외 이름과 메시지를 글자로 담았습니다.

# %%
sent = requests.post(web.url + "tasks/divide", json={"x": 1, "y": 0})
poll(sent.json()["id"])

# %% [markdown]
# ### 응답은 태스크를 기다리지 않는다
#
# 곧바로 끝나는 `add`와 1.5초 걸리는 `slow_add`를 웹 앱에 맡기고, `POST`의 응답이 올 때까지와 결과가 나올
# 때까지를 재 봅시다.

# %%
from labtasks.chapters.web import plot_times

times = []
for name in ["add", "slow_add", "add"]:
    began = time.monotonic()
    sent = requests.post(web.url + f"tasks/{name}", json={"x": 1, "y": 1})
    answered = time.monotonic() - began
    poll(sent.json()["id"])
    times.append((name, answered, time.monotonic() - began))
plot_times(times)

# %% [markdown]
# 태스크가 1.5초 걸려도 `POST`의 응답(파란 막대)은 `add`와 다르지 않습니다. 기다리는 일은 결과를 물어보는 쪽의
# 몫이고, 그동안 웹 앱은 다른 요청을 받을 수 있습니다.
#
# ### 진행률 막대
#
# `slow_add`는 `update_state`로 `{"done": …, "total": …}`를 남기므로 `GET /tasks/<id>`가 `PROGRESS` 상태와 함께 진행률을
# 알려 줍니다. 이것으로 막대를 움직여 봅시다. 막대를 움직이는 것은 웹 API의 답뿐입니다.

# %%
import ipywidgets as widgets

bar = widgets.IntProgress(value=0, max=10, description="slow_add")
display(bar)
task_id = requests.post(web.url + "tasks/slow_add", json={"x": 20, "y": 22}).json()["id"]
seen = set()
while (now := requests.get(web.url + f"tasks/{task_id}").json())["state"] not in ("SUCCESS", "FAILURE"):
    seen.add(now["state"])
    bar.value = now.get("progress", {}).get("done", bar.value)
    time.sleep(0.1)
bar.value = bar.max
print(now["state"], now["result"], "| PROGRESS를 거쳤나:", "PROGRESS" in seen)

# %% [markdown]
# ### 같은 일을 하는 HTML 페이지
#
# 같은 웹 앱의 `/`는 작은 HTML 페이지입니다. 버튼을 누르면 자바스크립트가 `POST /tasks/slow_add`로 보내고,
# `GET /tasks/<id>`를 0.2초마다 물어 막대를 채웁니다. 브라우저가 이 커널이 있는 컴퓨터에 접속할 수 있으면
# 아래 틀 안에서 바로 눌러 볼 수 있습니다(Binder에서는 Jupyter의 프록시를 거쳐, Colab에서는 Colab이 중계하는 주소로 열립니다).

# %%
web.page(height=90)

# %% [markdown]
# ### 보낸 적 없는 id와 기다리는 id
#
# 2장에서 본 대로 결과 백엔드는 모르는 id에도 `PENDING`이라고 답합니다. 지금의 `GET /tasks/<id>`도 그렇습니다.

# %%
requests.get(web.url + "tasks/없는-id").json()

# %% [markdown]
# 클라이언트는 "아직 차례를 기다리는 중"인지 "그런 태스크는 없음"인지 알 수 없어 영원히 물어볼 수도 있습니다.
# 웹 앱은 보낼 때 id를 기록해 두었으므로(`record`) 구별할 수 있습니다. `was_sent`가 그 기록을 찾습니다.
# 이 엔드포인트를 고치는 것이 연습 2입니다.

# %%
from app import was_sent

print(was_sent(task_id), was_sent("없는-id"))

# %% [markdown]
# ## 3. 트랜잭션 안에서 보내면 생기는 일
#
# 주문을 DB에 넣고, 발송 태스크 `ship`에 주문 번호를 넘기는 흔한 코드입니다. 그런데 태스크를 트랜잭션 **안에서**
# 보내면, 커밋되기 전에 워커가 먼저 실행해 버릴 수 있습니다. 워커는 다른 연결로 DB를 읽으므로 커밋되지 않은 행을
# 보지 못합니다. 실제 웹 앱에서는 커밋 전에 할 일이 조금만 남아 있어도 생기는 일입니다. 여기서는 태스크가 끝날
# 때까지 커밋을 미뤄서 그 순간을 확실히 만들어 봅니다.

# %%
import sqlite3

import tasks

shop = sqlite3.connect("shop.db")
shop.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT)")
shop.commit()

with shop:  # 트랜잭션: 블록이 끝날 때 커밋
    order = shop.execute("INSERT INTO orders (item) VALUES (?)", ("키보드",))
    print(tasks.ship.delay(order.lastrowid).get(timeout=10))

# %% [markdown]
# 주문은 곧 커밋되었지만 워커는 이미 "주문 없음"으로 끝냈습니다. 고치는 방법은 **커밋한 다음에** 보내는 것입니다.

# %%
with shop:
    order = shop.execute("INSERT INTO orders (item) VALUES (?)", ("마우스",))
print(tasks.ship.delay(order.lastrowid).get(timeout=10))

# %% [markdown]
# 웹 앱의 `submit`도 같은 규칙을 따릅니다. `record(...)`의 `with` 블록이 커밋을 끝낸 뒤에 `apply_async`를 부릅니다.
# Django라면 `transaction.on_commit(lambda: task.delay(...))`, SQLAlchemy라면 `session.commit()` 다음 줄이 보낼 자리입니다.

# %% [markdown]
# ## 정리
#
# - 웹 요청은 태스크를 보내고 곧바로 `202 Accepted`, 태스크 id, `Location` 헤더로 답한다. 결과를 기다리지 않는다.
# - 잘못된 입력은 보내기 전에 `400`으로 돌려보낸다.
# - 상태 엔드포인트는 `AsyncResult`의 `state`, `result`, 오류, `PROGRESS`의 진행률을 JSON으로 준다. `PENDING`만으로는 "없는 id"를 알 수 없으니 보낼 때 기록해 두고 `404`로 구별한다.
# - DB에 쓴 것을 태스크가 읽어야 하면 커밋한 뒤에 보낸다.
# - `lab.web("app:app")`은 `flask --app app:app run`과 같은 서버를 커널에서 띄운다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답으로 준 함수를 Flask 앱에 엔드포인트로 달고 실제 요청을 보내 판정합니다. 태스크는 워커 `mine`이
# 실제로 실행합니다. 정답은 각 확인 셀 아래에 접혀 있습니다.

# %%
from flask import jsonify, request, url_for

from app import record
from labtasks.checks import ch12 as 확인

# %% [markdown]
# **연습 1.** `POST /tasks/slow_add`의 엔드포인트 함수를 쓰고 `답`에 담으세요. JSON 본문은 `{"x": …, "y": …, "seconds": …}`입니다.
#
# - `x`, `y`는 숫자, `seconds`는 0보다 크고 10 이하인 숫자여야 합니다. 아니면 `400`과 한국어 `error` 메시지로 답하고 아무것도 보내지 않습니다.
# - 맞으면 id를 `record(id, "slow_add")`로 기록(커밋)한 **다음** `slow_add`에 `seconds`까지 넘겨 보내고,
#   `202`와 `{"id": …}`, 그리고 `url_for("status", task_id=…)`를 담은 `Location` 헤더로 답합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
import uuid


def submit_slow_add():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="JSON 본문이 필요합니다."), 400
    x, y, seconds = data.get("x"), data.get("y"), data.get("seconds")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y, seconds))
    if not numbers or not 0 < seconds <= 10:
        return jsonify(error="x, y는 숫자, seconds는 0보다 크고 10 이하여야 합니다."), 400
    task_id = str(uuid.uuid4())
    record(task_id, "slow_add")
    tasks.slow_add.apply_async((x, y), {"seconds": seconds}, task_id=task_id)
    return jsonify(id=task_id), 202, {"Location": url_for("status", task_id=task_id)}


답 = submit_slow_add
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `GET /tasks/<task_id>`의 엔드포인트 함수를 고쳐 쓰고 `답`에 담으세요. 웹 앱의 `status`처럼 `state`,
# 성공이면 `result`, 실패면 `error`, `PROGRESS`면 `progress`를 JSON으로 답하되,
# **보낸 적 없는 id**(`was_sent`가 `False`)에는 `404`와 한국어 `error`로 답하세요. 기록은 있지만 아직 결과가 없는 id는
# 여전히 `200`과 `PENDING`입니다. 맞혔으면 `app.py`의 `status`도 이렇게 고쳐 두세요. 내 프로젝트에 그대로 가져갈 웹 앱이 됩니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
import worker


def task_status(task_id):
    if not was_sent(task_id):
        return jsonify(error="보낸 적 없는 태스크입니다."), 404
    result = worker.app.AsyncResult(task_id)
    body = {"id": task_id, "state": result.state}
    if result.successful():
        body["result"] = result.result
    elif result.failed():
        body["error"] = f"{type(result.result).__name__}: {result.result}"
    elif result.state == "PROGRESS":
        body["progress"] = result.info
    return jsonify(body)


답 = task_status
확인.연습_2(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다.

# %%
lab.down()
