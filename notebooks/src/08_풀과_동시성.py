# %% [markdown]
# # 08. 풀과 동시성
#
# ## 학습 목표
#
# - 워커 옵션 `--pool`(`-P`)과 `--concurrency`(`-c`)가 무엇을 정하는지 안다.
# - `prefork`, `threads`, `gevent`, `solo` 풀에 같은 일을 시켜 걸린 시간을 **직접 재고** 그래프로 비교한다.
# - "I/O에는 스레드, CPU에는 프로세스"라는 가이드의 조언을 숫자로 설명한다(GIL).
# - 기본 동시성이 컨테이너나 `taskset`의 CPU 제한을 모른다는 것을 확인하고, `-c`를 직접 주는 법을 안다.
#
# **준비물**: 02장(워커 띄우기), 06장(풀마다 다른 시그널).
#
# 이 장은 워커를 풀마다 하나씩 띄웠다 멈추며 시간을 잽니다. 그래서 맨 위에서는 브로커만 준비합니다.

# %%
from labtasks import lab
from labtasks.chapters import pools

lab.up()

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
# 터미널에서는 `celery -A labtasks worker -P threads -c 20`처럼 씁니다. 재어 볼 태스크는 두 가지입니다.
#
# - `io_wait(0.5)`: 0.5초 동안 잠듭니다. 네트워크나 DB 응답을 기다리는 일처럼 CPU를 쓰지 않습니다.
# - `burn()`: 순수 파이썬 계산을 1초쯤 합니다. 그동안 GIL을 쥐고 있습니다.

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
# 참고로 가이드가 함께 소개하는 `eventlet`은 상류(upstream)에서 더 이상 권하지 않습니다. eventlet 프로젝트는 유지보수만 하면서
# 새 코드에서는 쓰지 말라고 안내합니다. Celery의 `-P eventlet`은 아직 남아 있지만, 같은 자리에는 `gevent`를 쓰세요.
#
# ## 2. 재기
#
# 풀마다 워커를 하나 띄우고 두 배치를 보낸 뒤, 모든 결과가 돌아올 때까지 걸린 시간을 잽니다.
#
# - I/O 배치: `io_wait(0.5)` 20개
# - CPU 배치: `burn()` 4개 (`prefork`와 `threads`만. `gevent`와 `solo`도 한 번에 하나만 계산하므로 `threads`와 같은 모양이 됩니다.)
#
# 동시성은 `prefork` 2(이 컴퓨터의 코어 수만큼), `threads`와 `gevent` 20, `solo`는 1입니다. 30초쯤 걸립니다.

# %%
timings = pools.Timings(
    prefork=pools.measure("prefork", 2),
    threads=pools.measure("threads", 20),
    gevent=pools.measure("gevent", 20, batches=["I/O"]),
    solo=pools.measure("solo", 1, batches=["I/O"]),
)

# %% [markdown]
# 잰 시간은 컴퓨터와 그때의 부하에 따라 달라지므로, 아래 표는 실행할 때마다 조금씩 다릅니다. 특히 CPU 배치는 다른 프로그램이
# CPU를 쓰고 있으면 `prefork`가 코어 두 개를 다 쓰지 못해 `threads`와 차이가 줄어듭니다.

# %% tags=["nbval-ignore-output"]
assert all(t > 0 for row in timings.values() for t in row.values())
timings

# %%
labels = {"prefork": "prefork c=2", "threads": "threads c=20", "gevent": "gevent c=20",
          "solo": "solo"}
fig = pools.plot(timings, labels)

# %% [markdown]
# 그래프 하나에 교훈이 다 들어 있습니다. 숫자 대신 **비율**로 읽어 봅시다(여유를 넉넉히 둔 비교라서 부하가 조금 있어도 같은 결론이 나옵니다).
#
# CPU 배치에는 표의 마지막 열, **CPU 병렬도**도 봅니다. 태스크들이 실제로 CPU를 쓴 시간(스레드마다 `time.thread_time()`)을 모두 더해
# 배치 시간으로 나눈 값으로, 평균 몇 개의 CPU가 함께 일했는지를 뜻합니다. 코어가 둘이면 `prefork -c 2`는 2에 가깝고
# (다른 프로그램이 CPU를 쓰고 있으면 그보다 작습니다), `threads`는 GIL 때문에 스레드가 몇 개든 1을 넘지 못합니다.

# %%
io, cpu = ({p: t[b] for p, t in timings.items() if b in t} for b in ("I/O", "CPU"))

assert io["threads"] < io["prefork"] / 3
print("I/O 배치: threads(20개 동시)가 prefork(2개 동시)보다 3배 넘게 빠름")
assert io["gevent"] < io["prefork"] * 0.8
print("I/O 배치: gevent(20개 동시)도 prefork보다 빠름")
assert io["solo"] > io["prefork"] * 1.5
print("I/O 배치: solo(하나씩)가 prefork보다 1.5배 넘게 느림")
assert timings["threads"]["CPU 병렬도"] < 1.15
print("CPU 배치: threads는 네 태스크를 함께 돌려도 CPU를 한 개 분량만 씀 (GIL)")

# %% [markdown]
# - **I/O 배치**: 0.5초 기다리는 일 20개. `threads`와 `gevent`는 20개를 한꺼번에 기다리므로 0.5초 남짓이면 끝납니다.
#   (RabbitMQ 브로커를 쓰는 구성에서는 `gevent` 워커가 같은 배치에 2~3초 걸렸습니다. `gevent` 워커는 브로커 메시지를
#   이벤트 루프가 아닌 동기 루프로 받는데, 이 조합에서는 메시지를 늦게 꺼내는 것으로 보입니다. 그래도 `prefork`보다는 빠릅니다.)
#   `prefork -c 2`는 두 개씩 열 번 기다리므로 5초, `solo`는 하나씩 스무 번이라 10초입니다. 기다리는 일은 CPU가 필요 없으니
#   동시성을 코어 수보다 훨씬 크게 잡아도 됩니다.
# - **CPU 배치**: 1초짜리 계산 4개. 다른 프로그램이 CPU를 쓰지 않는다면 `prefork -c 2`는 두 코어에서 두 개씩 돌려 2초쯤입니다. `threads`는 스레드를 20개 두어도
#   GIL 때문에 파이썬 코드는 한 번에 한 스레드만 실행하므로 4초쯤 걸립니다(스레드 전환 비용이 더해집니다). 네 태스크가 동시에 시작하지만
#   GIL을 번갈아 쥐므로 CPU 병렬도는 1을 넘지 못합니다.
#
# 그래서 가이드의 조언, "I/O에는 스레드, CPU에는 프로세스"가 맞습니다. I/O 위주라면 `threads`나 `gevent`에 큰 `-c`를,
# CPU 위주라면 `prefork`에 코어 수만큼의 `-c`를 줍니다. 둘이 섞여 있다면 큐를 나누어(3장) 워커를 따로 띄우세요.
#
# ## 3. 정오표: "Celery는 컨테이너에 할당된 CPU 안에서 동작한다"
#
# `-c`를 주지 않으면 `prefork`의 동시성은 `os.cpu_count()`, 즉 **컴퓨터 전체**의 CPU 수입니다. 컨테이너의 CPU 할당량(cgroup)이나
# `taskset`으로 정한 CPU 친화도(affinity)는 보지 않습니다. 이 프로세스가 실제로 쓸 수 있는 CPU는 `os.sched_getaffinity(0)`가 알려 줍니다.
# (두 숫자는 컴퓨터마다 다르므로 아래 출력은 비교하지 않습니다.)

# %% tags=["nbval-ignore-output"]
import os

print("os.cpu_count():", os.cpu_count())
print("len(os.sched_getaffinity(0)):", len(os.sched_getaffinity(0)))
assert len(os.sched_getaffinity(0)) <= os.cpu_count()

# %% [markdown]
# 이제 워커를 `taskset -c 0`(CPU 0번만 쓰기) 아래에서 `-c` 없이 띄워 봅시다. `pools.start_pinned`는 `lab.worker`에
# 명령 앞에 붙일 `taskset -c 0`을 넘겨 띄웁니다. 터미널이라면 다음 명령입니다.
#
# ```
# taskset -c 0 celery -A labtasks worker -P prefork -n pinned@%h -Q pinned -l INFO
# ```

# %%
pinned = pools.start_pinned(cpus="0")
print("워커가 쓸 수 있는 CPU 수:", len(os.sched_getaffinity(pinned.pid)))
print("배너의 concurrency가 os.cpu_count()와 같은가:", pools.banner_concurrency(pinned) == os.cpu_count())
pinned.stop()

# %% [markdown]
# CPU를 하나만 쓸 수 있는데도 자식 프로세스를 컴퓨터 전체의 CPU 수만큼 띄웠습니다. 코어가 많은 서버의 작은 컨테이너라면
# 수십 개의 프로세스가 CPU 하나를 나눠 쓰며 메모리만 차지합니다.
#
# 고치는 법은 둘입니다.
#
# - `-c`를 직접 줍니다. 가장 확실합니다.
# - Celery 5.7에서는 `-c auto`도 됩니다. `prefork`의 동시성을 CPU 친화도에 맞춥니다(`solo`, `threads`, `gevent`에서는 효과가 없습니다).

# %%
pinned = pools.start_pinned(cpus="0", concurrency="auto")
print("-c auto일 때 배너의 concurrency:", pools.banner_concurrency(pinned))
pinned.stop()

# %% [markdown]
# ## 연습문제
#
# **연습문제 1.** `io_wait(0.5)` 20개를 `prefork -c 4` 워커에서 실행하면 대략 몇 초가 걸릴까요?
# 계산으로 답하고(`0.5 × 20 ÷ 4`), 확인 셀이 실제로 재어 봅니다. 측정이 답의 절반에서 두 배 사이면 통과입니다.

# %%
# 예시 답안입니다. 여러분의 답으로 바꿔 보세요.
answer_1 = 0.5 * 20 / 4

# %%
# 확인 셀
measured = pools.measure("prefork", 4, batches=["I/O"])["I/O"]
assert answer_1 / 2 < measured < answer_1 * 2, "계산을 다시 해 보세요: 네 개씩 몇 번 기다리나요?"
print("통과: 예상과 측정이 같은 크기입니다.")

# %% [markdown]
# **연습문제 2.** 다음 일마다 알맞은 풀을 고르세요(`"prefork"`, `"threads"`, `"gevent"` 중 하나).
# 이미지 크기를 줄이는 계산(`resize`), 외부 API 200곳에 HTTP 요청(`crawl`), 로그 파일 압축(`compress`).

# %%
# 예시 답안입니다. crawl은 "threads"도 정답입니다.
answer_2 = {"resize": "prefork", "crawl": "gevent", "compress": "prefork"}

# %%
# 확인 셀
cpu_bound = {"resize", "compress"}
for job, pool in answer_2.items():
    good = {"prefork"} if job in cpu_bound else {"threads", "gevent"}
    assert pool in good, f"{job}: CPU를 쓰는 일인가요, 기다리는 일인가요?"
print("정답입니다.")

# %% [markdown]
# ## 정리
#
# - `-P`는 태스크를 무엇으로 실행할지(프로세스, 스레드, 그린렛, 메인 프로세스), `-c`는 몇 개를 동시에 돌릴지 정한다.
# - 기다리는 일(I/O)은 `threads`나 `gevent`에 큰 동시성을 주면 빨라진다. 이 장의 측정에서 20개 동시가 2개 동시보다 몇 배나 빨랐다.
# - 계산하는 일(CPU)은 GIL 때문에 스레드로는 빨라지지 않는다. `prefork`로 코어 수만큼 돌린다.
# - `gevent`는 멍키 패치가 필요해서 항상 별도 워커 프로세스로 띄운다. `eventlet` 대신 `gevent`를 쓴다.
# - 기본 동시성은 `os.cpu_count()`라서 컨테이너 할당량과 `taskset`을 모른다. `-c`를 직접 주거나 `-c auto`를 쓴다.

# %%
lab.down()
