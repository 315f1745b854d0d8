# %% [markdown]
# # 07. Flower로 모니터링하기
#
# ## 학습 목표
#
# - Flower가 무엇을 보고 화면을 그리는지(태스크 이벤트), 그리고 `task_send_sent_event`가 왜 필요한지 설명할 수 있다.
# - `lab.flower()`로 Flower를 띄우고, 내 컴퓨터와 JupyterLab 프록시(Binder, JupyterHub) 양쪽에서 여는 주소를 안다.
# - Flower 2가 인증 없는 REST API를 거부하는 이유를 알고, basic auth로 API를 부른다.
# - REST API로 워커와 태스크 목록을 읽고, `/api/task/async-apply/<이름>`으로 태스크를 보낸다.
# - 영구 모드(persistent)로 Flower를 다시 띄워도 태스크 기록이 남는 것을 확인한다.
# - 실시간 태스크 보드와 Flower를 나란히 놓고, 같은 태스크를 두 화면으로 본다.
#
# **준비물**: 02장(태스크 보내기, `AsyncResult`)과 03장의 모니터. 원본 가이드는 Flower 연동을 TODO로 남겨 두었습니다. 이 장이 그 빈칸입니다.
#
# 아래 셀 하나로 브로커와 결과 백엔드, 3장의 모니터, `celery` 큐를 소비하는 워커를 준비합니다.

# %%
from labtasks import lab, app

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
mon = lab.monitor()

# %% [markdown]
# ## 1. Flower는 이벤트를 본다
#
# Flower(플라워)는 Celery 전용 웹 모니터링 도구입니다. 브로커에 붙어서 워커와 클라이언트가 보내는 **이벤트**(event)를
# 받아 모으고, 그것으로 화면을 그립니다. 3장의 모니터(`labtasks.monitor`)도 똑같은 방식으로 동작합니다.
#
# | 이벤트 | 누가 보내나 | 켜는 설정 |
# |---|---|---|
# | `task-sent` | 태스크를 보낸 쪽(이 커널, Flower의 API) | `task_send_sent_event = True` |
# | `task-received`, `task-started`, `task-succeeded`, `task-failed`, `task-retried` | 워커 | `worker_send_task_events = True` 또는 워커의 `-E` |
# | `worker-online`, `worker-heartbeat`, `worker-offline` | 워커 | 항상 (하트비트는 2초마다) |
#
# 워커의 태스크 이벤트는 기본값이 꺼짐입니다. Flower는 시작할 때와 그 뒤로도 주기적으로 `enable_events` 제어 명령을 보내
# 켜 달라고 요청하지만, 처음부터 켜 두는 편이 확실합니다. 이 강좌의 앱은 둘 다 켜 두었습니다.

# %%
for key in ["worker_send_task_events", "task_send_sent_event"]:
    print(f"{key:24} {app.conf[key]!r}")

# %% [markdown]
# `task-sent`가 없으면 어떻게 될까요? 워커가 메시지를 받기 전까지는 아무도 그 태스크의 존재를 모릅니다.
# 차이가 가장 잘 드러나는 경우는 **아무 워커도 소비하지 않는 큐**로 보낸 태스크입니다.
# 3장의 모니터로 확인해 봅시다. 두 번 보내되, 한 번은 `task_send_sent_event`를 잠시 끄고 보냅니다.

# %%
import time

from labtasks.tasks import add, mult

app.conf.task_send_sent_event = False
조용한_태스크 = add.apply_async((1, 1), queue="아무도_안_보는_큐")
app.conf.task_send_sent_event = True
알린_태스크 = add.apply_async((1, 1), queue="아무도_안_보는_큐")
mon.wait_for(알린_태스크, "PENDING", timeout=10)
time.sleep(0.5)  # 조용한 태스크의 이벤트가 있었다면 도착했을 시간

print("task-sent 없이 보낸 태스크:", mon.task(조용한_태스크.id))
print("task-sent 를 보낸 태스크:  ", mon.task(알린_태스크.id).state)

# %% [markdown]
# 켜 두면 모니터(그리고 Flower)는 태스크가 큐에서 기다리는 동안에도 `PENDING`으로 보여 줍니다. 꺼 두면 보이지 않습니다.
# 큐에 쌓였지만 아무도 꺼내 가지 않는 태스크를 찾으려면 `task-sent`가 꼭 필요합니다.
#
# 실습용으로 만든 큐는 지워 둡니다. (지우지 않으면 다음 실행에서도 메시지 두 개가 그대로 남아 있습니다.)

# %%
with app.connection_for_write() as conn:
    conn.default_channel.queue_delete("아무도_안_보는_큐")
print("큐를 지웠습니다.")

# %% [markdown]
# ## 2. `lab.flower()`로 Flower 띄우기
#
# 가이드라면 터미널에서 `celery -A worker.app flower`를 실행했을 것입니다. 노트북에서는 `lab.flower()`가 같은 명령을
# 백그라운드 프로세스로 띄웁니다. 워커와 같은 규칙을 따릅니다.
#
# - `127.0.0.1`에만 열고, 빈 포트를 골라 씁니다.
# - 다시 실행해도 Flower가 하나 더 뜨지 않습니다.
# - 커널이 끝나거나 죽으면 Flower도 함께 멈추고, `lab.down()`도 Flower를 멈춥니다.
# - 사용자 `lab`과 이 커널만의 비밀번호로 **basic auth**를 겁니다.
#
# 돌려받은 값을 셀의 마지막 줄에 두면 주소와 비밀번호, 그리고 Flower 화면이 IFrame으로 나옵니다.
# IFrame 안에서 로그인 창이 뜨면 표의 사용자와 비밀번호를 넣으세요.

# %%
fl = lab.flower()
fl

# %%
lab.flower() is fl

# %% [markdown]
# ### 주소: 내 컴퓨터와 JupyterLab 프록시
#
# 내 컴퓨터에서 노트북을 실행하면 주소는 `http://127.0.0.1:<포트>/`입니다. Binder나 JupyterHub에서는 브라우저가 그 컴퓨터의
# `127.0.0.1`에 닿을 수 없으므로, JupyterLab 서버를 거쳐 들어가야 합니다. jupyter-server-proxy가 그 길을 만들어 줍니다.
#
# | 프록시 경로 | Flower가 받는 경로 | 결과 |
# |---|---|---|
# | `/proxy/<포트>/tasks` | `/tasks` (앞부분을 떼고 전달) | 화면은 나오지만 `/static/…` 링크가 프록시 밖을 가리켜 CSS와 JS가 깨진다 |
# | `/proxy/absolute/<포트>/tasks` | `/proxy/absolute/<포트>/tasks` (그대로 전달) | Flower를 `--url_prefix=proxy/absolute/<포트>`로 띄우면 모든 링크가 맞는다 |
#
# `lab.flower()`는 Jupyter 서버 아래에서 실행되는 커널인지(환경 변수 `JUPYTERHUB_SERVICE_PREFIX`나 `JPY_SESSION_NAME`)를 보고
# 두 번째 방법을 고릅니다. `LABTASKS_FLOWER_PROXY=on` 또는 `off`로 직접 정할 수도 있습니다.
# 어느 쪽이든 커널에서 API를 부를 때는 `fl.local_url`을 씁니다.

# %%
print("프록시 모드:", fl.proxy)
print("터미널에서 같은 Flower:", fl.command())

# %% [markdown]
# 비밀번호는 명령줄이 아니라 환경 변수 `FLOWER_BASIC_AUTH`로 넘깁니다. 같은 컴퓨터의 다른 사용자가 `ps`로 명령줄을 볼 수 있기 때문입니다.
# Flower는 `FLOWER_`로 시작하는 환경 변수를 같은 이름의 옵션으로 읽습니다.
#
# ## 3. REST API는 왜 인증이 필요한가
#
# Flower의 REST API로는 태스크를 보내고, 취소하고, 워커를 끌 수도 있습니다. Flower 1.x는 인증 없이도 API를 열어 두었는데,
# 그러면 같은 컴퓨터의 아무 프로세스나, 심지어 브라우저에서 연 다른 웹 페이지도 태스크를 보낼 수 있었습니다.
# 그래서 Flower 2는 인증이 설정되지 않으면 API를 거부합니다.

# %%
import requests

print(requests.get(fl.local_url + "api/workers", timeout=5).status_code)
print(requests.get(fl.local_url + "api/workers", auth=("lab", "wrong-password"), timeout=5).status_code)
print(requests.get(fl.local_url + "api/workers", auth=fl.auth, timeout=5).status_code)

# %% [markdown]
# 인증 없이 API를 열려면 환경 변수 `FLOWER_UNAUTHENTICATED_API=true`를 주어야 합니다. 이름 그대로 **안전하지 않은** 설정입니다.
# 이 값을 켜면 Flower는 다른 출처의 요청까지 허용하는 CORS 헤더를 보내므로, 방화벽 안의 개발용 컴퓨터에서만, 잠깐만 쓰세요.
# 이 강좌는 언제나 `--basic-auth`(여기서는 `FLOWER_BASIC_AUTH`)를 씁니다.
#
# ## 4. REST API로 워커와 태스크 보기
#
# `fl.api(경로)`는 basic auth를 붙여 `/api/<경로>`를 부르고 JSON을 돌려줍니다. 워커 목록부터 봅시다.
# `/api/workers?refresh=1`은 Flower가 워커들에게 지금 물어보게 합니다(`inspect` 제어 명령). 그냥 부르면 마지막으로 받은 답을 돌려줍니다.

# %%
정보 = fl.wait_for_worker(w.nodename)  # refresh=1로 묻고, 답이 늦은 항목이 있으면 다시 묻습니다
워커들 = fl.api("workers")             # Flower가 기억하는 마지막 답
print("우리 워커가 목록에 있나:", w.nodename in 워커들)
print("소비하는 큐:", sorted(q["name"] for q in 정보["active_queues"]))
print("등록된 태스크에 add가 있나:", "labtasks.tasks.basics.add" in 정보["registered"])

# %% [markdown]
# 이번에는 Flower를 통해 태스크를 **보냅니다**. `POST /api/task/async-apply/<태스크 이름>`에 인자를 JSON으로 넣습니다.
# Flower가 이 커널 대신 `apply_async`를 부르는 셈이라, 돌아오는 것도 태스크 id입니다. 함께 오는 `state`는 Flower가
# 답하던 순간의 상태라서, 워커가 빠르면 벌써 `SUCCESS`이고 아니면 `PENDING`입니다.

# %%
보냄 = fl.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [116, 124]})
assert 보냄["state"] in {"PENDING", "RECEIVED", "STARTED", "SUCCESS"}, 보냄
print("돌아온 항목:", sorted(보냄))

# %% [markdown]
# Flower가 이벤트로 이 태스크가 끝난 것을 볼 때까지 기다렸다가 `/api/task/info/<id>`로 자세히 봅니다.
# 결과 백엔드에도 같은 결과가 있으니, 02장에서처럼 `AsyncResult`로 읽을 수도 있습니다.

# %%
from celery.result import AsyncResult

정보 = fl.wait_for_task(보냄["task-id"])
print("이름:", 정보["name"])
print("상태:", 정보["state"])
print("인자:", 정보["args"], "결과:", 정보["result"])
print("실행한 워커가 w인가:", 정보["worker"] == w.nodename)
print("AsyncResult로 읽은 결과:", AsyncResult(보냄["task-id"]).get(timeout=10))

# %% [markdown]
# `/api/tasks`는 Flower가 기억하는 태스크 전부를 돌려줍니다. 1절에서 보낸 두 태스크는 없습니다.
# 그 이벤트가 지나간 뒤에 Flower가 떴기 때문입니다. Flower는 **떠 있는 동안 받은 이벤트만** 압니다.

# %%
from collections import Counter

태스크들 = fl.api("tasks")
print(sorted(Counter((t["name"], t["state"]) for t in 태스크들.values()).items()))

# %% [markdown]
# ## 5. 실시간 태스크 보드와 Flower, 나란히
#
# `lab.board()`는 모니터가 받은 이벤트로 그리는 ipywidgets 보드입니다. 보드를 만든 뒤에 보내진 태스크는
# 누가 보냈든(버튼, 다른 셀, 터미널, Flower의 API) 모두 나옵니다. 오른쪽에는 Flower의 Tasks 화면을 놓았습니다.
# 버튼을 눌러 보고, 두 화면이 같은 태스크를 보여 주는지 비교해 보세요.

# %%
from labtasks.chapters.flower import SideBySide

보드 = lab.board({"덧셈 보내기": add.s(2, 3), "곱셈 보내기": mult.s(6, 7)})
SideBySide(보드, fl)

# %% [markdown]
# 버튼 클릭은 코드로도 할 수 있습니다. 덧셈 세 번, 곱셈 두 번을 누르고, Flower의 API로도 덧셈 하나를 보냅니다.

# %%
보드.click("덧셈 보내기", n=3)
보드.click("곱셈 보내기", n=2)
fl.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [1, 1]})
print(보드.wait(timeout=30, count=6).summary())

# %% [markdown]
# 같은 태스크를 Flower는 어떻게 보고 있을까요? 보드에 있는 태스크 id마다 Flower의 상태를 물어 같은 모양으로 셉니다.

# %%
보드_id = [r.id for r in 보드.records()]
for 태스크_id in 보드_id:
    fl.wait_for_task(태스크_id)
태스크들 = fl.api("tasks")
플라워_요약 = Counter((태스크들[i]["name"].rsplit(".", 1)[-1], 태스크들[i]["state"]) for i in 보드_id)
print("\n".join(f"{name}: {state} {n}" for (name, state), n in sorted(플라워_요약.items())))

# %% [markdown]
# 두 화면의 출처는 같습니다. 브로커를 지나가는 이벤트입니다. 차이는 용도에 있습니다.
#
# | | 실시간 태스크 보드 | Flower |
# |---|---|---|
# | 어디서 | 노트북 안 (ipywidgets) | 별도 웹 서버 (브라우저 탭, IFrame) |
# | 무엇을 | 보드를 만든 뒤의 태스크, 버튼 | 떠 있는 동안의 모든 태스크와 워커, 큐 길이, 제어(풀 크기, 취소, 종료) |
# | 기록 | 커널이 끝나면 사라짐 | 영구 모드면 다시 띄워도 남음 |
# | 프로그램에서 | `보드.records()` | REST API |
#
# ## 6. 영구 모드(persistent)
#
# 기본 모드의 Flower는 기억을 메모리에만 둡니다. 다시 띄우면 지난 태스크를 모릅니다. 먼저 확인해 봅시다.

# %%
기억할_태스크 = fl.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [2, 2]})["task-id"]
fl.wait_for_task(기억할_태스크)
fl.stop()
fl = lab.flower()
print("다시 띄운 Flower가 기억하나:", 기억할_태스크 in fl.api("tasks"))

# %% [markdown]
# `persistent=True`로 띄우면 Flower는 `--persistent=True --db=<파일>`로 시작해 상태를 파일(shelve)에 저장하고,
# 다시 뜰 때 읽어 옵니다. `--state_save_interval`(밀리초)마다, 그리고 멈출 때 저장합니다.

# %%
fl = lab.flower(persistent=True)
기억할_태스크 = fl.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [3, 3]})["task-id"]
fl.wait_for_task(기억할_태스크)
fl.stop()
fl = lab.flower(persistent=True)
print("다시 띄운 Flower가 기억하나:", 기억할_태스크 in fl.api("tasks"))
print("그 태스크의 상태:", fl.api(f"task/info/{기억할_태스크}")["state"])
fl

# %% [markdown]
# 비밀번호와 포트는 새로 뜰 때마다 바뀌지만 기록은 남았습니다. 저장 파일은 이 커널의 실행 폴더에 있어서 `lab.down()`과 함께 지워집니다.
# docker compose의 `flower` 서비스는 이름 있는 볼륨에 저장하므로 컨테이너를 다시 만들어도 기록이 남습니다.
#
# ## 7. 다른 실행 환경의 Flower
#
# - **Binder**: JupyterLab 런처의 **Flower 모니터링** 아이콘이 jupyter-server-proxy로 Flower를 띄웁니다(`/flower/`).
#   Binder의 `start` 스크립트가 Redis 하나를 띄워 모든 노트북과 이 Flower가 같은 브로커를 보게 합니다.
# - **docker compose**: `flower` 서비스가 `http://127.0.0.1:5555`에 뜹니다. 사용자와 비밀번호는 `.env`의
#   `FLOWER_USER`, `FLOWER_PASSWORD`에서 읽습니다. 비밀번호를 compose 파일에 적지 않습니다.
# - 어디서든 `lab.flower()`는 이 커널 옆에 Flower를 하나 더 띄웁니다. 위의 셀들이 그대로 동작합니다.
#
# ## 정리
#
# - Flower는 브로커로 오가는 이벤트로 화면을 그린다. 워커 쪽은 `worker_send_task_events`(또는 `-E`), 보내는 쪽은 `task_send_sent_event`가 필요하다.
# - `task_send_sent_event`가 없으면 큐에서 기다리는 태스크가 보이지 않는다.
# - `lab.flower()`는 127.0.0.1에 basic auth로 Flower를 띄우고, Jupyter 아래에서는 `/proxy/absolute/<포트>/`와 같은 `--url_prefix`를 쓴다.
# - Flower 2의 REST API는 인증이 필수다. `FLOWER_UNAUTHENTICATED_API=true`는 안전하지 않은 예외다.
# - REST API로 워커(`/api/workers`)와 태스크(`/api/tasks`, `/api/task/info/<id>`)를 읽고, `/api/task/async-apply/<이름>`으로 보낸다.
# - 영구 모드는 다시 띄워도 태스크 기록을 남긴다.

# %% [markdown]
# ## 연습문제
#
# **연습 1.** Flower의 REST API로 `mult` 태스크에 인자 `[6, 7]`을 보내고, 돌려받은 태스크 id를 `작업_id`에 담으세요.
# (예시 답이 들어 있습니다. 지우고 직접 써 보세요.)

# %%
작업_id = fl.api("task/async-apply/labtasks.tasks.basics.mult", method="POST",
                 json={"args": [6, 7]})["task-id"]

# %%
정보 = fl.wait_for_task(작업_id)
assert 정보["name"] == "labtasks.tasks.basics.mult", "태스크 이름 전체를 경로에 넣으세요."
assert 정보["result"] == "42"
print("정답입니다.")

# %% [markdown]
# **연습 2.** `/api/workers`의 응답에서, 워커 `w`가 소비하는 큐 이름을 정렬한 리스트로 만들어 `큐_목록`에 담으세요.
# (6절에서 Flower를 다시 띄웠으니 `refresh=1`로 새로 물어야 합니다. `fl.wait_for_worker`가 그렇게 합니다.)

# %%
큐_목록 = sorted(q["name"] for q in fl.wait_for_worker(w.nodename)["active_queues"])

# %%
assert 큐_목록 == ["celery"]
print("정답입니다.")

# %% [markdown]
# **연습 3.** Flower 2에서 인증 없이 REST API를 열어 주는(그래서 쓰지 말아야 할) 환경 변수의 이름을 `변수_이름`에 쓰세요.
# 확인 셀은 지금 Flower가 인증 없는 요청을 정말 거부하는지도 봅니다.

# %%
변수_이름 = "FLOWER_UNAUTHENTICATED_API"

# %%
import os

assert 변수_이름 == "FLOWER_UNAUTHENTICATED_API"
assert 변수_이름 not in os.environ
assert requests.get(fl.local_url + "api/tasks", timeout=5).status_code == 401
print("정답입니다.")

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다. Flower도 함께 멈춥니다.

# %%
lab.down()
