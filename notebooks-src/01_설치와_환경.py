# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F01_%EC%84%A4%EC%B9%98%EC%99%80_%ED%99%98%EA%B2%BD.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/01_%EC%84%A4%EC%B9%98%EC%99%80_%ED%99%98%EA%B2%BD.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 01. 설치와 환경: 첫 워커
#
# ## 학습 목표
#
# - 오래 걸리는 일을 왜 태스크 큐에 맡기는지, 커널에서 직접 부를 때와 비교해서 설명할 수 있다.
# - Celery를 이루는 요소(태스크, 워커, 큐, 브로커, 결과 백엔드)가 각각 무슨 일을 하는지 말할 수 있다.
# - Celery 4 시절의 명령 `celery worker --app=…`이 Celery 5에서 왜 실패하는지 보고, 올바른 형태로 워커를 띄운다.
# - 파이썬 파일 안에서 `app.worker_main(argv=[...])`로 워커를 띄우고 멈출 수 있다.
#
# **준비물**: README의 빠른 시작대로 설치를 마친 환경. 실행 방법(내 컴퓨터, Binder, `docker compose`)은 README에 있습니다.
#
# 아래 셀 하나로 브로커와 결과 백엔드, 그리고 `celery` 큐를 소비하는 워커 `w1`을 준비합니다.
# 마지막 줄의 `lab.workers()`가 떠 있는 워커를 표로 보여 줍니다. 무엇이 준비되는지는 2절과 3절에서 하나씩 봅니다.

# %%
from labtasks import lab
from labtasks.tasks import add, slow_add

lab.up()
w = lab.worker("w1")
lab.workers()

# %% [markdown]
# ## 1. 왜 태스크 큐인가
#
# 파이썬에도 `multiprocessing`이나 `asyncio`가 있습니다. 하지만 일을 뒤에서(background) 돌리고, 밀린 일을 줄 세우고,
# 각 일이 어떻게 되었는지 상태를 물어보는 기능까지 직접 만들려면 손이 많이 갑니다. Celery는 이것을 한꺼번에 줍니다.
# 함수에 `@app.task`를 붙이면 태스크가 되고, 워커 프로세스가 그 태스크를 대신 실행합니다.
#
# 1초 걸리는 덧셈 `slow_add`로 차이를 봅시다. 먼저 커널에서 직접 부릅니다. 결과가 나올 때까지 커널은 아무것도 못 합니다.

# %%
import time

시작 = time.perf_counter()
print("직접 부른 결과:", slow_add(2, 3, seconds=1))
print(f"커널이 기다린 시간: {time.perf_counter() - 시작:.1f}초")

# %% [markdown]
# 같은 일을 `delay()`로 워커에 보내면 곧바로 돌아옵니다. 돌아온 것은 결과가 아니라 `AsyncResult`입니다.
# 나중에 결과를 찾아갈 때 내미는 번호표 같은 것으로, 태스크는 아직 워커에서 도는 중입니다.

# %%
시작 = time.perf_counter()
결과 = slow_add.delay(2, 3, seconds=1)
print(f"보내고 돌아오기까지: {time.perf_counter() - 시작:.1f}초")
print("지금 상태:", 결과.state)

# %% [markdown]
# 그동안 커널은 제 할 일을 계속할 수 있습니다. 결과가 필요해지면 그때 `AsyncResult`로 받아 옵니다.
# 이 강좌의 앱은 `result_extended=True`로 설정되어 있어서, 결과 백엔드가 결과와 함께 태스크 이름, 인자, 실행한 워커의
# 이름도 저장합니다. 그래서 `결과.worker`로 워커 이름을 읽을 수 있습니다. 이 설정이 없으면(Celery의 기본값) `None`입니다.

# %%
print("그동안 커널에서 한 계산:", add(40, 2))
print("워커가 낸 결과:", 결과.get(timeout=10), "/ 실행한 워커:", 결과.worker)

# %% [markdown]
# ## 2. 용어 정리
#
# | 용어 | 하는 일 |
# |---|---|
# | 태스크(task) | 워커에게 맡길 작업 하나. 파이썬 함수에 `@app.task`를 붙여 만든다 |
# | 워커(worker) | 큐에서 태스크를 꺼내 실제로 실행하는 프로세스 |
# | 큐(queue) | 실행을 기다리는 태스크 메시지가 쌓이는 줄. 워커는 정해진 큐만 본다 |
# | 브로커(broker) | 큐를 보관하고 메시지를 전달하는 서버. RabbitMQ나 Redis를 쓴다 |
# | 결과 백엔드(result backend) | 태스크의 상태와 결과를 저장하는 곳. `AsyncResult`로 결과를 받으려면 필요하다 |
#
# 원본 가이드는 태스크를 '업무', 워커를 '담당자'라고 부르지만, 이 강좌는 **태스크**와 **워커**로 씁니다.
#
# 위 셀의 `lab.up()`은 이 강좌가 쓰는 브로커와 결과 백엔드를 준비합니다. 따로 설정하지 않았다면 커널이 띄운
# Redis 하나가 둘 다 맡습니다. 여러 번 실행해도 Redis는 하나만 뜹니다.

# %% [markdown]
# ## 3. 워커 띄우기: 터미널에서
#
# ### 정오표: Celery 4의 워커 명령은 Celery 5에서 실패한다
#
# 가이드는 워커를 `celery worker --app=worker.app --loglevel=INFO`로 띄웁니다. Celery 5부터 `--app`(`-A`)은
# 서브커맨드 앞에 오는 **전역 옵션**이라서, 이 명령은 곧바로 오류로 끝납니다. 직접 실행해 봅시다.

# %%
# !celery worker --app=labtasks.app --loglevel=INFO

# %% [markdown]
# Celery 5 형식은 `celery -A labtasks worker -l INFO`입니다. 이 명령은 워커가 멈출 때까지 끝나지 않으므로,
# 노트북에서는 맨 위 셀의 `lab.worker("w1")`가 같은 워커를 백그라운드 프로세스로 띄웠습니다. 터미널에서라면 이 명령입니다.

# %%
print(w.spec.command())

# %% [markdown]
# `-n w1@%h`는 워커 이름(`%h`는 호스트 이름), `-Q`는 소비할 큐, `-P`와 `-c`는 풀과 동시성입니다.
# `-E`는 태스크 이벤트를 보내게 하고, `--without-mingle`은 아래 4절에서 보는 시작 단계를 건너뛰어 시작을 1초가량 앞당깁니다.
#
# 전역 옵션 `-A`를 앞에 두면 다른 서브커맨드도 잘 동작합니다. `inspect ping`으로 워커에게 물어보면 답이 옵니다.
# `-d`(destination)로 물어볼 워커를 하나로 정했습니다. `!` 명령 안의 `{w.nodename}`은 파이썬 값으로 바뀝니다.

# %%
# !celery -A labtasks inspect ping -d {w.nodename}

# %% [markdown]
# ## 4. 워커 띄우기: 파이썬 파일에서 `app.worker_main`
#
# 가이드는 파이썬 파일 안에서 `if __name__ == '__main__':`으로 워커를 띄우는 방법도 있다고만 적었습니다.
# 그 함수가 `app.worker_main`입니다. Celery 5에서는 넘기는 `argv`에 서브커맨드 `worker`가 꼭 있어야 합니다.
# 빠뜨리면 워커를 띄우기도 전에 `ValueError`가 납니다. (예전처럼 `app.worker_main()`만 부르면 파이썬 파일의 명령줄 인자가 그대로 넘어가서, 같은 오류가 납니다.)

# %%
from labtasks import app

try:
    app.worker_main(argv=["-l", "INFO"])
except ValueError as 오류:
    print("ValueError:", 오류)

# %% [markdown]
# Celery 5 형식으로 쓴 파일을 이 커널의 실행 폴더에 만들어 봅시다. 이름은 `guide@%h`, 소비할 큐는 `guide`,
# 풀은 자식 프로세스 없이 워커 프로세스 하나에서 실행하는 `solo`입니다.

# %%
from labtasks import settings

폴더 = settings.make_run_dir()  # 이 커널의 실행 폴더: lab.down()이 지웁니다
(폴더 / "내_워커.py").write_text('''\
from labtasks import app

if __name__ == "__main__":
    app.worker_main(argv=["worker", "-n", "guide@%h", "-Q", "guide", "-P", "solo", "-l", "INFO"])
''')
print((폴더 / "내_워커.py").read_text())

# %% [markdown]
# 터미널에서 `python 내_워커.py`를 실행하는 것과 같게, 커널에서 실행합니다. `procs.spawn`은 `subprocess.Popen`과 같은데,
# 커널이 죽으면 워커도 함께 끝나도록 묶어 줍니다. 워커의 출력은 파일에 받고, `ping`에 답할 때까지 기다립니다.

# %%
import socket
import sys

from labtasks import procs
from labtasks.waiting import wait_until

이름 = f"guide@{socket.gethostname()}"  # %h는 호스트 이름으로 바뀝니다
워커 = procs.spawn([sys.executable, str(폴더 / "내_워커.py")], log=폴더 / "워커.log", kind="worker", name="guide")
print(wait_until(lambda: app.control.ping(destination=[이름], timeout=0.5), 30, "guide 워커의 ping 응답"))

# %% [markdown]
# `guide` 큐로 태스크를 보내면 이 워커가 답합니다.

# %%
응답 = add.apply_async((2, 3), queue="guide")
print(응답.get(timeout=10), "/ 실행한 워커:", 응답.worker)

# %% [markdown]
# ### 정오표: mingle은 워커가 "함께 일하는" 기능이 아니다
#
# 가이드는 Mingle을 여러 워커가 같이 일하게 하는 기능으로 소개합니다. 실제로 mingle은 워커가 **시작할 때**
# 이미 떠 있는 워커들과 상태(취소된 태스크 목록 등)를 한 번 맞추는 단계일 뿐입니다.
# 이 워커는 `--without-mingle` 없이 떴으니 로그에 그 단계가 남았습니다. 그 뒤로 mingle은 다시 나오지 않고,
# 워커들은 mingle 없이도 같은 큐를 나눠 소비합니다.

# %%
로그_줄 = (폴더 / "워커.log").read_text().splitlines()
for 줄 in 로그_줄:
    if "mingle: searching" in 줄 or "mingle: sync complete" in 줄 or " ready." in 줄:
        print(줄.split("] ", 1)[1])

# %% [markdown]
# 띄운 것은 직접 멈춥니다. `terminate()`는 SIGTERM을 보내고, 워커는 하던 태스크를 마친 뒤 끝납니다(warm shutdown).
# 프로세스 id(PID)로 정말 사라졌는지도 확인합니다.

# %%
import psutil

워커.terminate()
print("종료 코드:", 워커.wait(timeout=30))
assert not psutil.pid_exists(워커.pid)
print("워커 프로세스가 남아 있지 않습니다.")

# %% [markdown]
# ## 정리
#
# - 오래 걸리는 일을 워커에 보내면 호출한 쪽은 곧바로 `AsyncResult`를 받고 제 할 일을 계속한다.
# - 태스크는 큐에 메시지로 쌓이고, 워커가 꺼내 실행하며, 결과는 결과 백엔드에 남는다. 큐를 보관하는 서버가 브로커다.
# - Celery 5에서는 `celery -A 앱 서브커맨드 …` 순서로 쓴다. `celery worker --app=…`은 오류다.
# - 파이썬 파일에서는 `app.worker_main(argv=["worker", ...])`로 띄운다. `worker`를 빠뜨리면 `ValueError`다.
# - mingle은 워커가 시작할 때 한 번 상태를 맞추는 단계다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 실제로 실행해 보고 판정합니다. 정답은 각 확인 셀 아래에 접혀 있습니다.

# %%
from labtasks.checks import ch01 as 확인

# %% [markdown]
# **연습 1.** 워커 `w1`이 어떤 큐를 소비하는지 Celery 5 명령줄로 확인하는 명령을 `답`에 문자열로 쓰세요.
# 서브커맨드는 `inspect active_queues`이고, 앱은 `labtasks`입니다. 확인 셀이 이 명령을 실행해서 `w1`이
# `celery` 큐를 소비한다는 응답이 오는지 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = "celery -A labtasks inspect active_queues"
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 4절처럼 파이썬 파일에서 워커를 띄울 때 `app.worker_main`에 넘길 `argv`를 리스트로 `답`에 쓰세요.
# 워커 이름은 `ex2@%h`, 소비할 큐는 `ex2`입니다. 확인 셀이 이 `argv`로 워커를 실제로 띄워 `ex2` 큐로 태스크를 보내 보고,
# 워커를 멈춥니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = ["worker", "-n", "ex2@%h", "-Q", "ex2", "-P", "solo", "-l", "INFO"]
확인.연습_2(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다.

# %%
lab.down()
