# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F06_DB_%EC%97%B0%EA%B2%B0.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/06_DB_%EC%97%B0%EA%B2%B0.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 06. DB 연결
#
# ## 학습 목표
#
# - 가이드처럼 `worker_process_init` / `worker_process_shutdown` 시그널(signal)로 워커 프로세스마다 DB 연결을 하나씩 열고 닫는다.
#   연결이 몇 번 열리고 닫혔는지 **기록으로** 확인한다.
# - 가이드가 "닫는 방법을 모른다"고 남겨 둔 지연 연결 `Task` 클래스를 언제, 어디서 닫는지 안다.
# - 풀(pool)마다 어떤 워커 시그널이 실제로 발생하는지 표로 확인한다.
# - 클래스에 연결 하나를 두는 방식이 `threads` 풀에서 깨지는 것을 보고, 스레드마다 연결을 두어 고친다.
# - 가이드가 `--pool=gevent`에서 본 "연결은 한 번만 만들어진다"가 무엇을 뜻하는지, 그 연결을 그린렛(greenlet)들이 나눠 쓰면 무엇이 깨지는지 본다.
# - fork 전에 연결을 만들면 안 되는 이유를 안다.
#
# **준비물**: 02장(태스크와 워커), 그리고 가이드의 "DB 컨넥션 설정" 절.
#
# 이 장의 태스크와 시그널 핸들러는 `labtasks/tasks/db.py`에 있습니다. 연결을 열거나 닫을 때마다, 그리고 워커 시그널을
# 받을 때마다 sqlite 파일의 `events` 테이블에 한 줄씩 남깁니다(어떤 프로세스, 어떤 스레드였는지와 함께).
# 그 기록을 읽는 도구(`db.by_pid()` 등)는 `labtasks/chapters/db.py`에 있습니다.
#
# 이 장의 태스크는 `task_routes`로 `db` 큐에 가고, 그 큐는 이 장의 워커만 소비합니다. `db.worker(이름, pool, concurrency)`는
# `lab.worker(이름, queues=["db"], ...)`와 같고, 그 워커가 기록할 sqlite 파일을 준비해 둡니다.

# %%
from labtasks import lab
from labtasks.chapters import db

lab.up()
w = db.worker("db", pool="prefork", concurrency=3)
lab.workers()

# %% [markdown]
# ## 1. 워커 프로세스마다 연결 하나
#
# 가이드의 방식입니다. `prefork` 풀의 자식 프로세스가 준비되면 `worker_process_init`이, 자식이 끝날 때
# `worker_process_shutdown`이 발생합니다. 그때 연결을 열고 닫습니다. (기록용 코드만 조금 더해졌습니다.)

# %%
import inspect

print(inspect.getsource(db.open_process_connection))
print(inspect.getsource(db.close_process_connection))
print(inspect.getsource(db.db_query))

# %% [markdown]
# 동시성(concurrency) 3(`-c 3`)으로 띄운 워커에 태스크 여섯 개를 보내 봅시다. 각 태스크는 자기 프로세스의 연결로
# `SELECT 210 + 210`을 실행합니다.

# %%
from celery import group

print(group(db.db_query.s() for _ in range(6))().get(timeout=10))
opened = db.by_pid("open", "process")
print("연결을 연 프로세스:", len(opened), "개, 프로세스마다", set(opened.values()), "번")
print("모두 자식 프로세스인가:", w.pid not in opened)

# %% [markdown]
# 워커를 멈추면 자식 셋이 각자 연결을 닫습니다. 연 프로세스와 닫은 프로세스가 같은지 봅시다.

# %%
w.stop()
closed = db.by_pid("close", "process")
print("연결을 닫은 프로세스:", len(closed), "개")
print("연 프로세스와 같은가:", set(closed) == set(opened))

# %% [markdown]
# 가이드의 말대로 `-c N`이면 연결이 N개 열립니다. 그리고 정상 종료라면 N개가 모두 닫힙니다.
#
# ## 2. 지연 연결 `Task` 클래스와, 그것을 닫는 법
#
# 가이드의 두 번째 방식은 `Task`를 상속한 클래스에 연결을 두고, 처음 쓸 때 만드는 것입니다.
# Celery는 태스크 객체를 프로세스마다 **하나만** 만들어 두고 재사용하므로, 연결도 프로세스마다 한 번만 만들어집니다.

# %%
print(inspect.getsource(db.DatabaseTask))
print(inspect.getsource(db.db_call))

# %% [markdown]
# 가이드처럼 `group`으로 열 개를 보냅니다. 이번에는 `-c 2` 워커입니다.

# %%
db.clear()
w = db.worker("db", pool="prefork", concurrency=2)
print(group(db.db_call.s() for _ in range(10))().get(timeout=10))
lazy = db.by_pid("open", "lazy")
print("태스크 10개에 연결을 연 횟수가 프로세스 수 이하인가:", sum(lazy.values()) <= 2)
print("프로세스마다 한 번만 열었나:", set(lazy.values()) == {1})

# %% [markdown]
# ### 정오표: 지연 연결을 "닫는 방법은 모른다"?
#
# 가이드는 이 방식의 연결을 어떻게 닫는지 모른다고 남겨 둡니다. 닫는 곳은 있습니다. 연결이 어느 프로세스에서 만들어지는지 보면 답이 나옵니다.
#
# | 풀 | 태스크가 실행되는 곳 | 닫는 시그널 |
# |---|---|---|
# | `prefork` | 자식 프로세스 | `worker_process_shutdown` (자식 안에서 발생) |
# | `solo`, `threads`, `gevent` | 워커의 메인 프로세스 | `worker_shutdown` |
#
# 두 핸들러를 모두 걸어 두면 어느 풀에서든 닫힙니다. 메인 프로세스에 연결이 없으면 `close_db()`는 아무것도 하지 않습니다.

# %%
print(inspect.getsource(db.close_lazy_in_child))
print(inspect.getsource(db.close_lazy_in_main))

# %% [markdown]
# 연결을 태스크가 끝날 때마다 닫고 싶다면(연결을 오래 들고 있으면 안 되는 DB라면) `task_postrun` 시그널을 씁니다.
# `db_call_per_task`는 같은 클래스를 쓰되, 태스크가 끝나면 곧바로 닫힙니다.
#
# 다만 Celery는 태스크의 결과를 결과 백엔드에 먼저 저장하고 `task_postrun`을 그다음에 보냅니다. 그래서 `get()`이 돌아온 바로
# 그 순간에는 마지막 태스크의 연결이 아직 닫히는 중일 수 있습니다. `db.settled()`는 닫힘 기록이 연 만큼 모이기를
# 잠깐(최대 5초) 기다렸다가 두 수를 돌려줍니다.

# %%
print(inspect.getsource(db.close_after_task))
print(group(db.db_call_per_task.s() for _ in range(4))().get(timeout=10))
opened, closed = db.settled("per-task")
print("열림:", opened, "/ 닫힘:", closed)

# %% [markdown]
# ## 3. fork 전에 연결하지 말 것
#
# `worker_init`은 워커의 메인 프로세스에서, `prefork` 자식들이 생기기 **전에** 발생합니다. 거기서 연결을 열면
# 자식들은 fork로 그 연결(소켓이나 파일 핸들까지)을 물려받습니다. `db_inherited`는 자신이 보는 연결을 누가 열었는지 알려 줍니다.

# %%
seen = db.db_inherited.delay().get(timeout=10)
print("연결을 연 프로세스는 워커의 메인 프로세스:", seen["opened_by"] == w.pid)
print("쓰는 프로세스는 그와 다른 자식 프로세스:", seen["used_by"] != seen["opened_by"])

# %% [markdown]
# 여러 프로세스가 연결 하나를 나눠 쓰면 한 프로세스의 요청과 다른 프로세스의 응답이 뒤섞이거나, 한쪽이 닫을 때 다른 쪽도
# 끊깁니다. sqlite 문서도 fork를 건너 연결을 가져가지 말라고 합니다. 그래서 연결은 **fork 뒤에**, 자식 안에서 엽니다.
#
# SQLAlchemy를 쓴다면 같은 원칙으로, 엔진(`create_engine`)을 `worker_process_init`에서 만들거나, 모듈 수준에서
# 만든 엔진이라면 자식에서 `engine.dispose(close=False)`를 불러 물려받은 연결 풀을 버리게 합니다.
#
# 이제 워커를 멈추고 기록을 모아 봅시다. 지연 연결과 태스크별 연결은 연 만큼 닫혔습니다.
# fork 전에 연 연결은 아무도 닫지 않았습니다(닫힘 0).

# %%
w.stop()
for label in ["lazy", "per-task", "before-fork"]:
    print(f"{label:12} 연 프로세스마다 연 만큼 닫았는가: "
          f"{db.by_pid('open', label) == db.by_pid('close', label)}")
print("fork 전에 연 연결: 열림", sum(db.by_pid("open", "before-fork").values()),
      "/ 닫힘", sum(db.by_pid("close", "before-fork").values()))

# %% [markdown]
# 지연 연결을 몇 번 열었는지는 두 자식 중 몇이 태스크를 받았는지에 따라 1이나 2라서, 개수 대신 연 만큼 닫았는지를 봅니다.
#
# ## 4. 풀마다 발생하는 시그널
#
# 가이드는 "멀티프로세싱을 쓸 때만 적용된다"고만 말합니다. 풀 네 가지로 워커를 하나씩 띄워 태스크 네 개를 실행하고 멈추면서,
# 어떤 시그널이 어느 프로세스에서 발생했는지 기록해 표로 만듭니다. (`gevent` 워커도 커널이 아닌 별도 프로세스입니다.)

# %%
runs = [db.run_pool(pool) for pool in ["prefork", "solo", "threads", "gevent"]]
table = db.SignalTable(runs)
assert table.fired("worker_process_init") == {"prefork", "solo"}
assert table.fired("worker_process_shutdown") == {"prefork"}
assert table.fired("worker_shutdown") == {"prefork", "solo", "threads", "gevent"}
table

# %% [markdown]
# 표에서 읽을 것:
#
# - `worker_process_init`은 `prefork`의 자식마다, 그리고 `solo`(메인 프로세스)에서 발생합니다. `threads`와 `gevent`에서는 발생하지 않습니다.
# - `worker_process_shutdown`은 `prefork`의 자식에서만 발생합니다. **`solo`에서는 열린 연결이 닫히지 않습니다.**
# - `worker_init`, `worker_ready`, `worker_shutdown`은 어느 풀이든 메인 프로세스에서 한 번씩 발생합니다.
# - 태스크 시그널(`task_prerun`, `task_postrun`)은 태스크를 실행한 곳에서 발생합니다.
#
# 그래서 가이드의 "프로세스마다 연결" 코드는 `threads`와 `gevent`에서 연결을 만들지 않습니다. 같은 `db_query`의 결과를 보면 드러납니다.

# %%
assert table.fired("worker_process_init") == {"prefork", "solo"}
assert table.fired("worker_process_shutdown") == {"prefork"}
for run in runs:
    print(f"{run['pool']:8}", run["results"])

# %% [markdown]
# ## 5. `threads` 풀에서 깨지는 클래스 연결
#
# `threads` 풀에서는 모든 태스크가 한 프로세스의 여러 스레드에서 돌고, 태스크 객체도 하나를 같이 씁니다.
# 그런데 sqlite 연결은 기본적으로 자신을 만든 스레드에서만 쓸 수 있습니다. 한 스레드가 만든 클래스 연결을
# 다른 스레드의 태스크가 쓰면 실패합니다. 먼저 태스크 하나로 연결을 만들고, 0.3초씩 쉬는 태스크 네 개를 동시에 보냅니다.

# %%
w = db.worker("db-threads", pool="threads", concurrency=4)
db.db_call.delay().get(timeout=10)
outcomes = group(db.db_call.s(pause=0.3) for _ in range(4))().get(timeout=10, propagate=False)
errors = [o for o in outcomes if isinstance(o, Exception)]
print("실패한 태스크가 있는가:", len(errors) > 0)
print(type(errors[0]).__name__ + ":", str(errors[0]).split(".")[0] + ".")

# %% [markdown]
# 고치는 법은 연결을 스레드마다 두는 것입니다(`threading.local`). `ThreadLocalDatabaseTask`는 스레드마다 연결을 하나 만들고,
# 만든 연결을 목록에 모아 두었다가 `worker_shutdown`에서 닫습니다. 연결은 여전히 만든 스레드만 쓰고,
# `check_same_thread=False`는 종료 때 메인 스레드가 닫을 수 있게 하려고 준 것입니다.

# %%
print(inspect.getsource(db.ThreadLocalDatabaseTask))
print(group(db.db_call_threadsafe.s(pause=0.3) for _ in range(4))().get(timeout=10))

# %%
w.stop()
opened, closed = db.by_pid("open", "thread-local"), db.by_pid("close", "thread-local")
print("스레드마다 연 연결을 모두 닫았는가:", opened == closed and sum(opened.values()) >= 1)

# %% [markdown]
# ## 6. 가이드의 `--pool=gevent --concurrency=1000`
#
# 가이드는 지연 연결 클래스를 `--pool=gevent --concurrency=1000` 워커로 돌려, 태스크 열 개 중 첫 번째만 연결을 만들고
# 나머지는 연결하지 않는 것을 보았습니다. 그것은 사실이지만, 뜻하는 바는 "연결 하나를 그린렛 천 개가 **나눠 쓴다**"입니다.
# gevent 풀은 태스크마다 그린렛을 하나 띄우고, 모든 그린렛이 한 프로세스, 한 스레드에서 돕니다. 그린렛은 I/O를 기다릴 때
# (네트워크, `time.sleep`) 다른 그린렛에게 차례를 넘깁니다.
#
# 연결은 상태를 가집니다. 대표적인 것이 트랜잭션입니다. `db_transaction`은 트랜잭션을 열고, 그 안에서 잠시 다른 I/O를
# 기다린 뒤(여기서는 `time.sleep`) 커밋합니다. 동시성 20인 gevent 워커에 열 개를 한꺼번에 보냅니다.

# %%
print(inspect.getsource(db.db_transaction))
w = db.worker("db-gevent", pool="gevent", concurrency=20)
db.clear()
outcomes = group(db.db_transaction.s(pause=0.3) for _ in range(10))().get(timeout=30, propagate=False)
errors = [o for o in outcomes if isinstance(o, Exception)]
print("연결을 연 횟수:", sum(db.by_pid("open", "lazy").values()))
print("실패한 태스크가 있는가:", len(errors) > 0, "/ 성공한 태스크가 있는가:", len(errors) < len(outcomes))
print(type(errors[0]).__name__ + ":", errors[0])

# %% [markdown]
# 가이드가 본 대로 연결은 한 번만 열렸습니다. 그런데 첫 그린렛이 트랜잭션을 연 채 기다리는 동안, 다른 그린렛들이
# **같은 연결**에서 `BEGIN`을 보내 실패했습니다. 이미 그 연결에 트랜잭션이 열려 있기 때문입니다. 실패하지 않는 쿼리라도
# 남의 트랜잭션 안에서 실행되어, 그 트랜잭션이 롤백되면 함께 사라집니다. 네트워크로 DB와 이야기하는 드라이버라면
# 한 연결에서 두 그린렛의 요청과 응답이 뒤섞이기도 합니다.
#
# 고치는 법은 5절과 같습니다. gevent 워커는 `threading.local`을 그린렛마다 따로인 저장소로 바꿔 두므로(monkey patching),
# `ThreadLocalDatabaseTask`는 그린렛마다 연결을 둡니다.

# %%
print(inspect.getsource(db.db_transaction_local))
db.clear()
outcomes = group(db.db_transaction_local.s(pause=0.3) for _ in range(10))().get(timeout=30)
print(outcomes)
print("연결을 연 횟수:", sum(db.by_pid("open", "thread-local").values()))

# %%
w.stop()
print("닫은 횟수:", sum(db.by_pid("close", "thread-local").values()))

# %% [markdown]
# 열 개 모두 성공했고, 연결은 열 번 열리고 열 번 닫혔습니다. gevent 풀은 태스크마다 새 그린렛을 띄우므로 그린렛마다 연결을
# 두면 곧 태스크마다 연결을 여는 셈입니다. `--concurrency=1000`이라면 연결이 천 개까지 열릴 수 있습니다. 서버형 DB에서는
# 크기를 정한 연결 풀(SQLAlchemy 엔진의 `pool_size`, `psycopg_pool` 등)에서 태스크마다 연결을 빌려 쓰고 돌려주세요.
#
# ## 7. 더 큰 DB로
#
# 이 장은 어디서나 돌아가도록 sqlite 파일 하나를 씁니다. 원리는 PostgreSQL이나 MySQL에서도 같고, 달라지는 것은
# 연결을 만드는 한 줄뿐입니다(`psycopg.connect(...)`, 또는 SQLAlchemy 엔진). docker compose를 쓰는 경우
# `postgres:16` 이미지로 서비스를 하나 더해 워커의 환경 변수로 주소를 넘기면 됩니다. 예를 들면:
#
# ```yaml
#   postgres:
#     image: postgres:16
#     environment:
#       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
# ```
#
# 연결 수가 중요해지는 것은 이런 서버형 DB입니다. `-c 10` 워커 세 대면 프로세스마다 하나씩 30개의 연결이 열립니다.
# DB의 `max_connections`와 맞춰 보세요.

# %% [markdown]
# ## 정리
#
# - `worker_process_init`/`worker_process_shutdown`으로 프로세스마다 연결을 열고 닫으면, `-c N` 워커는 N개를 열고 N개를 닫는다.
#   단, 이 두 시그널은 `prefork` 자식용이다. `solo`는 열기만 하고, `threads`와 `gevent`에는 둘 다 없다.
# - 지연 연결 `Task` 클래스는 프로세스마다 한 번 연결하고 재사용한다. 닫는 곳은 `worker_process_shutdown`(`prefork`)과
#   `worker_shutdown`(그 밖의 풀)이고, 태스크마다 닫으려면 `task_postrun`이다.
# - 클래스에 둔 sqlite 연결은 `threads` 풀에서 다른 스레드가 쓰다 실패한다. 스레드마다 연결을 둔다.
# - gevent 풀에서 클래스에 둔 연결은 모든 그린렛이 나눠 쓴다. 가이드가 본 "연결은 한 번"은 이것이고, 트랜잭션이 섞인다.
#   그린렛마다 연결을 두거나 연결 풀을 쓴다.
# - 연결과 SQLAlchemy 엔진은 fork 뒤에 만든다.

# %% [markdown]
# ## 연습문제
#
# 답을 `답 = ...` 자리에 쓰고 확인 셀을 실행하세요. 막히면 아래의 접힌 풀이 셀을 펼쳐 보세요.

# %%
from celery import group
from labtasks.checks import ch06 as 확인

# %% [markdown]
# **연습 1.** 5절의 `threads` 풀 워커(`-c 4`)에서 0.3초씩 쉬었다가 쿼리하는 태스크 네 개가 **동시에** 돌아도 하나도 실패하지
# 않는 `group`을 만들어 `답`에 담으세요. 확인 셀이 그 워커를 띄워 `group`을 실행합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = group(db.db_call_threadsafe.s(pause=0.3) for _ in range(4))
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 4절의 `runs`에 든 딕셔너리 하나(`run`)를 받아, 그 워커에서 지연 연결을 닫아 주는 시그널의 이름
# (`"worker_process_shutdown"` 또는 `"worker_shutdown"`)을 돌려주는 함수를 `답`에 담으세요. 풀 이름(`run["pool"]`)이 아니라
# 기록(`run["events"]`의 `task_prerun`이 발생한 `pid`와 `run["main_pid"]`)으로 판단해야 합니다. 확인 셀은 풀 이름을 가린 기록으로 부릅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 닫는_시그널(run):
    자식에서 = any(e["label"] == "task_prerun" and e["pid"] != run["main_pid"] for e in run["events"])
    return "worker_process_shutdown" if 자식에서 else "worker_shutdown"


답 = 닫는_시그널
print({run["pool"]: 답(run) for run in runs})
확인.연습_2(답)

# %%
lab.down()
