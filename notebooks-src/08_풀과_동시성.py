# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F08_%ED%92%80%EA%B3%BC_%EB%8F%99%EC%8B%9C%EC%84%B1.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/08_%ED%92%80%EA%B3%BC_%EB%8F%99%EC%8B%9C%EC%84%B1.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 08. 풀과 동시성
#
# ## 학습 목표
#
# - 워커 옵션 `--pool`(`-P`)과 `--concurrency`(`-c`)가 무엇을 정하는지 안다.
# - `prefork`, `threads`, `gevent`, `solo` 풀에 같은 일을 시켜 걸린 시간과 CPU 시간을 **직접 재고** 그래프로 비교한다.
# - "I/O에는 스레드, CPU에는 프로세스"라는 가이드의 조언을 잰 숫자로 설명한다(GIL).
# - 기본 동시성이 `taskset`의 CPU 친화도와 컨테이너의 CPU 할당량(cgroup)을 모른다는 것을 확인하고, `-c`나 `-c auto`로 맞춘다.
#
# **준비물**: 02장(워커 띄우기), 06장(풀마다 다른 시그널).
#
# 이 장은 풀마다 워커를 하나씩, 각자의 큐(`pool-prefork`, `pool-threads`, …)로 띄웁니다.

# %%
from labtasks import lab
from labtasks.chapters import pools

lab.up()
workers = pools.start_workers()
mon = lab.monitor()
lab.check()

# %% [markdown]
# ## 1. 풀(pool)과 동시성(concurrency)
#
# 워커는 메시지를 받는 메인 프로세스와, 태스크를 실제로 실행하는 **풀**로 이루어집니다.
#
# | `-P` | 태스크를 실행하는 것 | `-c N`의 뜻 |
# |---|---|---|
# | `prefork` (기본값) | fork한 자식 프로세스 N개 | 자식 프로세스 수 |
# | `threads` | 메인 프로세스 안의 스레드 N개 | 스레드 수 |
# | `gevent` | 메인 프로세스 안의 그린렛(greenlet) N개 | 동시에 돌릴 그린렛 수 |
# | `solo` | 메인 프로세스 자신, 한 번에 하나 | 의미 없음 |
#
# 위 셀이 띄운 워커는 다음과 같습니다. 터미널에서는 `celery -A labtasks worker -P threads -c 20`처럼 씁니다.

# %%
lab.workers()

# %% [markdown]
# 재어 볼 태스크는 두 가지입니다.
#
# - `io_wait(seconds)`: 잠들어 있습니다. 네트워크나 DB 응답을 기다리는 일처럼 CPU를 쓰지 않습니다.
# - `burn(rounds)`: 순수 파이썬 계산을 합니다. 그동안 GIL을 쥐고 있습니다. 스스로 받은 CPU 시간(`time.thread_time()`)을 돌려줍니다.

# %%
import inspect

print(inspect.getsource(pools.io_wait.run))
print(inspect.getsource(pools.burn.run))

# %% [markdown]
# ### `gevent`는 따로 띄운 워커 프로세스에서만
#
# `gevent`는 `time.sleep`이나 소켓 같은 표준 라이브러리를 "멍키 패치(monkey patch)"해서, 기다리는 동안 다른 그린렛으로 넘어갑니다.
# 이 패치는 프로세스가 시작할 때, 다른 모듈을 불러오기 전에 해야 합니다. 이미 돌고 있는 노트북 커널은 패치할 수 없으므로
# `gevent` 풀은 항상 별도의 워커 프로세스로 띄웁니다. `celery` 명령은 `-P gevent`를 보면 스스로 패치하고,
# `lab.worker(pool="gevent")`도 같은 일을 합니다.
#
# ### 정오표: gevent는 "더 똑똑한 스레드"가 아니다
#
# 가이드는 gevent와 eventlet을 "좀 더 똑똑한 thread"라고 부릅니다. 그린렛은 스레드가 아닙니다. 모든 그린렛이 **운영체제 스레드 하나**에서
# 돌고, 운영체제가 끼어들어 차례를 바꾸지 않습니다. 그린렛은 I/O를 기다릴 때(패치된 소켓, `time.sleep`)만 **스스로** 차례를 넘깁니다(협력형).
# 그래서 기다리는 일은 수천 개를 함께 돌리지만, 계산만 하는 태스크는 끝날 때까지 다른 그린렛에게 차례를 주지 않습니다.
# 아래 2절의 I/O 배치에서 `gevent`가 `threads`처럼 빠른 것은 기다리기만 하는 일이기 때문입니다.
#
# ### eventlet
#
# 참고로 가이드가 함께 소개하는 `eventlet`은 개발진이 더 이상 권하지 않습니다. eventlet 프로젝트는 유지보수만 하면서
# 새 코드에서는 쓰지 말라고 안내합니다. Celery의 `-P eventlet`은 아직 남아 있지만, 같은 자리에는 `gevent`를 쓰세요.
#
# ## 2. 풀마다 시간 재기
#
# 각 워커에 두 배치를 보내고, 모든 결과가 돌아올 때까지 걸린 시간을 잽니다.
#
# - I/O 배치: `io_wait(0.3)` 10개. 기다리기만 하는 일이라 풀끼리 서로 방해하지 않으므로, 네 풀에 한꺼번에 보냅니다.
# - CPU 배치: `burn` 4개. `prefork`와 `threads`만 잽니다. `gevent`와 `solo`도 한 프로세스에서 한 번에 한 태스크만 계산하므로,
#   CPU 병렬도가 `threads`처럼 1을 넘지 못합니다.
#   두 풀에 **동시에** 보내고, 이것을 두 번 합니다. 다른 프로그램이 CPU를 쓰다 말다 해도 두 풀이 같은 부하를 함께 겪으니
#   비교가 공정합니다. 대신 두 워커가 코어를 나눠 쓰므로 숫자 하나하나는 혼자 돌 때보다 작게 나옵니다. 볼 것은 두 풀 사이의 차이입니다.
#
# CPU 배치에서는 시간 말고 세 숫자를 더 봅니다.
#
# - **태스크당 CPU**: `burn` 하나가 실제로 CPU를 쓴 시간. 같은 계산이니 풀과 관계없이 비슷해야 합니다.
# - **CPU 병렬도**: 태스크들이 쓴 CPU 시간을 모두 더해, 첫 태스크가 시작해서 마지막 태스크가 끝날 때까지의 시간으로 나눈 값.
#   평균 몇 개의 CPU가 함께 일했는지를 뜻합니다.
# - **계산 시간 비율**: 태스크가 시작해서 끝날 때까지의 시간 가운데 실제로 계산한 시간의 비율. 나머지는 CPU가 비기를, `threads`라면
#   GIL을 기다린 시간입니다. (그래서 이 비율은 태스크를 하나씩 끝까지 계산하는 `solo`나 `gevent`라면 `threads`와 달리 높게 나옵니다.
#   이 장에서는 재지 않습니다.)

# %%
timings = pools.measure()

# %% [markdown]
# 잰 값은 컴퓨터와 그때의 부하에 따라 달라지므로 아래 표와 그래프는 실행할 때마다 다릅니다.

# %% tags=["nbval-ignore-output"]
timings

# %%
labels = {"prefork": "prefork c=2", "threads": "threads c=20", "gevent": "gevent c=20",
          "solo": "solo"}
fig = pools.plot(timings, labels)

# %% [markdown]
# 숫자 대신 **비율**로 읽어 봅시다. 아래 셀은 여유를 넉넉히 둔 비교라서, 컴퓨터가 바빠도 같은 결론이 나옵니다.
# 출력된 문장은 모두 방금 잰 값으로 확인한 것입니다.

# %%
io = {p: t["I/O 배치"] for p, t in timings.items()}
cpu = {p: t for p, t in timings.items() if "CPU 배치" in t}

assert io["threads"] < io["prefork"] / 1.5
print("I/O 배치: threads(20개 동시)가 prefork(2개 동시)보다 1.5배 넘게 빠름")
assert io["gevent"] < io["prefork"]
print("I/O 배치: gevent(20개 동시)도 prefork보다 빠름")
assert io["solo"] > io["prefork"] * 1.5
print("I/O 배치: solo(하나씩)가 prefork보다 1.5배 넘게 느림")
assert 0.6 < cpu["prefork"]["태스크당 CPU"] / cpu["threads"]["태스크당 CPU"] < 1.6
print("CPU 배치: burn 하나가 쓴 CPU 시간은 두 풀에서 비슷함")
assert cpu["threads"]["CPU 병렬도"] < 1.15
print("CPU 배치: threads의 CPU 병렬도는 1을 넘지 않음 (GIL)")
assert cpu["prefork"]["계산 시간 비율"] > cpu["threads"]["계산 시간 비율"]
print("CPU 배치: 계산 시간 비율은 prefork가 threads보다 큼")

# %% [markdown]
# - **I/O 배치**: 기다리는 일은 CPU가 필요 없으니, 동시에 몇 개를 기다릴 수 있느냐가 시간을 정합니다. `threads`와 `gevent`는 10개를
#   한꺼번에 기다리고(`gevent`는 브로커에 따라 메시지를 받는 데 시간이 더 들어 `threads`보다 느리기도 합니다), `prefork -c 2`는 두 개씩 다섯 번, `solo`는 하나씩 열 번 기다립니다. 그래서 I/O 위주라면 동시성을
#   코어 수보다 훨씬 크게 잡아도 됩니다.
# - **CPU 배치**: 같은 계산은 어느 풀에서나 같은 CPU 시간을 씁니다. 다른 것은 CPU 병렬도입니다. `threads`는 스레드를 20개 두어도
#   GIL 때문에 파이썬 코드를 한 번에 한 스레드만 실행하므로 CPU 병렬도가 1을 넘지 못합니다. `prefork`는 자식 프로세스마다 GIL이
#   따로 있어서, 비어 있는 코어가 있으면 두 태스크가 정말로 함께 계산합니다. 코어 두 개를 혼자 쓴다면 2에 가깝지만, 여기서는
#   `threads` 워커와 코어를 나눠 썼고 다른 프로그램이 CPU를 쓰고 있으면 더 작아집니다. 그래서 위 표의 CPU 병렬도는 컴퓨터가
#   바쁠수록 두 풀이 비슷해집니다.
# - **계산 시간 비율**은 바쁜 컴퓨터에서도 차이가 분명합니다. `threads`의 태스크 넷은 한 프로세스 안에서 GIL 하나를 돌려 쓰므로, 도는
#   시간의 대부분을 GIL을 기다리며 보냅니다. `prefork`의 태스크는 저마다 프로세스가 있어서 CPU 차례만 기다립니다.
#
# 그래서 가이드의 조언, "I/O에는 스레드, CPU에는 프로세스"가 맞습니다. I/O 위주라면 `threads`나 `gevent`에 큰 `-c`를,
# CPU 위주라면 `prefork`에 코어 수만큼의 `-c`를 줍니다. 둘이 섞여 있다면 큐를 나누어(3장) 워커를 따로 띄우세요.
#
# 다 쟀으니 이 워커들은 멈춥니다. `lab.stop(...)`은 여러 워커에 한꺼번에 멈추라고 알리고, 모두 멈출 때까지 기다립니다.

# %%
lab.stop(*workers.values())

# %% [markdown]
# ## 3. 정오표: "Celery는 컨테이너에 할당된 CPU 안에서 동작한다"
#
# `-c`를 주지 않으면 `prefork`의 동시성은 `os.cpu_count()`, 즉 **컴퓨터 전체**의 CPU 수입니다. CPU를 줄이는 방법은 두 가지인데,
# 기본 동시성은 둘 다 보지 않습니다.
#
# - **CPU 친화도(affinity)**: `taskset -c 0`이나 `docker run --cpuset-cpus=0`은 프로세스가 돌 수 있는 CPU를 정합니다.
#   `os.sched_getaffinity(0)`가 그 목록을 알려 줍니다.
# - **cgroup CPU 할당량(quota)**: `docker run --cpus=1.5`나 쿠버네티스의 CPU limit은 CPU 목록은 그대로 두고, 100ms마다 쓸 수 있는
#   CPU 시간을 정합니다. 리눅스의 cgroup에는 두 판이 있고, 값이 적힌 파일이 다릅니다.
#   - cgroup v2: `/sys/fs/cgroup/cpu.max` 한 파일에 `150000 100000`(1.5 CPU)처럼 할당량과 주기를 적고, 제한이 없으면 `max 100000`입니다.
#   - cgroup v1: `/sys/fs/cgroup/cpu/cpu.cfs_quota_us`(할당량, 제한이 없으면 `-1`)와 `cpu.cfs_period_us`(주기) 두 파일에 나눠 적습니다.
#     `150000`과 `100000`이면 1.5 CPU입니다.
#
#   어느 쪽이든 친화도로는 보이지 않으므로 `os.sched_getaffinity`는 여전히 모든 CPU를 돌려줍니다. `pools.cpu_quota()`는 두 판을 모두 읽고,
#   어느 파일에서 읽었는지 함께 돌려줍니다.
#
# 이 컴퓨터의 세 숫자를 봅시다. 숫자는 컴퓨터마다 다릅니다.

# %% tags=["nbval-ignore-output"]
import os

quota_text, quota = pools.cpu_quota()
print("os.cpu_count():", os.cpu_count())
print("len(os.sched_getaffinity(0)):", len(os.sched_getaffinity(0)))
print("cgroup 할당량:", quota_text, "→", f"{quota:g} CPU" if quota else "제한 없음")

# %% [markdown]
# 이제 워커를 `taskset -c 0`(CPU 0번만 쓰기) 아래에서 `-c` 없이 띄우고, 워커 로그의 배너에서 `concurrency:` 줄을 꺼내 봅니다.
# `pools.start_pinned`는 `lab.worker`에 명령 앞에 붙일 `taskset -c 0`을 넘겨 띄웁니다. 터미널이라면 다음 명령입니다.
#
# ```
# taskset -c 0 celery -A labtasks worker -P prefork -n pinned@%h -Q pinned -l INFO
# ```
#
# 배너의 숫자는 이 컴퓨터의 CPU 수입니다. 그 뜻은 다음 셀에서 확인합니다.

# %% tags=["nbval-ignore-output"]
pinned = pools.start_pinned(cpus="0")
print("\n".join(pools.banner_lines(pinned)))
print("워커가 쓸 수 있는 CPU 수:", pools.usable_cpus(pinned.pid))

# %%
assert pools.usable_cpus(pinned.pid) == 1
assert pools.banner_concurrency(pinned) == os.cpu_count()
print("CPU 하나에 묶인 워커가 자식 프로세스를 os.cpu_count()개 띄움")
pinned.stop()

# %% [markdown]
# CPU를 하나만 쓸 수 있는데도 자식 프로세스를 컴퓨터 전체의 CPU 수만큼 띄웠습니다. 코어가 많은 서버의 작은 컨테이너라면
# 수십 개의 프로세스가 CPU 하나를 나눠 쓰며 메모리만 차지합니다.
#
# 고치는 법은 둘입니다.
#
# - `-c`를 직접 줍니다. 가장 확실합니다.
# - Celery 5.7에서는 `-c auto`도 됩니다. `prefork` 풀이면 CPU 친화도가 허락하는 CPU 수에서 시작해, cgroup 할당량이 있으면
#   그 값을 올림한 수로 줄입니다(`--cpus=1.5`면 2). `solo`, `threads`, `gevent`에서는 할당량을 보지 않고 친화도의 CPU 수를 씁니다.
#
# `-c auto`로 띄우면 워커가 무엇을 읽었는지 로그에 한 줄 남깁니다. 배너의 `concurrency:` 줄과 함께 봅시다.

# %% tags=["nbval-ignore-output"]
pinned = pools.start_pinned(cpus="0", concurrency="auto")
print("\n".join(pools.banner_lines(pinned)))

# %% [markdown]
# 워커가 고른 수가, 위에서 읽은 친화도와 할당량으로 계산한 수와 같은지 확인합니다.

# %%
expected = pools.auto_concurrency(pools.usable_cpus(pinned.pid), quota)
assert pools.banner_concurrency(pinned) == expected
print("-c auto의 concurrency는 min(친화도의 CPU 수, 올림한 cgroup 할당량)과 같음")
pinned.stop()

# %% [markdown]
# ## 정리
#
# - `-P`는 태스크를 무엇으로 실행할지(프로세스, 스레드, 그린렛, 메인 프로세스), `-c`는 몇 개를 동시에 돌릴지 정한다.
# - 기다리는 일(I/O)은 동시에 몇 개를 기다리느냐로 시간이 정해진다. `threads`나 `gevent`에 큰 동시성을 준다.
# - 계산하는 일(CPU)은 어느 풀에서나 같은 CPU 시간을 쓴다. `threads`는 GIL 때문에 CPU 병렬도가 1을 넘지 못하니 `prefork`로 코어 수만큼 돌린다.
# - `gevent`는 멍키 패치가 필요해서 항상 별도 워커 프로세스로 띄운다. `eventlet` 대신 `gevent`를 쓴다.
# - 기본 동시성은 `os.cpu_count()`라서 `taskset`의 친화도도, 컨테이너의 cgroup 할당량(`cpu.max`)도 모른다. `-c`를 직접 주거나 `-c auto`를 쓴다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 실제 워커에서 돌려 보고 판정합니다. 어떻게 판정하는지는 `labtasks/checks/ch08.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch08 as 확인

# %% [markdown]
# **연습 1.** `io_wait(0.5)` 12개를 한꺼번에 `threads -c 4` 워커에 보내면, 모든 결과가 오기까지 대략 몇 초가 걸릴까요?
# 2절의 I/O 배치를 떠올려 계산하고, 그 초를 숫자로 `답`에 넣으세요. 확인 셀은 같은 배치를 실제로 돌려, 워커가 동시에 몇 개를
# 기다렸는지와 태스크 하나가 걸린 시간을 잽니다. 그 측정으로 계산한 시간과 답이 0.15초 안으로 맞으면 통과입니다
# (태스크를 주고받는 부대 비용은 빼고 봅니다).

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = 0.5 * 12 / 4  # 네 개씩 세 번 기다림
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 외부 API에 요청을 보내고 응답을 기다리는 태스크 20개를 **한꺼번에** 기다릴 워커를 띄우세요. 이름과 큐는 `"api"`로 하고,
# `lab.worker(...)`가 돌려준 워커를 `답`에 넣습니다. 확인 셀은 그 워커에 `io_wait(0.5)` 20개를 보내고, 모니터가 본 시작·끝 시각으로
# 20개가 모두 함께 기다렸는지 셉니다. 풀의 비용도 생각하세요.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = lab.worker("api", queues=["api"], pool="threads", concurrency=20)
확인.연습_2(답)

# %%
lab.down()
