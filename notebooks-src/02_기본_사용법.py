# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F02_%EA%B8%B0%EB%B3%B8_%EC%82%AC%EC%9A%A9%EB%B2%95.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/02_%EA%B8%B0%EB%B3%B8_%EC%82%AC%EC%9A%A9%EB%B2%95.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 02. 기본 사용법
#
# ## 학습 목표
#
# - 가이드의 두 파일(`worker.py`, `tasks.py`)로 **내 프로젝트**를 Celery 5 형태로 만들고, 그 모듈로 워커를 띄운다.
# - 워커가 태스크 모듈을 모를 때(`include` 누락) 무슨 일이 일어나는지 로그에서 읽고 고친다.
# - `celery -A worker inspect registered`와 `celery -A worker status`로 워커에게 직접 물어본다.
# - `apply_async`로 태스크를 보내고 `AsyncResult`의 `state`, `ready()`, `get()`을 쓴다. `PENDING`이 "모름"이라는 것을 안다.
# - 인자가 틀렸을 때 언제, 어디서 오류가 나는지 확인한다.
# - 강좌의 `labtasks`가 기본 Celery 앱과 어떤 설정이 다른지, 그 설정이 무엇을 바꾸는지 안다.
#
# **준비물**: 01장에서 `lab.up()`이 동작하는 것을 확인한 환경.
#
# 먼저 브로커(broker)와 결과 백엔드(result backend)를 준비하고, 이 커널에서 둘 다 닿는지 확인합니다. 아직 워커는 없습니다.

# %%
from labtasks import lab

lab.up()
lab.check()

# %% [markdown]
# ## 1. 내 프로젝트 만들기
#
# 가이드의 프로젝트는 파일 두 개입니다. 앱을 만드는 `worker.py`와 태스크를 모아 두는 `tasks.py`.
# 먼저 프로젝트 폴더를 만들고 이 커널이 그 폴더에서 일하게 합니다. 터미널이라면 `mkdir 내_프로젝트 && cd 내_프로젝트`에 해당합니다.

# %%
lab.project()

# %% [markdown]
# 앱부터 만듭니다. 브로커와 결과 백엔드 주소는 코드에 적지 않고 환경 변수에서 읽습니다. 실제 프로젝트에서도
# 개발 PC와 서버의 주소가 다르기 때문에 흔히 이렇게 합니다. `lab.up()`이 이 커널의 환경 변수에 주소를 넣어 두었습니다.
#
# 가이드는 `Celery(__name__)`으로 앱을 만든 뒤 `app.conf.update({...})`로 설정하지만, Celery 5에서는 앱을 만들 때
# `broker=`, `backend=`로 바로 넘길 수 있습니다.
#
# 이 브로커에는 강좌의 앱(`labtasks`)과 그 워커도 붙습니다. 두 앱이 서로의 메시지를 가져가지 않도록 이 프로젝트의 큐와
# 제어 채널에 `proj`라는 이름을 따로 붙입니다. `task_default_queue`는 태스크를 보낼 기본 큐, `control_exchange`는
# `inspect`나 `status` 같은 원격 제어 명령이 오가는 익스체인지(exchange)의 이름이며, 둘 다 기본값은 `celery`입니다.

# %%
# %%writefile worker.py
import os

from celery import Celery

app = Celery(
    "proj",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/0"),
)
app.conf.update(task_default_queue="proj", control_exchange="proj")

# %%
# %%writefile tasks.py
import time

from worker import app


@app.task
def add(x, y):
    return x + y


@app.task
def slow_add(x, y):
    time.sleep(1)
    return x + y

# %% [markdown]
# 이제 이 모듈로 워커를 띄웁니다. 터미널이라면 프로젝트 폴더에서 `celery -A worker worker -l INFO`입니다.
# `lab.worker`에 `app="worker"`를 주면 이 커널이 같은 명령을 프로젝트 폴더에서 실행합니다.
# 워커가 ping에 답할 때까지 기다렸다가 돌아오고, 커널이 끝나면 워커도 함께 끝납니다.

# %%
mine = lab.worker("mine", app="worker")
mine

# %% [markdown]
# ## 2. 첫날의 실수: 워커가 태스크를 모른다
#
# 커널에서 `tasks` 모듈을 가져와 `add`를 보내 봅시다. `delay(2, 3)`은 `apply_async(args=[2, 3])`의 줄임입니다.

# %%
import tasks

result = tasks.add.delay(2, 3)
error = result.get(timeout=10, propagate=False)
print(f"{type(error).__name__}: {error}")
print(result.state)

# %% [markdown]
# 5가 아니라 `NotRegistered` 실패입니다. 워커 로그를 보면 이유가 나옵니다.

# %%
print(next(line for line in mine.logs(50) if "unregistered task" in line))

# %% [markdown]
# 태스크를 보낸 커널은 `tasks` 모듈을 가져왔지만, **워커는 `worker` 모듈만** 가져왔습니다. `tasks.py`를 읽은 적이
# 없으니 `tasks.add`라는 이름을 모르고, 메시지를 버린 뒤 결과 백엔드에 실패로 적습니다.
# (결과 백엔드를 설정하지 않은 앱이라면 이 기록도 없어서, 호출한 쪽은 영영 오지 않을 결과를 기다리게 됩니다.)
#
# 워커에게 직접 물어봐도 등록된 태스크가 없습니다. `celery -A worker inspect registered`는 브로커를 거쳐 워커들에게
# 등록된 태스크 목록을 묻는 명령입니다.

# %%
# !celery -A worker inspect registered

# %% [markdown]
# 고치는 방법은 앱에게 태스크 모듈을 알려 주는 것입니다. `include=["tasks"]`를 넣으면 워커가 시작할 때 `tasks`를 가져옵니다.
#
# ### 정오표: `'imports': ('tasks')`는 튜플이 아니다
#
# 가이드는 같은 일을 설정 `'imports': ('tasks')`로 합니다. 괄호만 씌운 문자열은 튜플이 아니라 그냥 문자열입니다.

# %%
print(type(('tasks')), type(('tasks',)))

# %% [markdown]
# Celery가 문자열 하나를 목록으로 감싸 주기 때문에 우연히 동작할 뿐입니다. 모듈을 하나 더 넣으려고
# `('tasks' 'db_tasks')`처럼 쉼표를 빠뜨리면 두 이름이 붙어 엉뚱한 모듈 하나가 됩니다.
# `('tasks',)`나 `["tasks"]`처럼 쓰세요.

# %%
from celery.utils.functional import maybe_list

print(maybe_list('tasks'), maybe_list(('tasks',)), maybe_list(('tasks' 'db_tasks')))

# %% [markdown]
# `worker.py`를 고쳐 씁니다.

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
# 워커는 시작할 때 한 번만 모듈을 읽으므로 다시 띄워야 합니다. `lab.worker`를 다시 부르면 프로젝트의 코드가 바뀐 것을
# 보고 워커를 새로 띄웁니다. 코드가 그대로면 떠 있는 워커를 그대로 돌려주므로, 곧바로 한 번 더 부르면 같은 워커입니다.

# %%
mine = lab.worker("mine", app="worker")
print(lab.worker("mine", app="worker") is mine)

# %% [markdown]
# 이번에는 워커가 두 태스크를 압니다.

# %%
# !celery -A worker inspect registered

# %%
result = tasks.add.delay(2, 3)
result.get(timeout=10)

# %% [markdown]
# `celery -A worker status`는 응답하는 워커(노드)의 목록입니다. 노드 이름 `mine@…`의 뒷부분은 호스트 이름입니다.

# %%
# !celery -A worker status

# %% [markdown]
# ## 3. 태스크 열 개 보내기
#
# 가이드의 `make_request`를 옮겨 봅시다. `apply_async`는 메시지를 큐에 넣고 곧바로 돌아옵니다.
# 돌아온 값은 결과 자체가 아니라, 나중에 그 결과를 찾아갈 수 있게 해 주는 `AsyncResult`입니다.

# %%
def make_request(n):
    return [tasks.add.apply_async(args=[116, 124]) for _ in range(n)]


results = make_request(10)
[r.get(timeout=10) for r in results]

# %% [markdown]
# 워커 로그에는 태스크마다 받은 줄(`received`)과 끝낸 줄(`succeeded`)이 남습니다.
# `MainProcess`가 메시지를 받고, `ForkPoolWorker-N`(prefork 풀의 자식 프로세스)이 실제로 실행합니다.

# %%
log = [line for line in mine.logs(200) if "tasks.add[" in line]
print(next(line for line in log if line.endswith("received")))
print(next(line for line in log if " succeeded in " in line))

# %% [markdown]
# 태스크도 함수처럼 직접 부를 수 있습니다. 그러면 워커가 아니라 **이 커널에서** 바로 실행됩니다.

# %%
tasks.add(2, 3)

# %% [markdown]
# ## 4. `AsyncResult`: 상태와 결과
#
# 1초 걸리는 `slow_add`를 보내고 곧바로 물어보면 아직 끝나지 않았습니다.

# %%
result = tasks.slow_add.delay(210, 210)
print(result.state, result.ready())

# %% [markdown]
# `get()`은 결과가 올 때까지 기다립니다. 언제까지 기다릴지 `timeout`을 꼭 주세요.

# %%
print(result.get(timeout=10))
print(result.state, result.ready())

# %% [markdown]
# ### `PENDING`은 "기다리는 중"이 아니라 "모름"이다
#
# 보낸 적이 없는 id로 `AsyncResult`를 만들어 물어봐도 오류가 나지 않습니다. 상태는 `PENDING`입니다.

# %%
import worker

unknown = worker.app.AsyncResult("없는-id")
print(unknown.state, unknown.ready())

# %% [markdown]
# 결과 백엔드는 그 id에 대한 기록이 없으면 `PENDING`이라고 답합니다. 큐에서 차례를 기다리는 태스크도, id를 잘못 적은
# 경우도, 결과가 만료되어 지워진 경우도 모두 `PENDING`입니다. 그러니 `PENDING`만 보고 "곧 끝나겠지" 하고
# 기다리면 안 됩니다. 12장에서 웹 앱이 이 둘을 구별하는 방법을 다룹니다.
#
# ### 결과를 기다리며 멈춰 있으면 안 되는 이유
#
# Celery를 쓰는 까닭은 오래 걸리는 일을 워커에게 넘기고 호출한 쪽은 제 할 일을 계속하기 위해서입니다.
# 보내자마자 `get()`으로 기다리면 함수를 직접 부른 것과 다를 바가 없고, 메시지를 오가는 비용만 늘어납니다.
# 웹 요청을 처리하다 `get()`을 부르면 그 요청이 워커를 기다리며 묶여 버립니다. 그래서 보통은
#
# - 결과가 필요 없으면 받지 않고, 태스크가 결과를 DB에 직접 쓰거나,
# - 나중에 `ready()`로 확인해서 끝났을 때만 `get()`하거나(가이드의 예시),
# - 다음 일을 콜백(callback)으로 이어 붙입니다(4장 캔버스).
#
# 태스크 **안에서** 다른 태스크의 결과를 `get()`으로 기다리는 것은 교착 상태를 부를 수 있어 Celery가 막습니다. 9장에서 직접 봅니다.
#
# ## 5. 인자가 틀렸을 때
#
# 인자 개수가 틀리면 메시지를 보내기 **전에** 이 커널에서 `TypeError`가 납니다.
# Celery가 보내기 전에 함수가 받는 인자 목록과 넘긴 인자를 맞춰 보기 때문입니다.

# %%
try:
    tasks.add.delay(1)
except TypeError as exc:
    print(f"TypeError: {exc}")

# %% [markdown]
# 개수는 맞지만 값이 틀리면 워커에서 실행하다 실패합니다. 상태는 `FAILURE`가 되고, `get()`은 워커에서 난 예외를
# 그대로 다시 일으킵니다. `propagate=False`를 주면 예외를 일으키는 대신 예외 객체를 돌려받습니다.

# %%
bad = tasks.add.delay("1", 2)
print(repr(bad.get(timeout=10, propagate=False)))
print(bad.state)

# %% [markdown]
# ## 6. 강좌의 앱 `labtasks`: 같은 것을 강좌에 맞게 준비해 둔 것
#
# 다음 장부터는 주로 강좌의 패키지 `labtasks`를 씁니다. 하는 일은 방금 만든 프로젝트와 같습니다. 앱 하나(`labtasks/app.py`)와
# 장마다 태스크 모듈이 있고, 워커는 `celery -A labtasks worker`로 뜹니다. 다른 점은 몇 가지 설정입니다.
# 기본값 그대로인 Celery 앱과 나란히 놓고 다른 설정만 골라 봅시다.

# %%
from celery import Celery

from labtasks import app as lab_app

기본 = Celery("기본")
keys = ["include", "result_extended", "worker_send_task_events", "task_send_sent_event",
        "result_accept_content", "broker_connection_timeout", "broker_connection_max_retries",
        "redis_socket_connect_timeout", "result_expires", "timezone"]
print(f"{'설정':30} {'기본 앱':22} labtasks")
for key in keys:
    print(f"{key:30} {str(기본.conf[key]):22} {lab_app.conf[key]}")

# %% [markdown]
# | 설정 | 이 강좌에서 바뀌는 것 |
# |---|---|
# | `include` | 워커가 시작할 때 장마다의 태스크 모듈을 가져옵니다(위에서 고친 것과 같은 일). |
# | `result_extended` | 결과 백엔드에 태스크 이름, 인자, 실행한 워커까지 적습니다. `result.name`, `result.worker`가 채워집니다. |
# | `worker_send_task_events`, `task_send_sent_event` | 워커와 보내는 쪽이 태스크 이벤트를 냅니다. 3장의 모니터와 7장의 Flower가 이것으로 태스크를 지켜봅니다. 워커 명령의 `-E`와 같습니다. |
# | `result_accept_content` | 결과도 JSON만 받습니다. 보내는 메시지는 기본값부터 JSON뿐입니다(pickle은 푸는 순간 코드를 실행할 수 있어 받지 않습니다). |
# | `broker_connection_timeout`, `broker_connection_max_retries`, `redis_socket_connect_timeout` | 브로커나 결과 백엔드가 죽어 있으면 몇 초 안에 오류가 납니다. 기본값이면 셀이 오래 멈춰 있습니다. |
# | `result_expires` | 결과를 하루가 아니라 한 시간 보관합니다. |
# | `timezone` | 10장의 주기 태스크를 한국 시각으로 적습니다. |
#
# `result_extended`의 차이를 직접 봅시다. 기본값인 내 프로젝트의 결과에는 실행한 워커와 태스크 이름이 없습니다.

# %%
result = tasks.add.delay(1, 1)
result.get(timeout=10)
print(result.worker, result.name)

# %% [markdown]
# 내 워커는 여기서 멈춥니다(12장에서 다시 띄웁니다). 이제 강좌의 워커 `w1`을 띄웁니다. `w1`은 `labtasks`의 기본 큐인
# `celery`를 소비합니다. 여기부터 `add`, `mult`, `slow_add`, `app`은 `labtasks`의 것입니다.

# %%
mine.stop()
w = lab.worker("w1")
w

# %%
from labtasks import app
from labtasks.tasks import add, mult, slow_add

result = add.delay(1, 1)
result.get(timeout=10)
print(result.worker, result.name)

# %% [markdown]
# 같은 덧셈인데 이번에는 결과에 실행한 워커(`w1@…`)와 태스크의 전체 이름이 남습니다.

# %% [markdown]
# ## 정리
#
# - 프로젝트는 앱(`worker.py`)과 태스크(`tasks.py`)로 시작한다. 워커는 `celery -A worker worker -l INFO`로 띄운다.
# - 워커가 태스크 모듈을 모르면 `Received unregistered task`를 로그에 남기고 `NotRegistered`로 실패시킨다. `include=["tasks"]`(또는 쉼표 있는 `imports`)로 알려 준다.
# - `celery -A worker inspect registered`, `celery -A worker status`로 워커에게 직접 묻는다.
# - `apply_async`/`delay`는 곧바로 `AsyncResult`를 돌려준다. `get()`에는 `timeout`을 준다. `PENDING`은 "모름"이다.
# - 인자 개수가 틀리면 보내기 전에, 값이 틀리면 워커에서 `FAILURE`로 드러난다.
# - `labtasks`는 같은 구조에 강좌용 설정(`result_extended`, 이벤트, 빠른 실패 등)을 더한 앱이다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 `w1`에서 실제로 실행해 보고 판정합니다. 정답은 각 확인 셀 아래에 접혀 있습니다.

# %%
from labtasks.checks import ch02 as 확인

# %% [markdown]
# **연습 1.** `mult` 태스크로 6 × 7을 **워커에서** 계산하세요. 워커에 보내고 돌려받은 것을 `답`에 담습니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = mult.delay(6, 7)
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `AsyncResult` 목록을 받아, 모두 끝났으면 `True`를, 하나라도 아직이면 `False`를 돌려주는 함수를 쓰고
# 그 함수를 `답`에 담으세요. 성공했든 실패했든 끝난 것은 끝난 것입니다. 결과를 기다리지 말고 지금 끝났는지만 보세요.
# 확인 셀은 성공한 태스크, 실패한 태스크, 아직 실행되지 않은 태스크를 여러 길이와 순서로 섞어서 함수를 불러 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 모두_끝났나(results):
    return all(r.ready() for r in results)


답 = 모두_끝났나
확인.연습_2(답)

# %% [markdown]
# **연습 3.** 워커에 등록되지 않은 이름으로 태스크를 하나 보내고, 돌려받은 것을 `답`에 담으세요.
# 확인 셀은 워커가 그 태스크를 어떤 실패로 기록하는지 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = app.send_task("labtasks.tasks.basics.나눗셈", args=[6, 3])
확인.연습_3(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다.

# %%
lab.down()
