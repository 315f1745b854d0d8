# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F09_%EC%8B%A4%ED%8C%A8%EC%99%80_%EC%9E%AC%EC%8B%9C%EB%8F%84.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/09_%EC%8B%A4%ED%8C%A8%EC%99%80_%EC%9E%AC%EC%8B%9C%EB%8F%84.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 09. 실패와 재시도
#
# ## 학습 목표
#
# - 태스크 안에서 난 예외가 `FAILURE` 상태와 `get()`의 예외로 돌아오는 길을 따라가고, 트레이스백을 읽는다.
# - `autoretry_for`, `retry_backoff`, `max_retries`와 `self.retry(countdown=…)`로 재시도(retry)하고, 시도마다 일어난 일을 모니터로 본다.
# - 소프트/하드 시간 제한(time limit)을 걸고, 소프트 제한은 태스크 안에서 잡아 정리한다.
# - `acks_late`로 "적어도 한 번" 전달을 만들고, 워커를 `SIGKILL`로 죽여도 태스크가 끝까지 실행되는 것을 확인한다. 그 대가로
#   같은 태스크가 두 번 실행될 수 있으니 태스크를 멱등(idempotent)하게 만든다.
# - `revoke`, 결과 만료(`result_expires`), 태스크 안에서 `get()`을 부르면 안 되는 이유를 안다.
#
# **준비물**: 02장(`AsyncResult`), 03장(모니터), 08장(풀).
#
# 이 장의 태스크는 `labtasks/tasks/failures.py`에, 워커를 죽이고 실행 횟수를 세는 커널 쪽 도구는 `labtasks/chapters/failures.py`에 있습니다.

# %%
from labtasks import lab
from labtasks.chapters import failures
from labtasks.tasks import add

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
mon = lab.monitor()
lab.workers()

# %% [markdown]
# ## 1. 태스크 안의 예외
#
# `divide(1, 0)`은 워커에서 `ZeroDivisionError`를 냅니다. 워커는 예외를 결과 백엔드(result backend)에 `FAILURE`로 기록하고,
# `get()`은 그 예외를 **호출한 쪽에서 다시 일으킵니다**.

# %%
r = failures.divide.delay(1, 0)
try:
    r.get(timeout=10)
except ZeroDivisionError as exc:
    print("get()이 다시 일으킨 예외:", repr(exc))
print("상태:", r.state, "/ failed():", r.failed())

# %% [markdown]
# 예외를 일으키지 않고 받고 싶다면 `propagate=False`를 줍니다. 그러면 예외 객체가 값으로 돌아옵니다.
# 워커에서 난 트레이스백(traceback)은 `r.traceback`에 문자열로 남아 있습니다. 마지막 줄에 예외가, 그 위에 예외가 난 코드가 있습니다.

# %%
print(repr(r.get(timeout=10, propagate=False)))
print("\n".join(r.traceback.strip().splitlines()[-3:]))

# %% [markdown]
# ## 2. 재시도
#
# 네트워크처럼 잠깐 실패했다가 다시 되는 일은 재시도하면 됩니다. 방법은 두 가지입니다.
#
# ### 자동 재시도: `autoretry_for`, `retry_backoff`, `max_retries`
#
# `fetch_flaky`는 처음 두 번은 `ConnectionError`를 내고 세 번째에 성공합니다(몇 번째 시도인지는 `self.request.retries`로 압니다).

# %%
import inspect

print(inspect.getsource(failures.fetch_flaky))

# %% [markdown]
# - `autoretry_for=(ConnectionError,)`: 이 예외가 나면 Celery가 알아서 `self.retry()`를 부릅니다.
# - `retry_backoff=True`: 재시도 간격을 1초, 2초, 4초…로 두 배씩 늘립니다(지수 백오프). `retry_jitter=False`로 무작위 흔들기를 껐습니다.
#   실제 서비스에서는 여러 워커가 한꺼번에 다시 몰리지 않도록 켜 두는 편이 좋습니다.
# - `max_retries=3`: 세 번까지 재시도하고, 그래도 실패하면 마지막 예외로 `FAILURE`가 됩니다.
#
# 03장의 모니터(`lab.monitor()`)는 워커가 보내는 이벤트를 모읍니다. 태스크 하나가 시도마다 남긴 이벤트를 모아 봅시다.
# 재시도할 때마다 **같은 태스크 id**로 메시지가 다시 보내지고, 워커가 그것을 다시 받습니다.

# %%
attempts, waits = failures.watch_attempts(mon, lambda: failures.fetch_flaky.delay(failures=2))
print(attempts)
print("실패 뒤 다음 시도까지 기다린 시간(초):", waits)

# %% [markdown]
# ### 직접 재시도: `self.retry(countdown=…)`
#
# 어떤 예외에서, 얼마 뒤에 재시도할지 코드로 정하려면 `bind=True`로 태스크 자신(`self`)을 받아 `self.retry()`를 부릅니다.
# `raise self.retry(...)`처럼 `raise`를 붙이는 것이 관례입니다. `retry()`는 `Retry` 예외를 만들어 태스크를 그 자리에서 끝냅니다.

# %%
print(inspect.getsource(failures.call_api))
print(failures.call_api.delay("안녕하세요", failures=1).get(timeout=10))

# %% [markdown]
# `max_retries`를 넘기면 더 재시도하지 않고, `exc`로 넘긴 마지막 예외로 실패합니다. 0.2초씩 세 번 재시도한 뒤입니다.

# %%
r = failures.call_api.delay("안녕하세요", failures=10)
print(repr(r.get(timeout=15, propagate=False)), r.state)

# %% [markdown]
# ## 3. 시간 제한
#
# - `soft_time_limit`: 시간이 되면 태스크 안에서 `SoftTimeLimitExceeded` 예외가 납니다. 잡아서 정리할 기회가 있습니다.
# - `time_limit`: 시간이 되면 그 태스크를 실행하던 **프로세스를 죽이고** 새 자식 프로세스로 바꿉니다. 정리할 기회가 없습니다.

# %%
print(inspect.getsource(failures.slow_report))
print(failures.slow_report.delay(2).get(timeout=10))

# %% [markdown]
# `stuck`은 하드 제한만 겁니다. `time_limit=0.5`인데 5초를 자려고 하니, 0.5초가 되면 워커가 그 자식 프로세스를 죽입니다.

# %%
print(inspect.getsource(failures.stuck))
print("stuck의 time_limit:", failures.stuck.time_limit, "/ soft_time_limit:", failures.stuck.soft_time_limit)

# %%
r = failures.stuck.delay(5)
print(repr(r.get(timeout=10, propagate=False)))

# %% [markdown]
# 주의: 시간 제한은 `prefork` 풀이 자식 프로세스에 (운영체제) 신호를 보내 구현합니다. 소프트와 하드 제한이 모두 동작하는 것은 `prefork`뿐이고,
# `threads`와 `solo` 풀은 둘 다 무시합니다(`gevent` 풀은 하드 제한만 그린렛 타임아웃으로 지원합니다).
# 같은 `stuck` 태스크를 `threads` 워커에 보내면 0.5초 제한을 무시하고 0.8초를 다 잡니다. 시간 제한이 필요한 태스크는 `prefork` 워커로 보내세요.

# %%
t = lab.worker("nolimit", queues=["nolimit"], pool="threads", concurrency=2)
print(failures.stuck.apply_async((0.8,), queue="nolimit").get(timeout=10))
t.stop()
print("threads 워커를 멈췄습니다.")

# %% [markdown]
# ## 4. 적어도 한 번 전달(at-least-once)
#
# 워커는 브로커에서 받은 메시지를 확인(ack)해야 브로커가 그 메시지를 지웁니다. **언제** 확인하느냐가 문제입니다.
#
# | 설정 | 확인하는 때 | 워커가 실행 중에 죽으면 |
# |---|---|---|
# | 기본값 | 풀의 프로세스가 태스크를 받아 실행을 **시작할 때** | 실행 중이던 태스크는 사라짐 (최대 한 번) |
# | `acks_late=True` | 태스크가 **끝난 뒤** | 브로커가 메시지를 다른 워커에 다시 줌 (적어도 한 번) |
#
# `record_once`는 `acks_late=True`와 `reject_on_worker_lost=True`(설정 이름은 `task_acks_late`, `task_reject_on_worker_lost`)를 단 태스크입니다.
# 뒤의 것은 워커의 자식 프로세스만 죽었을 때도 메시지를 큐로 돌려보내게 합니다. 태스크는 실행될 때마다 Redis에 실행 횟수를 적고,
# 0.3초 일한 뒤 "효과"를 `HSETNX`로 **한 번만** 남깁니다. 그래서 두 번 실행되어도 효과는 하나입니다(멱등).

# %%
print(inspect.getsource(failures._execute_once))

# %% [markdown]
# 실험은 이렇습니다. `prefork -c 2` 워커에 태스크 10개를 보내고, 두 개가 시작되면 커널에서 워커와 그 자식들을 `SIGKILL`로
# 한꺼번에 죽입니다(서버가 꺼지거나 OOM killer가 죽인 것과 같습니다). 그리고 같은 큐에 새 워커를 띄웁니다.
# 이 실험을 `acks_late` 태스크(`record_once`)와 기본값 태스크(`record_once_early_ack`)로 **나란히** 합니다. 태스크마다 큐와 워커가
# 따로 있어서 두 실험은 서로 섞이지 않습니다. 워커 옵션은 다음과 같습니다.

# %%
print(" ".join(failures.CRASH_OPTIONS))

# %% [markdown]
# `--prefetch-multiplier 1`은 워커가 미리 받아 두는 메시지를 줄입니다. `--` 뒤는 설정 덮어쓰기이고, `visibility_timeout`과
# `unacked_`로 시작하는 값들은 브로커가 Redis일 때만 뜻이 있습니다(아래에서 설명합니다). 그중 `unacked_mutex_expire`는 메시지를
# 큐로 돌려놓는 작업을 한 워커만 하게 막는 잠금의 수명입니다. 워커가 그 작업 도중에 죽으면 잠금이 이 시간(기본 5분) 동안 남아
# 아무도 메시지를 돌려놓지 못하므로 3초로 줄였습니다. 기본값 태스크는 결과가 영영 오지 않는 것이 있으니, 남은 태스크가
# 모두 시작되었고 새 워커가 하는 일이 없으면 기다리기를 그만둡니다.

# %%
late, early = failures.crash_runs(failures.record_once, failures.record_once_early_ack, n=10,
                                  kill_after=2)

# %% [markdown]
# 먼저 `acks_late` 태스크입니다.

# %%
print("모든 태스크의 결과가 왔는가:", late["done"] == late["sent"])
print("효과가 태스크마다 정확히 하나인가:", late["effects"] == late["sent"])
print("죽은 워커가 하던 태스크가 다시 실행되었는가:", late["executions"] > late["sent"])

# %% [markdown]
# 자세한 숫자는 죽인 순간에 따라 실행마다 조금씩 다릅니다.

# %% tags=["nbval-ignore-output"]
assert late["lost"] == 0
late

# %% [markdown]
# 이제 기본값(`acks_late` 없음)인 `record_once_early_ack`입니다. 죽는 순간 실행 중이던 태스크는 이미 확인된 뒤라
# 브로커가 다시 주지 않습니다.

# %%
print("결과가 오지 않은 태스크가 있는가:", early["lost"] > 0)
print("다시 실행된 태스크가 없는가:", early["repeated"] == 0)

# %% tags=["nbval-ignore-output"]
assert early["lost"] >= 1
early

# %% [markdown]
# 정리하면, `acks_late`는 태스크를 잃지 않는 대신 **두 번 실행할 수 있습니다**. 그러니 `acks_late` 태스크는 두 번 실행되어도
# 결과가 같게(멱등하게) 만드세요. 결제라면 결제 id로 이미 처리했는지 먼저 확인하고, DB라면 `INSERT … ON CONFLICT DO NOTHING` 같은 방법을 씁니다.
#
# ### Redis 브로커의 `visibility_timeout`
#
# RabbitMQ는 워커의 연결이 끊기는 순간 확인되지 않은 메시지를 큐로 돌려놓습니다. Redis에는 그런 기능이 없어서, Celery(kombu)가
# 가져간 메시지를 따로 적어 두었다가 `visibility_timeout`(기본 1시간)이 지나도록 확인이 없으면 큐로 돌려놓습니다. 그래서
#
# - 기본값 그대로면 죽은 워커의 태스크가 **한 시간 뒤에야** 다시 실행됩니다. 위 실험에서는 1초로 줄였습니다.
# - `acks_late` 태스크가 `visibility_timeout`보다 오래 걸리면, 워커가 멀쩡해도 메시지가 큐로 돌아가 **두 번 실행됩니다**.
# - `countdown`/`eta`를 가진 태스크는 `acks_late`가 **없어도** 마찬가지입니다. 워커는 예약 시각까지 메시지를 확인하지 않고
#   들고 있으므로, 예약 시각이 `visibility_timeout`보다 멀면 브로커가 그 메시지를 큐로 돌려놓고, 워커가 다시 받아 두 번 실행합니다.
#
# 마지막 경우를 직접 봅시다. `visibility_timeout`을 0.7초로 준 워커에 기본값(`acks_late` 없음) 태스크 하나를 `countdown=1.2`로 보내고,
# 실행 횟수를 셉니다. (RabbitMQ는 연결이 살아 있는 동안 메시지를 돌려놓지 않으므로 한 번만 실행됩니다.)

# %% tags=["nbval-ignore-output"]
eta = failures.eta_run(countdown=1.2, visibility_timeout=0.7)
print("Redis 브로커인가:", eta["redis"], "/ 예약 태스크 하나가 실행된 횟수:", eta["runs"])
assert eta["runs"] >= 2 if eta["redis"] else eta["runs"] == 1

# %% [markdown]
# 그래서 `visibility_timeout`은 가장 긴 태스크와 가장 먼 예약 시각보다 넉넉하게 잡으세요.
#
# ## 5. `revoke`, 결과 만료, 태스크 안의 `get()`
#
# ### `revoke`: 아직 실행되지 않은 태스크 취소
#
# 0.5초 뒤에 실행될 태스크를 보내고 곧바로 취소합니다. 취소 요청을 받은 워커는 그 id를 취소 목록에 적고, 결과 백엔드에도 곧바로
# `REVOKED`를 적습니다. 그래서 `get()`은 기다리지 않고 `TaskRevokedError`를 냅니다. 메시지는 차례가 올 때까지 워커가 들고 있다가,
# 차례가 오면 실행하지 않고 버립니다(워커 로그의 `Discarding revoked task`). 모니터는 이때 `task-revoked` 이벤트를 받습니다.
# (취소 목록은 워커의 메모리에 있어서 모든 워커가 재시작하면 잊힙니다. 남기려면 워커에 `--statedb`를 줍니다. 차례가 오기 전에
# 워커가 멈추면 메시지는 큐로 돌아갑니다. 그래서 여기서는 워커가 버릴 때까지 기다립니다.)

# %%
from celery.exceptions import TaskRevokedError

r = add.apply_async((2, 2), countdown=0.5)
r.revoke()
try:
    r.get(timeout=10)
except TaskRevokedError as exc:
    print("get():", type(exc).__name__)
print("결과 백엔드의 상태:", r.state)
print("차례가 온 뒤 모니터가 본 상태:", mon.wait_for(r, "REVOKED", timeout=10).state)

# %% [markdown]
# ### 결과 만료: `result_expires`
#
# 결과 백엔드의 결과는 영원히 남지 않습니다. 이 강좌의 앱은 `result_expires=3600`(1시간)이고, Redis 결과 백엔드는 결과 키에
# 그만큼의 만료 시간(TTL)을 겁니다. 만료되어 지워진 결과는 `PENDING`으로 보입니다. "아직 안 끝났다"와 "결과가 지워졌다"를 구별할 수 없으니,
# 결과를 오래 두어야 한다면 태스크가 DB에 직접 쓰세요.

# %%
from labtasks import app

r = add.delay(1, 1)
r.get(timeout=10)
key = app.backend.get_key_for_task(r.id)
ttl = app.backend.client.ttl(key)
print("result_expires:", app.conf.result_expires, "/ 결과 키의 TTL이 그 이하이고 0보다 큰가:", 0 < ttl <= 3600)
app.backend.client.delete(key)  # 만료된 것처럼 지웁니다
print("지운 뒤의 상태:", app.AsyncResult(r.id).state)

# %% [markdown]
# ### 태스크 안에서 `get()`을 부르지 말 것
#
# `wait_inside`는 태스크 안에서 `add`를 보내고 그 결과를 `get()`으로 기다립니다. 워커가 모두 이런 태스크로 바쁘면 `add`를 실행할
# 프로세스가 남지 않아 서로를 영원히 기다리게 됩니다(교착 상태). 그래서 Celery는 태스크 안의 `get()`을 곧바로 `RuntimeError`로 막습니다.

# %%
print(inspect.getsource(failures.wait_inside))
r = failures.wait_inside.delay(2, 3)
exc = r.get(timeout=10, propagate=False)
print(type(exc).__name__ + ":", str(exc).splitlines()[0])

# %% [markdown]
# 다음 일을 이어 붙이려면 4장의 `chain`이나 콜백(callback)을 쓰세요. 결과를 기다리는 대신 결과가 다음 태스크의 인자로 넘어갑니다.

# %% [markdown]
# ## 정리
#
# - 태스크의 예외는 `FAILURE`로 기록되고 `get()`에서 다시 일어난다. `propagate=False`와 `traceback`으로 살펴본다.
# - 재시도는 `autoretry_for` + `retry_backoff` + `max_retries`, 또는 `raise self.retry(exc=…, countdown=…)`. 같은 태스크 id로 다시 실행된다.
# - `soft_time_limit`는 잡아서 정리할 수 있고, `time_limit`는 프로세스를 죽인다. 둘 다 온전히 동작하는 것은 `prefork` 풀뿐이다.
# - `acks_late=True`(+ `reject_on_worker_lost=True`)면 `SIGKILL`로 워커를 죽여도 모든 태스크가 끝난다. 대신 몇몇은 두 번 실행되니 멱등하게 만든다.
#   기본값에서는 죽는 순간 실행 중이던 태스크가 사라진다. Redis 브로커라면 `visibility_timeout`을 태스크 길이보다 길게 잡는다.
# - `revoke`는 아직 실행되지 않은 태스크를 취소하고, 결과는 `result_expires`가 지나면 사라지며, 태스크 안에서 `get()`은 쓰지 않는다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 실제 워커와 Redis에서 돌려 보고 판정합니다. 어떻게 판정하는지는 `labtasks/checks/ch09.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch09 as 확인

# %% [markdown]
# **연습 1.** 2절의 `call_api`는 `failures`번 실패한 뒤 성공합니다. **재시도를 할 수 있는 만큼 다 하고도 성공하는** 호출을 보내고,
# `.delay(...)`가 돌려준 결과를 `답`에 넣으세요. 확인 셀은 모니터가 본 그 태스크의 최종 상태와 재시도 횟수를 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = failures.call_api.delay("마지막 기회", failures=failures.call_api.max_retries)
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `acks_late` 태스크는 두 번 실행될 수 있고, 두 번째 실행은 다른 워커 프로세스에서 일어날 수도 있습니다.
# 결제 id마다 금액을 **한 번만** 더하는 함수 `apply_payment(redis, account, payment_id, amount)`를 만들어 `답`에 넣으세요.
# 잔액은 Redis 키 `f"{account}:balance"`에 `incrby`로 더합니다. 처리한 결제 id를 어디에 어떻게 적을지는 4절의 `_execute_once`를 참고하세요.
# 확인 셀은 결제 p1(100)을 세 번, p2(50)를 한 번, **각각 다른 프로세스에서 동시에** 실행하고 잔액이 150인지 봅니다.
# 여러 프로세스가 한꺼번에 같은 결제를 확인해도 금액은 한 번만 더해져야 합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def apply_payment(redis, account, payment_id, amount):
    if redis.sadd(f"{account}:applied", payment_id):  # 처음 본 id일 때만 1
        redis.incrby(f"{account}:balance", amount)


답 = apply_payment
확인.연습_2(답)

# %%
lab.down()
