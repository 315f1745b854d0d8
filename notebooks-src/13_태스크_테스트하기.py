# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F13_%ED%83%9C%EC%8A%A4%ED%81%AC_%ED%85%8C%EC%8A%A4%ED%8A%B8%ED%95%98%EA%B8%B0.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/13_%ED%83%9C%EC%8A%A4%ED%81%AC_%ED%85%8C%EC%8A%A4%ED%8A%B8%ED%95%98%EA%B8%B0.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 13. 태스크 테스트하기
#
# ## 학습 목표
#
# - eager 모드(`task_always_eager`)로 돌린 테스트가 무엇을 놓치는지 실행해 보고 안다. 반환값의 직렬화, 체인(chain)에서 다음
#   태스크가 받는 값, 재시도(retry)의 기다림.
# - `celery.contrib.testing.worker.start_worker`로 테스트 안에서 진짜 워커를 띄워 내 `tasks.py`를 테스트하고, `pytest`를 노트북에서 돌려
#   그 출력을 읽는다.
# - 12장의 웹 앱을 Flask의 테스트 클라이언트(test client)로 테스트한다. 워커 없이 확인할 수 있는 것과 워커가 있어야 확인할 수 있는 것을
#   나눈다.
#
# **준비물**: 02장(내 프로젝트의 `worker.py`와 `tasks.py`), 04장(`chain`), 09장(재시도), 12장(웹 앱).
#
# 이 장의 태스크는 `labtasks/tasks/testing.py`에, eager 모드용 복사본을 만들고 pytest를 돌리는 커널 쪽 도구는
# `labtasks/chapters/testing.py`에 있습니다.

# %%
from labtasks import lab
from labtasks.chapters import testing
from labtasks.tasks import add
from labtasks.tasks.failures import call_api

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)

# %% [markdown]
# ## 1. eager 모드가 속이는 것
#
# 앱 설정 `task_always_eager=True`를 주면 `delay()`와 `apply_async()`가 메시지를 보내지 않고 **그 자리에서** 태스크 함수를 실행합니다.
# 브로커도 워커도 필요 없으니 테스트가 쉬워 보입니다. 그러나 실제로는 워커가 다른 프로세스에서 실행하고, 인자와 결과는 JSON으로
# 바뀌어 브로커와 결과 백엔드를 지나갑니다. 그 차이를 직접 봅니다.
#
# 이 강좌의 앱(`labtasks.app`)은 건드리지 않고, eager 모드만 켠 **다른 앱**을 하나 만들어 같은 함수를 같은 이름으로 등록합니다.
# `testing.eager_copies`가 그 일을 합니다. 아래에서 `e_`로 시작하는 것이 eager 모드의 복사본이고, 이름이 같은 원래 태스크는
# 워커 `w1`에 보냅니다.

# %%
from labtasks.tasks.testing import fare, route, unique

e_add, e_unique, e_route, e_fare, e_call_api = testing.eager_copies(add, unique, route, fare, call_api)
print("eager 앱의 task_always_eager:", e_add.app.conf.task_always_eager)
print("강좌 앱의 task_always_eager: ", add.app.conf.task_always_eager)

# %% [markdown]
# ### 인자: Celery 5.7은 eager 모드에서도 JSON으로 바꿔 본다
#
# 흔히 듣는 말은 "eager 모드에서는 JSON으로 못 바꾸는 인자도 그냥 통과한다"입니다. 이 강좌의 Celery 5.7에서 `apply_async`는 eager 모드에서도
# 인자를 한 번 직렬화했다가 되돌린 뒤 실행합니다. 그래서 `Fraction` 인자는 두 쪽 모두에서 `EncodeError`입니다. 다만 `apply()`로
# 직접 부르면 직렬화를 거치지 않고 그대로 실행됩니다.

# %%
from fractions import Fraction

for 이름, 태스크 in [("eager", e_add), ("실제", add)]:
    try:
        태스크.delay(Fraction(1, 3), Fraction(2, 3))
    except Exception as exc:
        print(f"{이름}: {type(exc).__name__}: {exc}")
print("apply()로 직접:", repr(e_add.apply((Fraction(1, 3), Fraction(2, 3))).get()))

# %% [markdown]
# ### 반환값: eager 모드는 결과를 직렬화하지 않는다
#
# 인자와 달리 **돌려주는 값**은 eager 모드에서 그대로 `EagerResult`에 담깁니다. `unique`는 중복을 없앤 `set`을 돌려줍니다.
# eager 모드에서는 성공하지만, 워커는 결과를 결과 백엔드에 쓰려다 JSON으로 바꾸지 못해 태스크를 `FAILURE`로 기록합니다.

# %%
import inspect

print(inspect.getsource(unique))

# %%
r = e_unique.delay([3, 1, 3])
print("eager:", r.state, r.get())
r = unique.delay([3, 1, 3])
try:
    r.get(timeout=10)
except Exception as exc:
    print("실제: ", r.state, f"{type(exc).__name__}: {exc}")

# %% [markdown]
# ### 체인: 다음 태스크가 받는 값
#
# `route`는 구간을 튜플로 돌려주고, `fare`는 튜플을 키로 쓰는 딕셔너리에서 요금을 찾습니다. eager 모드의 체인은 앞 태스크의 결과를
# 파이썬 객체 그대로 다음 태스크에 넘깁니다. 실제로는 앞 결과가 JSON을 거치면서 튜플이 **리스트**가 되고, 리스트는 딕셔너리의 키가
# 될 수 없습니다.

# %%
print(inspect.getsource(route))
print(inspect.getsource(fare))

# %%
r = (e_route.s("서울", "부산") | e_fare.s()).delay()
print("eager: 앞 결과", repr(r.parent.get()), "→", r.get())
r = (route.s("서울", "부산") | fare.s()).delay()
try:
    r.get(timeout=10)
except Exception as exc:
    print("실제:  앞 결과", repr(r.parent.get(timeout=10)), "→", r.state, f"{type(exc).__name__}: {exc}")

# %% [markdown]
# 고치는 길은 둘입니다. 받는 쪽이 `tuple(section)`으로 바꾸거나, 애초에 JSON에 있는 타입(리스트, 딕셔너리, 문자열, 숫자)만 주고받는
# 것입니다. 어느 쪽이든 eager 모드의 테스트로는 고쳐야 한다는 것을 알 수 없습니다.
#
# ### 재시도: eager 모드는 기다리지 않는다
#
# 09장의 `call_api`는 처음 `failures`번은 실패하고 `self.retry(countdown=0.2)`로 0.2초 뒤에 다시 시도합니다. eager 모드는 재시도를
# 그 자리에서 바로 다시 실행합니다. `countdown`은 무시되고, eager 모드는 결과 백엔드에 아무것도 쓰지 않으니 `RETRY` 상태도 볼 수 없습니다.
# 실제 워커에서는 시도 사이에 상태가 `RETRY`이고, 두 번 재시도하면 적어도 0.4초가 걸립니다.

# %%
import time

t0 = time.monotonic()
r = e_call_api.delay("안녕", failures=2)
print("eager:", r.state, "/", r.get(), "/ 0.4초 이상 걸렸나:", time.monotonic() - t0 >= 0.4)

t0 = time.monotonic()
r = call_api.delay("안녕", failures=2)
본_상태 = []
while not r.ready():
    if r.state not in 본_상태:
        본_상태.append(r.state)
    time.sleep(0.02)
print("실제: ", r.state, "/", r.get(), "/ 0.4초 이상 걸렸나:", time.monotonic() - t0 >= 0.4)
print("실제: 시도 사이에 RETRY 상태를 보았나:", "RETRY" in 본_상태)

# %% [markdown]
# 정리하면 eager 모드의 테스트는 **태스크 함수의 논리**만 확인합니다. 반환값을 JSON으로 바꿀 수 있는지, 체인의 다음 태스크가
# 무엇을 받는지, 재시도가 언제 일어나는지는 진짜 워커로만 확인할 수 있습니다. Celery 문서도 단위 테스트에 eager 모드를 권하지 않습니다.
#
# ## 2. 내 프로젝트의 태스크를 진짜 워커로 테스트하기
#
# 02장에서 만든 프로젝트(`worker.py`와 `tasks.py`)를 이 장의 프로젝트 폴더에 다시 씁니다. 이번 `tasks.py`에는 1절에서 본 두 문제를
# 고친 태스크도 넣습니다. 폴더는 홈 폴더 아래 `celery-lab/ch13`이고, 장을 실행할 때마다 비우고 새로 만듭니다. 그러니 이 폴더에서
# 고친 것은 다음에 장을 실행하면 사라집니다. 다 끝난 폴더는 다른 곳에 복사해서 내 저장소의 출발점으로 쓰세요.
#
# `worker.py`는 브로커와 결과 백엔드를 환경 변수에서 읽습니다. 이 커널에서는 `lab.up()`이 두 변수를 정해 두었고, 테스트에서는
# 아래 `conftest.py`가 바꿉니다.

# %%
from pathlib import Path

프로젝트 = testing.new_project()  # 빈 폴더를 만들고 커널의 작업 폴더로 삼는다
print(프로젝트.name, "/ 지금 작업 폴더인가:", Path.cwd() == 프로젝트)

# %%
# %%writefile worker.py
import os

from celery import Celery

app = Celery("proj",
             broker=os.environ["CELERY_BROKER_URL"],
             backend=os.environ["CELERY_RESULT_BACKEND"],
             include=["tasks"])

# %%
# %%writefile tasks.py
from worker import app

FARES = {("서울", "부산"): 59800, ("서울", "대전"): 23700}


@app.task
def add(x, y):
    return x + y


@app.task
def unique(items):
    return sorted(set(items))  # set은 JSON으로 못 바꾸니 정렬한 리스트로


@app.task
def route(start, end):
    return (start, end)  # 다음 태스크에는 리스트로 도착한다


@app.task
def fare(section):
    return FARES[tuple(section)]  # 리스트로 와도 튜플로 바꿔서 찾는다

# %% [markdown]
# ### 테스트 안의 워커: `start_worker`
#
# `celery.contrib.testing.worker.start_worker(app)`은 테스트하는 프로세스 안의 스레드에서 진짜 워커를 띄우는 컨텍스트 매니저입니다.
# 메시지를 받고, 인자를 JSON에서 되돌리고, 결과를 JSON으로 바꿔 결과 백엔드에 쓰는 일을 실제 워커와 똑같이 합니다.
# 아래 `conftest.py`는 그 워커를 픽스처(fixture) `celery_worker`로 만듭니다. 세션에 한 번만 띄우니 테스트가 여러 개여도 빠릅니다.
#
# 브로커는 `memory://`, 결과 백엔드는 `cache+memory://`입니다. 둘 다 이 프로세스 안에만 있는 진짜 kombu 전송과 결과 백엔드라서
# 메시지와 결과는 그대로 JSON을 거칩니다. 그러면서도 돌고 있는 다른 워커의 큐를 건드리지 않고, 테스트가 보낸 메시지가 다른 워커에게
# 가지도 않습니다. `worker.py`가 환경 변수에서 브로커를 읽으니, `worker`를 불러오기 **전에** 환경 변수를 바꾸면 됩니다.
#
# `celery.contrib.pytest` 플러그인(`-p celery.contrib.pytest`)에도 `celery_app`, `celery_worker` 픽스처가 있습니다. 그 픽스처는
# 테스트용 앱을 새로 만들어서, `@shared_task`로 만든 태스크를 테스트할 때 맞습니다. 우리 태스크는 `worker.py`의 `app`에 붙어 있으니
# 그 앱으로 `start_worker`를 직접 부릅니다.

# %%
# %%writefile conftest.py
import os

import pytest

# 테스트는 이 프로세스 안의 브로커와 결과 백엔드로: 돌고 있는 워커들과 섞이지 않는다
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"

from celery.contrib.testing.worker import start_worker  # noqa: E402

from worker import app  # noqa: E402

# 메모리 브로커는 기본으로 1초마다 큐를 들여다본다. 테스트가 기다리지 않게 0.1초마다
app.conf.broker_transport_options = {"polling_interval": 0.1}


@pytest.fixture(scope="session")
def celery_worker():
    with start_worker(app, pool="solo", perform_ping_check=False) as worker:
        yield worker

# %% [markdown]
# 테스트는 태스크를 `delay()`로 **보내고** 결과를 `get()`으로 기다립니다. eager 모드라면 통과했을 `set`을 돌려주는 `unique`는 여기서
# 실패했을 것입니다.

# %%
# %%writefile test_tasks.py
from celery import chain

from tasks import add, fare, route, unique


def test_add(celery_worker):
    assert add.delay(2, 3).get(timeout=10) == 5


def test_unique_sends_back_a_sorted_list(celery_worker):
    assert unique.delay([3, 1, 3]).get(timeout=10) == [1, 3]


def test_the_chain_finds_the_fare(celery_worker):
    assert chain(route.s("서울", "부산"), fare.s()).delay().get(timeout=10) == 59800

# %% [markdown]
# 마지막으로 `pytest.ini`입니다. 이 폴더가 pytest의 루트가 되어 바깥의 설정을 읽지 않고, 이 프로젝트에 필요 없는 플러그인은
# 불러오지 않아(`--disable-plugin-autoload`) 빨리 뜹니다. 테스트는 3절의 웹 앱 테스트까지 쓴 다음 한꺼번에 돌립니다.

# %%
# %%writefile pytest.ini
[pytest]
addopts = -p no:cacheprovider --disable-plugin-autoload

# %% [markdown]
# ## 3. 웹 앱 테스트하기
#
# 12장의 웹 앱(`app.py`)을 간추려 다시 씁니다. `POST /tasks/add`는 태스크를 보내고 곧바로 `202 Accepted`와 태스크 id,
# `Location` 헤더로 답합니다. 보내기 전에 결과 백엔드에 `SENT` 상태를 적어 두니, `GET /tasks/<id>`는 보낸 적 없는 id(`404`)와
# 기다리는 id를 구별합니다.

# %%
# %%writefile app.py
from celery import uuid
from celery.result import AsyncResult
from flask import Flask, jsonify, request, url_for

from tasks import add
from worker import app as celery_app

app = Flask(__name__)


@app.post("/tasks/add")
def send_add():
    body = request.get_json(silent=True) or {}
    x, y = body.get("x"), body.get("y")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y)):
        return jsonify(error="x와 y에 숫자를 주세요."), 400
    task_id = uuid()
    celery_app.backend.store_result(task_id, None, "SENT")  # 보낸 id라는 기록
    add.apply_async((x, y), task_id=task_id)
    return jsonify(id=task_id), 202, {"Location": url_for("status", task_id=task_id)}


@app.get("/tasks/<task_id>")
def status(task_id):
    result = AsyncResult(task_id, app=celery_app)
    if result.state == "PENDING":
        return jsonify(error="보낸 적 없는 태스크입니다."), 404
    body = {"id": task_id, "state": result.state}
    if result.successful():
        body["result"] = result.result
    elif result.failed():
        body["error"] = repr(result.result)
    elif isinstance(result.info, dict):
        body["progress"] = result.info
    return jsonify(body)

# %% [markdown]
# Flask의 테스트 클라이언트(`app.test_client()`)는 HTTP 서버를 띄우지 않고 요청을 앱에 바로 넣어 응답을 돌려줍니다.
#
# - **워커 없이** 확인할 수 있는 것: 응답 코드, `Location` 헤더, 잘못된 입력의 `400`, 모르는 id의 `404`. 태스크를 보내는 데는 브로커만
#   있으면 되고, 메시지는 큐에서 기다립니다. 아무것도 흉내 내지(mock) 않습니다.
# - **워커가 있어야** 확인할 수 있는 것: 태스크가 실제로 실행되어 `GET`이 `SUCCESS`와 결과를 답하는지. 픽스처 `celery_worker`를 받는
#   테스트가 결과가 나올 때까지 `GET`을 되풀이합니다(폴링).
#
# pytest는 파일 이름 순서로 실행하니 `test_app.py`의 워커 없는 테스트는 워커가 뜨기 전에 돕니다.

# %%
# %%writefile test_app.py
import time

import pytest

from app import app


@pytest.fixture
def client():
    return app.test_client()


def test_post_answers_202_and_where_to_look(client):
    answer = client.post("/tasks/add", json={"x": 2, "y": 3})
    assert answer.status_code == 202
    assert answer.headers["Location"] == f"/tasks/{answer.json['id']}"
    assert client.get(answer.headers["Location"]).status_code == 200


def test_bad_input_gets_400(client):
    assert client.post("/tasks/add", json={"x": "둘", "y": 3}).status_code == 400


def test_an_id_never_sent_gets_404(client):
    assert client.get("/tasks/보낸-적-없는-id").status_code == 404


def test_the_worker_runs_it(client, celery_worker):
    location = client.post("/tasks/add", json={"x": 2, "y": 3}).headers["Location"]
    for _ in range(200):
        body = client.get(location).json
        if body["state"] == "SUCCESS":
            break
        time.sleep(0.05)
    assert body["state"] == "SUCCESS" and body["result"] == 5

# %% [markdown]
# 이제 프로젝트의 테스트를 모두 돌립니다. 노트북에서 `!`로 시작하는 줄은 터미널 명령입니다. 프로젝트 폴더에서 터미널을 열고 같은
# 명령을 쳐도 됩니다. 점 하나가 통과한 테스트 하나이고, 실패하면 `F`와 함께 어디서 왜 실패했는지 나옵니다.

# %%
# !python -m pytest -q

# %% [markdown]
# ## 정리
#
# - `task_always_eager`는 태스크를 그 자리에서 실행한다. Celery 5는 `delay()`의 인자를 eager 모드에서도 JSON으로 바꿔 보지만,
#   **반환값**은 바꾸지 않고, 체인의 다음 태스크에는 파이썬 객체를 그대로 넘기며, 재시도의 `countdown`을 무시한다.
# - 그래서 eager 모드의 테스트는 태스크의 논리만 확인한다. 직렬화와 체인과 재시도는 진짜 워커로 테스트한다.
# - `celery.contrib.testing.worker.start_worker(app)`은 테스트 프로세스 안에 진짜 워커를 띄운다. 세션 픽스처로 한 번 띄우고, 테스트는
#   `delay()`로 보내 `get(timeout=…)`으로 기다린다.
# - 테스트의 브로커와 결과 백엔드는 `memory://`와 `cache+memory://`로 두면 돌고 있는 워커와 섞이지 않는다. 메시지와 결과는 그대로 JSON을 거친다.
# - 웹 앱은 Flask의 테스트 클라이언트로 테스트한다. `202`, `Location`, `400`, `404`는 워커 없이, 태스크의 실행은 워커 픽스처와 폴링으로 확인한다.

# %% [markdown]
# ## 연습문제
#
# 확인 함수는 `labtasks/checks/ch13.py`에 있습니다. 연습 1은 답의 테스트를 맞는 `tasks.py`와 틀린 `tasks.py`들에 대해 pytest로 돌려 보고,
# 연습 2는 각 보기를 eager 모드와 실제 워커에서 실행해 보고 판정합니다.

# %%
from labtasks.checks import ch13 as 확인

# %% [markdown]
# **연습 1.** `route`와 `fare`를 잇는 체인을 테스트하는 pytest 테스트 파일의 내용을 문자열로 `답`에 넣으세요. 이 프로젝트의
# `conftest.py`(픽스처 `celery_worker`)와 함께 돌립니다. 확인 셀은 그 테스트를 맞는 `tasks.py`에서는 **통과**하고, 다음 두 가지
# 틀린 `tasks.py`에서는 **실패**하는지 봅니다. `fare`가 튜플 키를 그대로 찾는 것(eager 모드에서는 통과하는 버그), 요금표의 값이
# 틀린 것.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = '''
from celery import chain

from tasks import fare, route


def test_the_chain_finds_the_fare(celery_worker):
    assert chain(route.s("서울", "부산"), fare.s()).delay().get(timeout=10) == 59800
'''
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 다음 다섯 가지를 eager 모드의 복사본(`e_…`)으로 실행할 때와 워커 `w1`에 보낼 때, **결과가 달라지는 것**(돌려받는 값이나
# 그 타입, 또는 나는 예외가 다른 것)을 모두 골라 글자의 집합으로 `답`에 넣으세요(예: `{"ㄱ", "ㅁ"}`). 확인 셀은 다섯 가지를 모두
# 두 가지 방법으로 실행해 보고 판정합니다.
#
# | | 호출 |
# |---|---|
# | ㄱ | `add.delay((1,), (2,)).get()` |
# | ㄴ | `route.delay("서울", "대전").get()` |
# | ㄷ | `unique.delay([2, 2, 1]).get()` |
# | ㄹ | `add.delay(Fraction(1, 2), 1)` |
# | ㅁ | `add.delay("서울", "역").get()` |

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = {"ㄴ", "ㄷ"}
확인.연습_2(답)

# %%
testing.leave_project()
lab.down()
