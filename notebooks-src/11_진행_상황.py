# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F11_%EC%A7%84%ED%96%89_%EC%83%81%ED%99%A9.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/11_%EC%A7%84%ED%96%89_%EC%83%81%ED%99%A9.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 11. 진행 상황
#
# ## 학습 목표
#
# - 태스크 안에서 `self.update_state(state="PROGRESS", meta={...})`로 진행 상황을 쓰고, `AsyncResult.state`와 `.info`로 읽는다.
# - `track_started`(`STARTED` 상태)가 무엇을 더하는지, `ignore_result=True`가 진행 상황을 어떻게 바꾸는지 실행해 보고 안다.
# - 태스크가 보내는 이벤트(`self.send_event`)로 진행 막대를 움직인다. 태스크 하나, `group` 하나(옆에 03장의 지도를 띄워서), 그리고 터미널의 tqdm.
# - 진행 상황을 한 번 알릴 때마다 결과 백엔드에 무엇을 쓰는지 재 보고, 알맞은 빈도를 정한다.
# - 막대의 취소 버튼(`revoke(terminate=True)`)으로 실행 중인 태스크를 멈추고, 풀(pool)마다 다른 점을 안다.
#
# **준비물**: 02장(`AsyncResult`), 03장(모니터), 07장(실시간 태스크 보드), 08장(풀), 09장(`revoke`).
#
# 이 장의 태스크는 `labtasks/tasks/progress.py`에, 진행 막대는 `labtasks/chapters/progress_bars.py`에, 단계 진행과 측정 도구는
# `labtasks/chapters/progress.py`에 있습니다(`progress.Bar`처럼 모두 `progress`에서 부를 수 있습니다).

# %%
from labtasks import app, lab
from labtasks.chapters import progress

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
mon = lab.monitor()
lab.workers()

# %% [markdown]
# ## 1. 태스크 안에서 진행 상황 쓰기
#
# 오래 걸리는 태스크는 "지금 어디까지 했는지"를 알려 주면 좋습니다. `bind=True`로 태스크 자신(`self`)을 받으면
# `self.update_state(state=…, meta=…)`로 결과 백엔드(result backend)에 지금 상태를 쓸 수 있습니다. 상태 이름은 마음대로 정해도 되고,
# 이 강좌는 관례대로 `PROGRESS`를 씁니다. `meta`는 JSON으로 바꿀 수 있는 딕셔너리면 됩니다.
# 이 장의 태스크는 모두 아래 `report`로 진행 상황을 알립니다(`send_event`는 2절에서 다룹니다).

# %%
import inspect

print(inspect.getsource(progress.report))

# %% [markdown]
# `stepper`는 커널이 "다음"이라고 할 때마다(결과 백엔드의 Redis 리스트에 값 하나를 넣으면) 한 단계를 하고 진행 상황을 씁니다.
# 단계를 커널이 정하니 상태를 단계마다 정확히 읽을 수 있습니다. `track_started=True`도 달았습니다.

# %%
print(inspect.getsource(progress.stepper))

# %% [markdown]
# ### `STARTED`: `track_started`
#
# 워커가 태스크를 받아 실행을 시작해도 결과 백엔드의 상태는 기본적으로 `PENDING` 그대로입니다. 워커가 시작했다고 쓰지 않기 때문입니다.
# 태스크에 `track_started=True`를 달거나 앱 설정 `task_track_started=True`를 주면 실행을 시작할 때 `STARTED`를 쓰고,
# `info`에는 실행하는 프로세스의 pid와 워커 이름이 들어갑니다.

# %%
print("앱 설정 task_track_started:", app.conf.task_track_started, "/ stepper.track_started:", progress.stepper.track_started)
s = progress.Steps(3)
r = s.wait_state("STARTED")
print(r.state, sorted(r.info))

# %% [markdown]
# 이제 한 단계씩 진행시키며 읽습니다. 상태는 `PROGRESS`, `info`는 태스크가 `meta`로 넘긴 딕셔너리입니다.
# 마지막 단계가 끝나면 상태는 `SUCCESS`가 되고 `info`는 태스크가 돌려준 값이 됩니다(`info`는 `result`와 같은 속성입니다).

# %%
for _ in range(3):
    r = s.next()
    print(f"{r.state:8}", r.info)

# %% [markdown]
# ### `ignore_result=True`와 진행 상황
#
# `ignore_result=True`는 "결과를 저장하지 않는다"는 뜻입니다. 그러면 진행 상황도 안 보일까요? 같은 `stepper`를
# `apply_async(..., ignore_result=True)`로 보내 봅니다. 시작했는지는 결과 백엔드 대신 모니터(03장)의 `task-started` 이벤트로 확인합니다.

# %%
s = progress.Steps(2, ignore_result=True)
r = s.result
mon.wait_for(r, "STARTED")
print("시작한 뒤:      ", r.state)
r = s.next()
print("1단계를 마친 뒤:", r.state, r.info)
r = s.next()
mon.wait_for(r, "SUCCESS")
print("끝난 뒤:        ", r.state, r.info, "/ 모니터가 본 상태:", mon.task(r.id).state)

# %% [markdown]
# 세 줄에서 세 가지를 알 수 있습니다.
#
# 1. `ignore_result=True`이면 `track_started`도 꺼집니다. 시작한 뒤에도 `PENDING`입니다.
# 2. 그런데 `update_state`는 **그대로 씁니다**. `ignore_result`는 태스크가 끝날 때의 결과만 건너뛰고, 태스크가 직접 부르는
#    `update_state`는 막지 않습니다(Celery 5.7의 `Task.update_state`는 `backend.store_result`를 그냥 부릅니다).
# 3. 그래서 끝난 뒤에도 결과 백엔드에는 **마지막 `PROGRESS`가 남습니다**. 이 결과로는 태스크가 끝났는지 영영 알 수 없습니다.
#
# 진행 상황을 쓰지 않는 태스크라면 `ignore_result=True`일 때 끝난 뒤에도 `PENDING`입니다.

# %%
from labtasks.tasks import add

r = add.apply_async((2, 3), ignore_result=True)
mon.wait_for(r, "SUCCESS")
print("모니터가 본 상태:", mon.task(r.id).state, "/ 결과 백엔드의 상태:", r.state)

# %% [markdown]
# 진행 상황을 알리는 태스크에는 `ignore_result=True`를 달지 마세요. 결과가 필요 없더라도 끝났다는 사실(`SUCCESS`)은 남겨야 진행 상황을
# 읽는 쪽이 기다리기를 멈출 수 있습니다.
#
# ## 2. 살아 움직이는 진행 막대
#
# `r.state`를 짧은 간격으로 계속 읽으면(폴링, polling) 읽을 때마다 결과 백엔드에 요청이 갑니다. 보는 사람이 많을수록 요청도 늘어납니다.
# 더 나은 방법은 알림을 **받는** 것입니다. 그런데 `update_state`는 이벤트를 보내지 않습니다. 그래서 `report`는
# `self.send_event("task-progress", current=…, total=…)`로 **사용자 정의 이벤트**도 보냅니다. 워커의 다른 이벤트처럼 브로커를 거쳐
# 모니터(03장의 `lab.monitor()`)와 Flower에 갑니다. `crunch`는 단계마다 0.1초 일하고 `report`를 부르는 태스크입니다.

# %%
print(inspect.getsource(progress.crunch))

# %% [markdown]
# 짧은 `crunch` 하나가 끝날 때까지 모니터가 받은 이벤트를 차례대로 봅니다.

# %%
print(progress.event_types(lambda: progress.crunch.delay(3, 0.05), mon))

# %% [markdown]
# `progress.Bar`는 이 이벤트로 움직이는 진행 막대입니다. 그 태스크의 `task-progress`와 끝 이벤트(`task-succeeded`, `task-failed`,
# `task-revoked`)가 올 때마다 막대를 고치되, 07장의 실시간 보드처럼 다시 그리기는 0.2초에 한 번으로 묶습니다(스로틀링, throttling).
# 이벤트가 쏟아져도 브라우저가 버벅이지 않습니다.
# 아래 셀을 실행하면 막대가 2초 동안 차오릅니다.

# %%
막대 = progress.Bar(progress.crunch.delay(20, 0.1), mon, title="crunch 20단계")
막대

# %% [markdown]
# `wait()`는 태스크가 끝날 때까지 기다립니다(이것도 이벤트를 기다립니다). 막대는 단계마다가 아니라 0.2초마다 다시 그려졌고,
# 값은 줄어든 적이 없습니다.

# %%
막대.wait()
print(막대.summary())
print("다시 그린 횟수가 단계 수(20)보다 적은가:", len(막대.drawn) < 20, "/ 값이 줄어든 적이 없는가:", 막대.drawn == sorted(막대.drawn))

# %% [markdown]
# ### `group`의 진행 막대
#
# `group`(04장)은 `GroupResult`를 돌려줍니다. `completed_count()`는 성공한 태스크 수입니다. `progress.GroupBar`는 그 수로 막대를 채우고,
# 옆에는 모든 태스크의 단계를 합친 진행률을 씁니다. 다시 그릴 때만 `completed_count()`를 부르니(태스크마다 결과 백엔드를 한 번 읽습니다)
# 이것도 0.2초에 한 번으로 묶는 것이 중요합니다.
#
# `group`을 보내기 전에 03장의 지도(`lab.map()`)를 띄워 둡니다. 지도는 브로커의 큐마다 기다리는 메시지, 워커마다 실행 중인 태스크,
# 결과 백엔드에 보관된 결과 수를 보여 주고, 모니터가 이벤트를 받을 때마다 다시 그려집니다. 지금은 `celery` 큐가 비었고 `w1`은 쉬고 있습니다.

# %%
지도 = lab.map()
지도

# %%
from celery import group

묶음 = group(progress.crunch.s(5, 0.1) for _ in range(6))()
그룹_막대 = progress.GroupBar(묶음, mon, title="crunch 6개")
그룹_막대

# %% [markdown]
# 막대가 차는 동안 위의 지도를 보면 `w1`의 "실행 중인 태스크"에 `crunch`가 나타납니다. 동시성이 2이니 한 번에 많아야 `crunch ×2`입니다.
# `celery` 큐의 대기 메시지는 0에서 거의 움직이지 않습니다. 워커는 메시지를 미리 받아 두므로(prefetch, 기본값은 동시성 × 4 = 8개)
# 여섯 메시지는 큐에 머물지 않고 곧바로 워커로 갑니다.

# %%
그룹_막대.wait()
print(그룹_막대.summary(), "/ completed_count():", 묶음.completed_count())

# %% [markdown]
# 그룹이 끝난 뒤의 지도를 글자로 찍어 봅니다. `지도.wait("celery", 0)`은 `celery` 큐의 대기 메시지가 0개로 보일 때까지 지도를 다시 읽습니다.

# %%
지도.wait("celery", 0)
print(지도)

# %% [markdown]
# `celery` 큐는 비어 있고 `w1`의 실행 중인 태스크도 다시 "없음"입니다. 여섯 태스크는 모두 끝났고, 그 결과는 결과 백엔드의 보관 중인 결과 수에 더해졌습니다.
# 다른 큐(`db`, `high_priority`, `low_priority`)는 `task_routes`에 적혀 있어 목록에 나오지만, 이 장의 워커는 소비하지 않습니다.

# %% [markdown]
# ### 터미널에서는 tqdm
#
# 같은 진행 상황을 터미널에서는 [tqdm](https://tqdm.github.io/) 막대로 볼 수 있습니다. `progress.follow(r, bar="tqdm")`은 모니터의
# 이벤트가 올 때마다 tqdm 막대를 고쳐 그리고, 태스크가 끝나면 돌아옵니다. 터미널에서는 이렇게 씁니다.
#
# ```python
# from labtasks import lab
# from labtasks.chapters import progress
# lab.up(); lab.worker("w1")
# progress.follow(progress.crunch.delay(20, 0.1), bar="tqdm")
# ```
#
# 노트북에서는 tqdm이 다시 그린 화면을 모두 문자열에 받아 두고, 그린 횟수와 마지막 화면만 봅니다.
# (`bar="widget"`이면 위의 위젯 막대를 보여 주고 끝날 때까지 기다립니다.)

# %%
import io

화면 = io.StringIO()
progress.follow(progress.crunch.delay(8, 0.05), bar="tqdm", file=화면, title="crunch")
그린_화면 = [f for f in 화면.getvalue().split("\r") if f.strip()]
print("여러 번 고쳐 그렸는가:", len(그린_화면) > 2)
print(그린_화면[-1].strip())

# %% [markdown]
# ## 3. 진행 상황을 알리는 비용
#
# 진행 상황 한 번은 공짜가 아닙니다. Redis 결과 백엔드에서 `update_state` 한 번은
#
# - 지금 저장된 상태를 읽고(`GET`, 이미 `SUCCESS`면 덮어쓰지 않으려고),
# - 새 상태를 쓰고 그 키를 기다리는 쪽에 알립니다(`SETEX`와 `PUBLISH`를 한 번에).
#
# 결과 백엔드까지 두 번 다녀오는 셈입니다. `send_event`는 브로커에 메시지를 하나 더 보냅니다.
# `updates(n)`은 다른 일 없이 진행 상황만 `n`번 연달아 쓰고, 거기에 든 시간을 태스크 안에서 재어 돌려줍니다.
# `progress.measure_cost()`는 `n`을 0, 50, 200, 400으로 바꿔 가며, 이벤트 없이와 이벤트와 함께 각각 두 번씩 `updates`를 보내고
# 빠른 쪽을 씁니다(컴퓨터가 잠깐 바쁘면 한 번이 느려질 수 있습니다).

# %%
print(inspect.getsource(progress.updates))
비용 = progress.measure_cost()

# %% [markdown]
# 잰 시간은 컴퓨터와 그때의 부하에 따라 달라집니다. 그래프로 모양을 보고, 실행마다 같은 뜻은 아래 셀에서 확인합니다.

# %%
fig = progress.plot(비용)

# %%
per_update, per_event_update = 비용.per_update(), 비용.per_update(event=True)
print("업데이트가 많을수록 오래 걸리는가:", 비용[400, False] > 비용[50, False] > 비용[0, False])
print("이벤트까지 보내면 업데이트 한 번이 10 ms보다 짧은가:", per_event_update < 0.01)
print("초당 10번 알리면 태스크 시간의 10%보다 적게 드는가:", 10 * per_event_update < 0.1)

# %% [markdown]
# 업데이트 한 번은 1 ms 안팎이거나 그보다 짧습니다(위 그래프에서 400번에 든 시간을 400으로 나눈 값). 이벤트까지 보내면 브로커에 메시지를 하나 더 보내므로 더 듭니다. 한 단계가 1 ms도 안 걸리는 반복문에서 단계마다 알리면 진행 상황을 알리는 데 일하는 것보다 더 많은
# 시간을 쓰게 됩니다. 보는 사람도 1초에 몇 번 이상의 변화는 알아채지 못합니다(막대는 어차피 0.2초에 한 번 다시 그립니다). 그러니
#
# - **0.5~1초에 한 번**, 또는 **전체의 1%마다** 한 번처럼, 알리는 빈도를 일의 양이 아니라 시간에 맞추세요.
#   예: `if time.monotonic() - 지난번 >= 0.5 or i == total: report(...)`
# - 태스크가 수천 개씩 동시에 돈다면 그 곱이 결과 백엔드와 브로커에 갑니다. 진행 상황이 꼭 필요한 태스크에만 다세요.
#
# ## 4. 막대에서 취소하기
#
# 막대의 **취소** 버튼은 `r.revoke(terminate=True)`를 부릅니다. 09장의 `revoke()`는 아직 실행되지 않은 태스크만 취소하지만,
# `terminate=True`를 주면 워커가 **이미 실행 중인** 태스크도 멈춥니다. `prefork` 풀에서는 그 태스크를 실행하는 자식 프로세스에 (운영체제) 신호
# (기본값 `SIGTERM`)을 보내 프로세스째 끝내고, 새 자식 프로세스를 띄웁니다.
#
# 30단계(3초)짜리 태스크를 보내고, 3단계까지 간 것을 이벤트로 확인한 뒤 코드로 버튼을 누릅니다. 직접 해 보려면 막대의 취소 버튼을 누르세요.

# %%
취소_막대 = progress.Bar(progress.crunch.delay(30, 0.1), mon, title="취소해 볼 crunch")
취소_막대

# %%
취소_막대.wait_progress(3)
취소_막대.cancel_button.click()
취소_막대.wait()
r = 취소_막대.result
current, total = 취소_막대.position()
print("막대:", 취소_막대.state(), "/ 결과 백엔드:", r.state, repr(r.info))
print("3단계 이상 가고, 끝까지는 가지 않았는가:", 3 <= current < total)

# %% [markdown]
# 주의할 점이 있습니다.
#
# - **모니터의 상태는 `PROGRESS`로 남습니다.** 03장의 모니터와 Flower가 쓰는 Celery의 이벤트 상태(`celery.events.State`)는
#   `task-progress` 같은 사용자 정의 `task-…` 이벤트를 그 이름의 상태(`PROGRESS`)로 보고, 정해진 순서상 `REVOKED`보다 **나중**
#   상태로 여깁니다. 그래서 뒤에 온 `task-revoked`를 "앞서 일어난 일"로 취급해 상태를 바꾸지 않습니다. 취소되었는지는 결과 백엔드(`r.state`)나
#   `task-revoked` 이벤트 자체로 판단하세요. `progress.Bar`는 이벤트를 직접 봅니다.

# %%
print("모니터가 본 상태:", mon.task(r.id).state)

# %% [markdown]
# - `terminate=True`는 **프로세스**에 신호를 보냅니다. 그 태스크가 막 끝나고 같은 프로세스가 다음 태스크를 시작했다면 엉뚱한 태스크가
#   죽을 수 있습니다. 정리할 틈도 없습니다. 마지막 수단으로 쓰고, 가능하면 태스크가 단계마다 "그만하라는 표시"(예: Redis 키)를 확인해
#   스스로 멈추게 만드세요.
# - **풀마다 다릅니다.** 자식 프로세스가 없는 풀은 죽일 프로세스가 없습니다. `threads` 워커에 같은 일을 해 봅니다.

# %%
progress.terminate_on(("threads",), mon=mon)

# %% [markdown]
# `threads` 워커는 `NotImplementedError`로 답하고(스레드는 밖에서 멈출 수 없습니다), 태스크는 끝까지 실행되어 `SUCCESS`가 됩니다.
# 같은 실험을 다른 풀에서 하면 이렇습니다(이 표는 Celery 5.7에서 직접 실행해 확인했고, 노트북에서는 시간이 걸려 `threads`만 실행합니다).
#
# | 풀 | `revoke(terminate=True)` | 최종 상태 |
# |---|---|---|
# | `prefork` | 자식 프로세스에 신호, 프로세스째 끝남 | `REVOKED` |
# | `threads` | `NotImplementedError`, 태스크는 계속 실행 | `SUCCESS` |
# | `gevent` | 그 그린렛(greenlet)을 죽임. 다음 양보 지점(I/O, `sleep`)에서 멈추므로, 양보하지 않는 계산은 멈추지 못함 | `REVOKED` |
# | `solo` | 워커 자신이 태스크를 실행하느라 명령을 읽지 못함. 태스크가 끝난 뒤에 읽음 | `SUCCESS` |

# %% [markdown]
# ## 정리
#
# - 태스크 안에서 `self.update_state(state="PROGRESS", meta={...})`로 쓰고, `AsyncResult.state`와 `.info`로 읽는다. 끝나면 `info`는 돌려준 값이다.
# - `track_started=True`(또는 `task_track_started`)여야 실행 중인 태스크가 `STARTED`로 보인다.
# - `ignore_result=True`는 `STARTED`와 최종 결과를 쓰지 않지만 `update_state`는 막지 않는다. 끝난 뒤에도 `PROGRESS`가 남으니 진행 상황을 알리는 태스크에는 쓰지 않는다.
# - `update_state`는 이벤트를 보내지 않는다. `self.send_event("task-progress", ...)`를 보내면 모니터의 리스너로 막대를 움직일 수 있고, 다시 그리기는 묶는다(0.2초).
# - `group`이 도는 동안 `lab.map()`의 지도에서 워커가 실행 중인 태스크를 본다. 끝난 뒤에는 큐가 비고 워커는 쉰다.
# - 진행 상황 한 번은 결과 백엔드 왕복 두 번(이벤트면 브로커 메시지 하나 더)이다. 0.5~1초에 한 번이면 충분하다.
# - 막대의 취소는 `revoke(terminate=True)`다. `prefork`와 `gevent`에서만 실행 중인 태스크를 멈추고, 상태는 `REVOKED`가 된다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 실제 워커와 결과 백엔드에서 돌려 보고 판정합니다. 어떻게 판정하는지는 `labtasks/checks/ch11.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch11 as 확인

# %% [markdown]
# **연습 1.** `AsyncResult`를 받아 진행률을 0과 1 사이의 숫자로 돌려주는 함수를 만들어 `답`에 넣으세요. 아직 시작하지 않았거나
# 시작만 한 태스크는 0, 진행 중인 태스크는 `current / total`, 성공한 태스크는 1입니다.
# 확인 셀은 몇 단계인지 미리 알려 주지 않는 `stepper`를 한 단계씩 진행시키며 상태마다 함수를 불러 봅니다. 상태마다 `info`에 무엇이 들어 있는지 1절을 다시 보세요.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 진행률(result):
    if result.state == "PROGRESS":
        return result.info["current"] / result.info["total"]
    return 1.0 if result.successful() else 0.0


답 = 진행률
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 20단계짜리 `crunch`(`progress.crunch.delay(20, 0.1)`)를 보내고, **두 단계 이상 진행된 뒤에** 취소해서 최종 상태가
# `REVOKED`가 되게 하세요. 그 결과를 `답`에 넣습니다. 진행된 것은 `progress.Bar`로 기다릴 수 있습니다.
# 확인 셀은 모니터로 그 태스크가 실제로 시작해 몇 단계까지 진행했는지(`task-progress` 이벤트), 결과 백엔드로 최종 상태를 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = progress.crunch.delay(20, 0.1)
progress.Bar(답, mon, title="연습 2").wait_progress(2).cancel()
확인.연습_2(답)

# %%
lab.down()
