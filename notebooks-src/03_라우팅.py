# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F03_%EB%9D%BC%EC%9A%B0%ED%8C%85.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/03_%EB%9D%BC%EC%9A%B0%ED%8C%85.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 03. 라우팅
#
# ## 학습 목표
#
# - 라우팅(routing)이 무엇이고 왜 필요한지, 큐(queue)와 워커(worker)를 어떻게 짝지우는지 설명할 수 있다.
# - `task_routes`로 태스크를 큐에 배정하고, 태스크에 이름(`name=`)을 직접 붙여야 하는 이유를 안다.
# - 큐마다 워커를 따로 띄우면 급한 태스크가 밀리지 않는다는 것을 타임라인으로 확인한다.
# - `apply_async(queue=…)`로 한 번의 호출만 다른 큐로 보내고, 가이드의 `queue='urgent_call'`이 왜 틀렸는지 실행해서 본다.
# - 라우터 함수로 인자에 따라 큐를 고르는 동적 라우팅을 쓴다.
# - 워커 이름이 겹치면 무슨 일이 생기는지(가이드의 "pid가 겹친다"는 설명이 왜 틀렸는지) 실행해서 본다.
#
# **준비물**: 02장(기본 사용법)을 마친 상태. 이 장의 태스크는 `labtasks/tasks/routing.py`에 있습니다.

# %% [markdown]
# 먼저 브로커와 결과 백엔드를 준비하고, 태스크의 상태 변화를 지켜볼 **모니터**를 켭니다. 모니터는 Flower와 같은 방식으로
# 커널의 백그라운드 스레드에서 워커가 보내는 이벤트(받음, 시작, 성공 …)를 모읍니다. 표와 타임라인은 이 기록으로 그립니다.

# %%
import time

from labtasks import app, lab
from labtasks.chapters import queues
from labtasks.chapters.views import summary, timeline
from labtasks.tasks import add, call, normal_call, urgent_call

lab.up()
mon = lab.monitor()
lab.check()

# %% [markdown]
# ## 1. 왜 라우팅이 필요한가
#
# 태스크는 성격이 제각각입니다. 오래 걸리는 것, 금방 끝나는 것, 계산이 많은 것, 외부 API를 기다리는 것,
# 그리고 무엇보다 먼저 처리해야 하는 것. 워커 하나가 이 모두를 한 줄로 받으면, 급한 태스크도 앞선 태스크들이 끝날 때까지 기다립니다.
#
# 그래서 태스크마다 **큐**를 정해 두고(라우팅), 큐마다 그 일에 맞는 워커를 따로 띄웁니다.
# 가이드의 예는 두 가지입니다.
#
# | 태스크 | 큐 | 그 큐를 맡는 워커 |
# |---|---|---|
# | `normal_call` (일반 태스크) | `low_priority` | `worker.low_priority` |
# | `urgent_call` (긴급 태스크) | `high_priority` | `worker.high_priority` |

# %% [markdown]
# ## 2. `task_routes`와 태스크 이름
#
# 라우팅 규칙은 앱 설정 `task_routes`에 적습니다(`labtasks/app.py`). 규칙은 **태스크 이름**으로 찾습니다.

# %%
app.conf.task_routes

# %% [markdown]
# 맨 앞의 문자열은 뒤의 6절에서 다룰 라우터 함수이고, 그다음 딕셔너리가 가이드와 같은 규칙입니다.
# 마지막 규칙은 6장의 태스크를 모두 `db` 큐로 보냅니다. 이처럼 이름 자리에 `*`를 쓴 글롭(glob) 패턴도 됩니다.
# 태스크 쪽은 가이드처럼 `@app.task(name='normal_call')`로 이름을 직접 붙였습니다. 이름을 붙이지 않으면 Celery는
# `모듈 경로.함수 이름`을 이름으로 씁니다. 02장의 `add`와 비교해 봅시다.

# %%
for task in (normal_call, urgent_call, add):
    print(task.name)

# %% [markdown]
# `add`의 이름은 `labtasks.tasks.basics.add`이므로 규칙에 `'add'`라고 적으면 맞지 않습니다. 이름을 직접 붙이면
# 파일을 옮기거나 모듈 이름을 바꿔도 규칙이 그대로 맞습니다. 가이드가 "task의 이름을 꼭 지정해줘야 한다"고 한 까닭입니다.
#
# 라우팅은 **보내는 쪽**(이 커널)에서 결정된다는 점을 기억해 두세요. 보내는 쪽이 `task_routes`를 보고 메시지를 어느 큐에 넣을지
# 정하고, 워커는 자기가 맡은 큐에서 꺼내 갈 뿐입니다. 규칙에 없는 태스크(`add`처럼)는 기본 큐로 갑니다.

# %%
app.conf.task_default_queue

# %% [markdown]
# 메시지가 실제로 어느 큐에 들어갔는지는 보낸 다음에 확인합니다. 이 장의 태스크는 워커가 받은 메시지의 배달 정보
# (`self.request.delivery_info`)에서 큐 이름을 꺼내 결과로 돌려주므로, 4절에서 결과를 열어 보면 보입니다.
#
# > 가이드의 `worker.py`에는 `'imports': ('tasks')`도 있습니다. 이것이 튜플이 아니라 문자열이라는 정오표는 02장에서 다뤘습니다.
# > 이 강좌는 `include=["labtasks.tasks"]`로 태스크 모듈을 불러옵니다.

# %% [markdown]
# ## 3. 큐마다 워커 하나씩
#
# 가이드는 워커 두 개를 띄우면서 `--queues`(`-Q`)로 맡을 큐를, `--hostname`(`-n`)으로 서로 다른 이름을 줍니다.
# 같은 컴퓨터에서 이름이 겹치면 워커끼리 구별되지 않기 때문입니다. `%h`는 컴퓨터 이름으로 바뀝니다.
#
# 가이드의 Celery 4 명령(`celery worker --app=worker.app …`)은 Celery 5에서 동작하지 않습니다(01장 정오표).
# Celery 5 형식은 이렇습니다.
#
# ```
# celery -A worker.app worker --hostname=worker.low_priority@%h --queues=low_priority -l INFO
# celery -A worker.app worker --hostname=worker.high_priority@%h --queues=high_priority -l INFO
# ```
#
# 노트북에서는 `lab.worker()`가 같은 워커를 띄웁니다. 차이가 잘 보이도록 두 워커 모두 동시성 1로 띄웁니다.

# %%
w_low = lab.worker("worker.low_priority", queues=["low_priority"], concurrency=1)
w_high = lab.worker("worker.high_priority", queues=["high_priority"], concurrency=1)
print(w_low.spec.command())
print(w_high.spec.command())

# %% [markdown]
# 실제로 어느 워커가 어느 큐를 소비하는지 워커들에게 직접 물어봅시다(`celery inspect active_queues`와 같은 질문입니다).

# %%
nodes = [w_low.nodename, w_high.nodename]
replies = app.control.inspect(destination=nodes, limit=len(nodes), timeout=10).active_queues() or {}
for node, qs in sorted(replies.items()):
    print(node, "→", [q["name"] for q in qs])

# %% [markdown]
# 큐와 워커의 짝은 **지도**로 한눈에 볼 수 있습니다. `lab.map()`은 브로커의 큐마다 기다리는 메시지 수와 그 큐를 소비하는 워커,
# 워커마다 소비하는 큐와 지금 실행 중인 태스크, 그리고 결과 백엔드에 보관된 결과 수를 보여 줍니다. 큐 목록은 기본 큐(`celery`),
# `task_routes`에 적힌 큐, 워커가 소비하는 큐로 만듭니다. 지도는 모니터가 이벤트를 받을 때마다(워커가 2초마다 보내는 heartbeat도 이벤트입니다) 새로 그려집니다.
# 4절에서 태스크를 보내는 동안 이 지도를 보면 `low_priority` 큐에 메시지가 쌓였다가 줄어드는 것이 보입니다.

# %%
지도 = lab.map()
지도

# %% [markdown]
# `celery`와 `db` 큐에는 소비하는 워커가 없습니다. 이 장에서는 그 큐로 태스크를 보내지 않으니 괜찮습니다.

# %% [markdown]
# ### 정오표: 워커 이름이 겹치면 "pid가 겹친다"?
#
# 가이드는 워커를 여러 개 띄우면 "pid가 겹친다고 에러가 뜨는데", 그래서 `--hostname`으로 이름을 준다고 설명합니다. 실제로는 둘이 서로
# 다른 문제입니다. 직접 확인하려고 `plain_worker`로 이 커널에서 `celery -A labtasks worker` 명령을 그대로 띄웁니다.
# (실습용 큐 `dup_demo`만 소비하므로 앞의 두 워커가 받을 태스크를 가져가지 않습니다. 출력은 로그 파일로 갑니다.)

# %%
import warnings

from labtasks.chapters.routing import log_lines, plain_worker

# %% [markdown]
# 먼저 `worker.low_priority`와 **같은 이름**(`-n`)으로 워커를 하나 더 띄우고, 이 커널에서 모든 워커에게 `ping`을 보냅니다.
# 무슨 일이 생기는지는 브로커에 따라 다릅니다.
#
# - **Redis**(이 강좌의 내장 브로커): 두 번째 워커도 문제없이 뜹니다. `ping`에 같은 이름으로 답이 두 개 와서 Celery가
#   `DuplicateNodenameWarning` 경고를 낼 뿐입니다(아래 출력).
# - **RabbitMQ**: 두 번째 워커가 시작하다가 끝납니다. 원격 제어 명령을 받는 큐 `이름.celery.pidbox`를 첫 워커가 독점하고 있어서
#   `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'worker.low_priority@….celery.pidbox'` 에러가 납니다.
#
# 셀 끝의 `assert`는 둘 중 하나가 일어났는지 확인합니다.

# %% tags=["nbval-ignore-output"]
dup, dup_log = plain_worker("dup.log", "-n", w_low.nodename)
with warnings.catch_warnings(record=True) as caught:  # Celery의 경고를 모아 둡니다
    warnings.simplefilter("always")
    app.control.inspect(timeout=3, limit=3).ping()  # 워커 셋의 답이 오면 곧바로 끝
print("두 번째 워커가 떴나:", dup.poll() is None)
for warning in caught:
    print(type(warning.message).__name__, ":", warning.message)
locked = log_lines(dup_log, "RESOURCE_LOCKED")
for line in locked:
    print(line)
warned = any(type(w.message).__name__ == "DuplicateNodenameWarning" for w in caught)
assert (dup.poll() is None and warned) or locked

# %% [markdown]
# 어느 쪽이든 "pid" 이야기는 없습니다. 두 번째 워커에 멈추라고 알립니다(이미 끝났다면 그대로 둡니다).

# %%
print("로그에 pid 파일 에러가 있나:", bool(log_lines(dup_log, "Pidfile")))
dup.terminate()

# %% [markdown]
# 이름이 겹치면 Redis에서는 원격 제어(`inspect`, `ping`)나 모니터링에서 두 워커가 구별되지 않고, RabbitMQ에서는 두 번째 워커가 뜨지
# 못합니다. 그래서 이름은 꼭 다르게 줍니다. 가이드가 본 "pid" 에러는 **pid 파일**(`--pidfile`) 때문입니다. 워커는 pid 파일을 주었을 때만 만들고,
# 그 파일이 이미 있으면(다른 워커가 쓰는 중이면) 시작하지 않고 끝납니다. 이름이 달라도 마찬가지입니다.

# %%
pidfile = dup_log.parent / "worker.pid"  # 이 커널의 실행 폴더(lab.down()이 지움)
first, _ = plain_worker("first.log", "-n", "pid_a@%h", f"--pidfile={pidfile}")
second, second_log = plain_worker("second.log", "-n", "pid_b@%h", f"--pidfile={pidfile}")
print("두 번째 워커의 종료 코드:", second.wait(timeout=30))
print("\n".join(log_lines(second_log, "Pidfile", "already running")))

first.terminate()
dup.wait(timeout=30)  # 앞에서 멈추라고 한 워커도 끝납니다
print("첫 번째 워커의 종료 코드:", first.wait(timeout=30))

# %% [markdown]
# 정리하면, 같은 컴퓨터에서 워커 여러 개를 띄울 때 `-n`(`--hostname`)으로 이름을 다르게 주는 것은 워커를 구별하려는 것이고,
# `--pidfile`을 쓴다면 워커마다 다른 파일을 줘야 합니다(예: `--pidfile=%n.pid`, `%n`은 워커 이름).

# %% [markdown]
# ## 4. 열 개씩 보내고 타임라인으로 보기
#
# 가이드의 요청 코드 그대로, 일반 태스크와 긴급 태스크를 번갈아 열 개씩 보냅니다. `normal_call`은 0.2초, `urgent_call`은 0.05초
# 걸리는 일을 합니다.

# %%
def make_request(n):
    results = []
    for _ in range(n):
        results.append(normal_call.apply_async())
        results.append(urgent_call.apply_async())
    return results


t0 = time.time()
results = make_request(10)
mon.wait_all(results, timeout=60)
summary(mon, since=t0)

# %% [markdown]
# 요약표의 마지막 열은 첫 태스크를 보낸 뒤 그 종류가 모두 끝나기까지 걸린 시간입니다(실행마다 조금씩 다릅니다).
# 타임라인은 워커마다 한 줄, 태스크마다 막대 하나(시작부터 끝까지)를 그리고, 색은 태스크 이름입니다.

# %%
timeline(mon, since=t0, title="큐마다 워커 하나")

# %% [markdown]
# `worker.high_priority`의 줄에는 짧은 `urgent_call` 막대가 맨 앞에 모여 있습니다. 일반 태스크가 아무리 쌓여 있어도 긴급 태스크는
# 자기 큐를 맡은 워커가 곧바로 처리합니다. 같은 시간 동안 `worker.low_priority`는 일반 태스크를 하나씩 처리합니다.
#
# 결과에는 메시지가 어느 큐에서 왔고(`delivery_info`의 `routing_key`) 어느 워커가 처리했는지 담아 두었습니다.

# %%
print(results[0].get(timeout=10))
print(results[1].get(timeout=10))

# %% [markdown]
# ## 5. 한 번의 호출만 다른 큐로: `apply_async(queue=…)`
#
# 태스크 하나를 상황에 따라 다른 큐로 보내야 할 때는 호출할 때 `queue=`에 **큐 이름**을 줍니다. 호출 때 준 값이 `task_routes`보다 우선합니다.

# %%
normal_call.apply_async(queue="high_priority").get(timeout=10)

# %% [markdown]
# ### 정오표: `apply_async(queue='urgent_call')`
#
# 가이드는 이 자리에 `apply_async(queue='urgent_call')`라고 씁니다. 그러나 `queue=`는 큐 이름을 받습니다. `urgent_call`은 태스크
# 이름이지 큐 이름이 아니므로, Celery는 `urgent_call`이라는 **새 큐**를 만들어 메시지를 넣습니다. 그 큐를 소비하는 워커는 없습니다.
# 직접 보내 보고, 0.5초 뒤의 상태와 브로커에 있는 그 큐의 길이를 봅시다.
# (`queues.length()`는 브로커에 큐의 메시지 수를 묻습니다. Redis와 RabbitMQ에서 똑같이 동작합니다.)

# %%
queues.purge("urgent_call")  # 앞선 실행이 남긴 메시지가 있으면 버리고 시작

wrong = urgent_call.apply_async(queue="urgent_call")
time.sleep(0.5)
print("상태:", wrong.state)
print("모니터가 본 상태:", mon.wait_for(wrong, "PENDING").state, "(보냄 이벤트만 있고 받은 워커가 없음)")
print("urgent_call 큐의 메시지 수:", queues.length("urgent_call", wait_for=1))

# %% [markdown]
# 3절의 지도로 보면 한눈에 보입니다. 지도는 보냈지만 아무 워커도 받지 않은 태스크가 간 큐도 목록에 넣습니다. 아래 셀의 `wait()`는
# 그 큐에 메시지 1개가 보일 때까지 지도를 다시 읽습니다(RabbitMQ는 방금 들어온 메시지를 조금 늦게 셉니다). 위쪽 3절의 지도도 같은 모습으로 바뀌어 있습니다.

# %%
지도.wait("urgent_call", 1)
print(지도)

# %% [markdown]
# `urgent_call` 큐에는 메시지 1개가 기다리는데, 그 큐를 소비하는 워커는 "없음"입니다. 두 워커는 각자의 큐만 소비하고 쉬고 있습니다.
# 결과 백엔드에는 4절과 5절에서 끝난 태스크의 결과가 있을 뿐, 이 태스크의 결과는 없습니다(공용 백엔드라면 다른 실행의 결과도 셉니다).
# 태스크는 `PENDING`에 머물고, 워커를 `-Q urgent_call`로 띄우지 않는 한 영영 실행되지 않습니다.
# 다음 실행이 깨끗하게 시작하도록 그 큐를 비웁니다(purge).

# %%
print("버린 메시지:", queues.purge("urgent_call"))
print("urgent_call 큐의 메시지 수:", queues.length("urgent_call"))

# %% [markdown]
# 올바른 호출은 큐 이름 `high_priority`를 주는 것입니다.

# %%
urgent_call.apply_async(queue="high_priority").get(timeout=10)

# %% [markdown]
# ## 6. 동적 라우팅: 라우터 함수
#
# 가이드는 링크로만 소개한 주제입니다. `task_routes`에는 딕셔너리 말고 **함수**도 넣을 수 있습니다. 함수는 태스크를 보낼 때마다
# `(name, args, kwargs, options, task=None, **kw)`를 받아, 보낼 곳(`{"queue": …}`)을 돌려주거나 `None`을 돌려줘 다음 규칙에 맡깁니다.
# 이 강좌의 라우터는 `call` 태스크를 인자 `priority`에 따라 나눕니다.

# %%
import inspect

from labtasks.tasks.routing import priority_router

print(inspect.getsource(priority_router))

# %% [markdown]
# 라우터는 평범한 함수이므로 직접 불러 볼 수 있습니다. Celery가 태스크를 보낼 때 부르는 것과 같은 인자를 줍니다.

# %%
for kwargs in ({}, {"priority": "high"}):
    print(kwargs, "→", priority_router("call", ("김철수",), kwargs, {}))

# %% [markdown]
# 실제로 보내면 인자에 따라 다른 워커가 처리합니다.

# %%
print(call.delay("김철수").get(timeout=10))
print(call.delay("이영희", priority="high").get(timeout=10))

# %% [markdown]
# 라우터는 `task_routes`의 앞에서부터 차례로 물어보고, 처음으로 `None`이 아닌 답을 씁니다. `normal_call`처럼 라우터가 모르는
# 태스크는 `None`을 받아 딕셔너리 규칙으로 넘어갑니다.

# %% [markdown]
# ## 7. 버튼으로 태스크 보내기
#
# 아래 패널의 버튼을 누를 때마다 태스크가 하나씩 갑니다. 아래 표에서 상태가 `PENDING → RECEIVED → STARTED → SUCCESS`로 바뀌고,
# 어느 워커가 처리했는지 보입니다. 표는 모니터가 이벤트를 받을 때마다 새로 그려집니다. (JupyterLab에서 직접 눌러 보세요.)

# %%
from labtasks.chapters.routing import last_finished, routing_panel

panel = routing_panel()
panel

# %% [markdown]
# 버튼은 코드로도 누를 수 있습니다. 일반 태스크 세 번, 긴급 태스크 두 번을 누르고 모두 끝날 때까지 기다립니다. 위 패널의 표도 함께 바뀝니다.

# %%
panel.click("일반 태스크 보내기", n=3)
panel.click("긴급 태스크 보내기", n=2)
print(panel.wait(timeout=30).summary())

# %% [markdown]
# ## 8. 비교: 워커 하나가 두 큐를 모두 맡으면
#
# 라우팅의 효과를 분명히 보려고, 같은 일을 워커 하나(동시성 2, 앞의 두 워커를 합친 만큼)가 두 큐를 모두 맡아 처리하게 해 봅시다.
# 앞의 두 워커는 멈춥니다. docker compose의 워커라면 프로세스는 그대로 두고 큐 소비만 멈춥니다
# (원격 제어 명령 `cancel_consumer`). `lab.down()`이나 같은 `lab.worker()`를 다시 부르면 `add_consumer`로 되돌립니다.

# %%
w_low.stop()
w_high.stop()
w_both = lab.worker("worker.both", queues=["low_priority", "high_priority"], concurrency=2)
print(w_both.spec.command())

# %%
t1 = time.time()
shared = make_request(10)
mon.wait_all(shared, timeout=60)
summary(mon, since=t1)

# %%
timeline(mon, since=t1, title="워커 하나가 두 큐를 모두 맡을 때")

# %% [markdown]
# 이번에는 긴급 태스크의 막대가 일반 태스크 사이사이에 흩어져 있고, 마지막 `urgent_call`은 거의 끝 무렵에야 끝납니다. 워커의 처리
# 능력(프로세스 두 개)은 같은데도, 긴급 태스크가 일반 태스크와 한 줄에 서서 차례를 기다렸기 때문입니다. 4절의 타임라인과 나란히 보면
# 라우팅이 하는 일이 한눈에 보입니다. 두 실행의 '`urgent_call`이 모두 끝난 시점'을 비교해 봅시다.

# %%
dedicated = last_finished(summary(mon, ids=results), "urgent_call")
together = last_finished(summary(mon, ids=shared), "urgent_call")
print(f"큐마다 워커: {dedicated:.2f} s, 워커 하나: {together:.2f} s")

# %% [markdown]
# ## 정리
#
# - 라우팅은 태스크를 큐에 배정하는 일이고, 워커는 `-Q`로 정한 큐만 소비한다. 큐마다 워커를 두면 급한 태스크가 밀리지 않는다.
# - `task_routes`는 태스크 이름으로 규칙을 찾는다. 그래서 태스크에 `name=`을 직접 붙인다.
# - 라우팅은 보내는 쪽에서 정해진다. `apply_async(queue='큐 이름')`이 규칙보다 우선한다.
# - `queue=`에 태스크 이름을 주면 아무도 소비하지 않는 큐가 생기고 태스크는 `PENDING`에 머문다(가이드의 오류).
# - `task_routes`에 라우터 함수를 넣으면 인자에 따라 큐를 고를 수 있다(동적 라우팅). `None`을 돌려주면 다음 규칙으로 넘어간다.
# - 여러 워커는 `-n 이름@%h`로 서로 다른 이름을 준다. Celery 5에서는 `celery -A 앱 worker …` 순서로 쓴다.
# - 이름이 겹치면 Redis에서는 `DuplicateNodenameWarning` 경고만 나고, RabbitMQ에서는 제어 큐(`이름.celery.pidbox`)가 잠겨 두 번째 워커가
#   뜨지 못한다. "pid" 에러는 같은 `--pidfile`을 줄 때만 난다(가이드의 "pid가 겹친다"는 오해).

# %% [markdown]
# ## 연습문제
#
# 연습문제를 풀기 전에, 4절처럼 큐마다 워커를 하나씩 다시 띄우고 확인 모듈을 불러옵니다. 각 연습의 확인 셀은 `확인.연습_N(답)`을
# 부릅니다. 확인이 어떻게 판단하는지는 `labtasks/checks/ch03.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch03 as 확인

w_both.stop()
w_low = lab.worker("worker.low_priority", queues=["low_priority"], concurrency=1)
w_high = lab.worker("worker.high_priority", queues=["high_priority"], concurrency=1)

# %% [markdown]
# **연습 1.** 아래 네 호출이 각각 어느 큐로 가는지 딕셔너리 `답`에 적으세요. 키는 `"normal_call"`, `"urgent_call"`, `"call()"`,
# `"call(priority='high')"`이고, 값은 큐 이름입니다. 확인 셀은 네 호출을 실제로 보내고, 태스크가 돌려준 큐 이름과 비교합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = {
    "normal_call": "low_priority",
    "urgent_call": "high_priority",
    "call()": "low_priority",
    "call(priority='high')": "high_priority",
}
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `task_routes`는 `urgent_call`을 `high_priority`로 보냅니다. 이번 한 번만 `urgent_call`을 `low_priority` 큐로 보내고,
# 호출이 돌려준 결과(`AsyncResult`)를 `답`에 담으세요. 확인 셀은 모니터에게 어느 워커가 처리했는지 묻습니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = urgent_call.apply_async(queue="low_priority")
확인.연습_2(답)

# %% [markdown]
# **연습 3.** 가이드의 실수를 재현해 봅시다. 가이드처럼 `queue=`에 태스크 이름을 주어 `urgent_call`을 보내고, 결과를 `답`에 담으세요.
# 확인 셀은 아무 워커도 그 태스크를 받지 않았는지(모니터), 메시지가 정말 `urgent_call` 큐에서 기다리는지(`queues.length()`로
# 브로커에게) 확인합니다. 답 셀을 여러 번 실행해도 괜찮습니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = urgent_call.apply_async(queue="urgent_call")
확인.연습_3(답)

# %% [markdown]
# 연습 3이 남긴 메시지는 버리고, 이 커널이 띄운 것(워커, 모니터, 내장 Redis)을 모두 멈춥니다.

# %%
queues.purge("urgent_call")
panel.close()
lab.down()
