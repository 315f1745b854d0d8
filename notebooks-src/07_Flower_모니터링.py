# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F07_Flower_%EB%AA%A8%EB%8B%88%ED%84%B0%EB%A7%81.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/07_Flower_%EB%AA%A8%EB%8B%88%ED%84%B0%EB%A7%81.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 07. Flower로 모니터링하기
#
# ## 학습 목표
#
# - Flower가 무엇을 보고 화면을 그리는지(태스크 이벤트), 그리고 `task_send_sent_event`가 왜 필요한지 설명할 수 있다.
# - `celery -A labtasks flower`(노트북에서는 `lab.flower()`)로 Flower를 띄우고, Workers, Tasks, Broker 화면이 무엇을 보여 주는지 안다.
# - Flower 2가 인증 없는 REST API를 거부하는 이유를 알고, basic auth로 API를 부른다.
# - REST API로 워커와 태스크 목록을 읽고, `/api/task/async-apply/<이름>`으로 태스크를 보낸다.
# - 영구 모드(persistent)로 Flower를 다시 띄워도 태스크 기록이 남는 것을 확인한다.
# - 실시간 태스크 보드와 Flower를 나란히 놓고, 같은 태스크를 두 화면으로 본다.
#
# **준비물**: 02장(태스크 보내기, `AsyncResult`)과 03장의 모니터. 원본 가이드는 Flower 연동을 TODO로 남겨 두었습니다. 이 장이 그 빈칸입니다.
#
# 아래 셀 하나로 브로커와 결과 백엔드, 3장의 모니터, `celery` 큐를 소비하는 워커를 준비합니다.

# %%
from labtasks import lab
from labtasks.app import app
from labtasks.tasks import add, mult

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
mon = lab.monitor()
lab.workers()

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
# 워커의 태스크 이벤트는 기본적으로 꺼져 있습니다. Flower는 시작할 때와 그 뒤로도 주기적으로 `enable_events` 제어 명령을 보내
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
# ## 2. Flower 띄우기
#
# 터미널이라면 `celery -A labtasks flower`를 실행합니다(가이드의 앱이라면 `celery -A worker.app flower`).
# Flower는 브로커 주소를 앱 설정에서 읽고, 기본으로 5555번 포트에 웹 서버를 엽니다. 노트북에서는 `lab.flower()`가 같은 명령을
# 백그라운드 프로세스로 띄웁니다. 빈 포트를 골라 `127.0.0.1`에만 열고, 사용자 `lab`과 이 커널만의 비밀번호로
# **basic auth**(`--basic-auth=사용자:비밀번호`)를 겁니다. `lab.down()`이 Flower도 멈춥니다.
#
# 돌려받은 값을 셀의 마지막 줄에 두면 주소와 비밀번호, 그리고 Flower 화면이 IFrame으로 나옵니다.
# IFrame 안에서 로그인 창이 뜨면 표의 사용자와 비밀번호를 넣으세요.

# %%
fl = lab.flower()
fl

# %% [markdown]
# 같은 Flower를 터미널에서 띄우는 명령은 이렇습니다(비밀번호 자리는 가렸습니다).

# %%
print(fl.command())

# %% [markdown]
# ### Flower의 화면
#
# | 화면 | 주소 | 보여 주는 것 |
# |---|---|---|
# | Workers (첫 화면) | `/` 또는 `/workers` | 워커마다 상태, 처리한 태스크 수, 부하. 이름을 누르면 풀 크기, 소비하는 큐, 등록된 태스크와 제어 버튼 |
# | Tasks | `/tasks` | Flower가 이벤트로 본 태스크 전부: 이름, 인자, 상태, 결과, 실행한 워커, 걸린 시간 |
# | Broker | `/broker` | 큐마다 기다리는 메시지 수(브로커에 직접 묻습니다) |
#
# 세 화면 모두 basic auth 뒤에 있습니다. 비밀번호 없이 열면 401, 비밀번호를 주면 200이 옵니다.

# %%
import requests

for 화면 in ["workers", "tasks", "broker"]:
    print(f"{화면:8}", requests.get(fl.local_url + 화면, timeout=10).status_code,
          requests.get(fl.local_url + 화면, auth=fl.auth, timeout=10).status_code)

# %% [markdown]
# ## 3. REST API는 왜 인증이 필요한가
#
# Flower의 REST API로는 태스크를 보내고, 취소하고, 워커를 끌 수도 있습니다. Flower 1.x는 인증 없이도 API를 열어 두었는데,
# 그러면 같은 컴퓨터의 아무 프로세스나, 심지어 브라우저에서 연 다른 웹 페이지도 태스크를 보낼 수 있었습니다.
# 그래서 Flower 2는 인증이 설정되지 않으면 API를 거부합니다.

# %%
print(requests.get(fl.local_url + "api/workers", timeout=5).status_code)
print(requests.get(fl.local_url + "api/workers", auth=("lab", "wrong-password"), timeout=5).status_code)
print(requests.get(fl.local_url + "api/workers", auth=fl.auth, timeout=5).status_code)

# %% [markdown]
# 인증 없이 API를 열려면 환경 변수 `FLOWER_UNAUTHENTICATED_API=true`를 주어야 합니다. 이름 그대로 **안전하지 않은** 설정입니다.
# 이 값을 켜면 Flower는 다른 출처의 요청까지 허용하는 CORS 헤더를 보내므로, 방화벽 안의 개발용 컴퓨터에서만, 잠깐만 쓰세요.
# 이 강좌는 언제나 basic auth를 씁니다.
#
# ## 4. REST API로 워커와 태스크 보기
#
# `fl.api(경로)`는 basic auth를 붙여 `/api/<경로>`를 부르고 JSON을 돌려줍니다. 워커 목록부터 봅시다.
# `/api/workers?refresh=1`은 Flower가 워커들에게 지금 물어보게 합니다(`inspect` 제어 명령). 그냥 부르면 마지막으로 받은 답을 돌려줍니다.

# %%
from labtasks.chapters.flower import wait_for_task, wait_for_worker

정보 = wait_for_worker(fl, w.nodename)  # refresh=1로 묻고, 답이 늦은 항목이 있으면 다시 묻습니다
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

정보 = wait_for_task(fl, 보냄["task-id"])
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
# `board()`는 모니터가 받은 이벤트로 그리는 ipywidgets 보드입니다. 보드를 만든 뒤에 보내진 태스크는
# 누가 보냈든(버튼, 다른 셀, 터미널, Flower의 API) 모두 나옵니다. 오른쪽에는 Flower의 Tasks 화면을 놓았습니다.
# 버튼을 눌러 보고, 두 화면이 같은 태스크를 보여 주는지 비교해 보세요.

# %%
from labtasks.chapters.board import board
from labtasks.chapters.flower import SideBySide

보드 = board({"덧셈 보내기": add.s(2, 3), "곱셈 보내기": mult.s(6, 7)})
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
    wait_for_task(fl, 태스크_id)
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
wait_for_task(fl, 기억할_태스크)
fl.stop()
fl = lab.flower()
print("다시 띄운 Flower가 기억하나:", 기억할_태스크 in fl.api("tasks"))

# %% [markdown]
# `persistent=True`로 띄우면 Flower는 `--persistent=True --db=<파일>`로 시작해 상태를 파일(shelve)에 저장하고,
# 다시 뜰 때 읽어 옵니다. `--state_save_interval`(밀리초)마다, 그리고 멈출 때 저장합니다.

# %%
fl = lab.flower(persistent=True)
기억할_태스크 = fl.api("task/async-apply/labtasks.tasks.basics.add", method="POST", json={"args": [3, 3]})["task-id"]
wait_for_task(fl, 기억할_태스크)
fl.stop()
fl = lab.flower(persistent=True)
print("다시 띄운 Flower가 기억하나:", 기억할_태스크 in fl.api("tasks"))
print("그 태스크의 상태:", fl.api(f"task/info/{기억할_태스크}")["state"])
fl

# %% [markdown]
# 비밀번호와 포트는 새로 뜰 때마다 바뀌지만 기록은 남았습니다. 저장 파일은 이 커널의 실행 폴더에 있어서 `lab.down()`과 함께 지워집니다.
# 오래 쓰는 Flower라면 `--db`에 지워지지 않는 경로를 주세요.

# %% [markdown]
# ## 정리
#
# - Flower는 브로커로 오가는 이벤트로 화면을 그린다. 워커 쪽은 `worker_send_task_events`(또는 `-E`), 보내는 쪽은 `task_send_sent_event`가 필요하다.
# - `task_send_sent_event`가 없으면 큐에서 기다리는 태스크가 보이지 않는다.
# - Flower는 `celery -A <앱> flower`로 띄운다(노트북에서는 `lab.flower()`). Workers, Tasks, Broker 화면이 있다.
# - Flower 2의 REST API는 인증이 필수다. `FLOWER_UNAUTHENTICATED_API=true`는 안전하지 않은 예외다.
# - REST API로 워커(`/api/workers`)와 태스크(`/api/tasks`, `/api/task/info/<id>`)를 읽고, `/api/task/async-apply/<이름>`으로 보낸다.
# - 영구 모드(`--persistent=True --db=<파일>`)는 다시 띄워도 태스크 기록을 남긴다.

# %% [markdown]
# ## 연습문제
#
# 답을 `답 = ...` 자리에 쓰고 확인 셀을 실행하세요. 막히면 아래의 접힌 풀이 셀을 펼쳐 보세요.
# 확인 셀은 지금 떠 있는 Flower(`fl`)에 직접 물어봅니다.

# %%
from labtasks.checks import ch07 as 확인

# %% [markdown]
# **연습 1.** Flower의 REST API로 `mult` 태스크에 인자 `[6, 7]`을 보내고, 돌려받은 태스크 id(문자열)를 `답`에 담으세요.
# 확인 셀은 그 태스크를 Flower가 보냈는지도 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = fl.api("task/async-apply/labtasks.tasks.basics.mult", method="POST", json={"args": [6, 7]})["task-id"]
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `/api/workers`의 응답(`fl.api("workers")`가 돌려주는 딕셔너리)과 워커 이름(`w.nodename` 같은 것)을 받아,
# 그 워커가 소비하는 큐 이름을 정렬한 리스트로 돌려주는 함수를 `답`에 담으세요. 확인 셀은 큐 두 개를 소비하는 워커를
# 새로 띄우고, 그 워커에 대한 응답으로도 부릅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 큐_목록(응답, 워커):
    return sorted(q["name"] for q in 응답[워커]["active_queues"])


답 = 큐_목록
wait_for_worker(fl, w.nodename)  # 6절에서 Flower를 다시 띄웠으니 워커에게 새로 묻습니다
print(답(fl.api("workers"), w.nodename))
확인.연습_2(답)

# %% [markdown]
# **연습 3.** Flower의 주소(`fl.local_url`)와 인증(`None`, 또는 `("사용자", "비밀번호")`)을 받아, 그 인증으로
# `/api/workers`를 불렀을 때의 HTTP 상태 코드를 돌려주는 함수를 `답`에 담으세요. 확인 셀은 인증 없이, 틀린 비밀번호로,
# 맞는 비밀번호(`fl.auth`)로 부르게 하고, API가 없는 주소로도 부르게 한 뒤, 같은 호출을 직접 해서 비교합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 상태_코드(주소, 인증):
    return requests.get(주소 + "api/workers", auth=인증, timeout=10).status_code


답 = 상태_코드
print(답(fl.local_url, None), 답(fl.local_url, fl.auth))
확인.연습_3(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다. Flower도 함께 멈춥니다.

# %%
lab.down()
