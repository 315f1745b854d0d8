# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F04_%EC%BA%94%EB%B2%84%EC%8A%A4.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/04_%EC%BA%94%EB%B2%84%EC%8A%A4.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 04. 캔버스
#
# ## 학습 목표
#
# - 시그니처(signature)가 무엇인지, `.s()`가 태스크를 실행하지 않고 호출 정보만 담는다는 것을 안다.
# - 부분 시그니처(partial signature)에 나중에 준 인자가 **앞에** 붙는다는 것을 `subtract`로 확인한다.
# - `link` 콜백(callback)에 부모 태스크의 결과가 앞에 붙어 전달된다는 것을 안다.
# - 프리미티브(primitive) `chain`, `chunks`, `group`, `chord`, `map`, `starmap`을 실행하고, 각각 태스크가 몇 개 도는지 모니터로 확인한다.
# - 가이드의 `chunks` 설명이 왜 틀렸는지, 왜 `range` 대신 리스트를 넘겨야 하는지 실행해서 본다.
# - 어떤 프리미티브에 결과 백엔드가 꼭 필요한지(가이드의 "모든 프리미티브"가 아니라 `chord`) 실행해서 본다.
#
# **준비물**: 02장(기본 사용법)을 마친 상태. 이 장은 02장의 `add`, `mult`, `subtract`, `xsum`, `square` 태스크를 씁니다.

# %%
import time

from celery import chain, chord, group

from labtasks import app, lab
from labtasks.chapters.views import table, timeline
from labtasks.tasks import add, mult, square, subtract, xsum

lab.up()
w = lab.worker("w1", queues=["celery"], concurrency=2)
mon = lab.monitor()
lab.workers()

# %% [markdown]
# Celery 문서는 태스크를 정의하고, 호출 정보를 다루고, 태스크끼리 엮는 설계 전체를 캔버스(Canvas)라고 부릅니다.
# 그 두 축이 **시그니처**(태스크 호출 정보)와 **프리미티브**(태스크를 엮어 처리하는 방식)입니다.

# %% [markdown]
# ## 1. 시그니처
#
# `add(2, 2)`는 이 커널에서 바로 계산하고, `add.delay(2, 2)`는 워커로 보냅니다. 둘 다 **실행**입니다. 실행하지 않고
# "`add`를 인자 2, 2로 부른다"는 정보만 갖고 싶으면 시그니처를 만듭니다. `add.signature(args=[2, 2])`와 줄임말 `add.s(2, 2)`는 같습니다.

# %%
t0 = time.time()
s = add.signature(args=[2, 2])
print(s)
print(s == add.s(2, 2))

# %% [markdown]
# 시그니처를 만든 것만으로는 아무것도 보내지 않았습니다. 모니터가 본 태스크가 하나도 없습니다.

# %%
time.sleep(0.5)
print("보낸 태스크 수:", len(mon.tasks(since=t0)))

# %% [markdown]
# 시그니처는 필요할 때 `delay()`나 `apply_async()`로 보냅니다. 인자와 함께 옵션(큐, 지연 시간 등)도 담을 수 있어서, 다른 함수에
# 넘기거나 나중에 보내거나, 다른 태스크에 엮을 수 있습니다.

# %%
s.delay().get(timeout=10)

# %% [markdown]
# ## 2. 부분 시그니처
#
# 인자 일부만 담은 시그니처를 부분 시그니처라고 합니다. 뺄셈 `x - y`에서 `y`를 먼저 알았다면 `subtract.s(y)`를 만들어 두고,
# 나중에 `x`를 주며 보냅니다. 나중에 준 인자는 **앞에** 붙습니다. `subtract.s(2)`에 10을 주면 `subtract(10, 2)`가 됩니다.

# %%
partial = subtract.s(2)
print(partial.clone(args=(10,)))
partial.apply_async(args=(10,)).get(timeout=10)

# %% [markdown]
# 결과는 `10 - 2 = 8`이지 `2 - 10 = -8`이 아닙니다. 덧셈이나 곱셈에서는 순서가 드러나지 않으니, 순서를 확인할 때는 뺄셈이 좋습니다.

# %% [markdown]
# ## 3. 콜백: `link`
#
# `apply_async(link=시그니처)`는 태스크가 성공하면 그 결과로 시그니처를 이어서 보냅니다. 이것이 콜백입니다.
# `(x + y) * z`를 풀려면 `* z`를 부분 시그니처로 만들어 `link`로 답니다. 부모의 결과는 콜백 인자의 **앞에** 붙습니다.

# %%
res = add.apply_async((2, 3), link=mult.s(10))
print("부모:", res.get(timeout=10))
print("콜백:", res.children[0].get(timeout=10))

# %% [markdown]
# 앞에 붙는다는 것은 뺄셈 콜백으로 보면 분명합니다. `add(2, 3)`의 결과 5가 `subtract.s(1)`의 앞에 붙어 `subtract(5, 1)`이 됩니다.

# %%
res = add.apply_async((2, 3), link=subtract.s(1))
res.get(timeout=10)
res.children[0].get(timeout=10)

# %% [markdown]
# ## 4. `chain`
#
# 태스크를 줄줄이 잇는 프리미티브입니다. 첫 태스크를 빼면 모두 부분 시그니처이고, 앞 태스크의 결과가 다음 태스크 인자의 앞에 붙습니다.
# `|` 연산자로도 같은 체인을 만듭니다.

# %%
# ((2 + 2) + 4) + 8
print(chain(add.s(2, 2), add.s(4), add.s(8))().get(timeout=10))
print((add.s(2, 2) | add.s(4) | add.s(8))().get(timeout=10))

# %% [markdown]
# 덧셈, 곱셈, 뺄셈을 섞어도 됩니다. `((2 + 2) * 10) - 1`입니다.

# %%
(add.s(2, 2) | mult.s(10) | subtract.s(1)).delay().get(timeout=10)

# %% [markdown]
# ## 5. `chunks`
#
# 긴 인자 목록을 조각으로 나눠 조각마다 태스크 하나로 처리합니다. 가이드의 예를 그대로 실행해 봅시다.
#
# ### 정오표: `n`은 조각의 **크기**다
#
# 가이드는 `add.chunks(items, 5)`가 "10개의 값을 5개의 태스크로" 나눠, 태스크마다 결과 2개씩 `[[0,2], [4,6], [8,10], ..]`이
# 나온다고 설명합니다. 실제로는 두 번째 인자 `n`이 **한 조각의 크기**라서, 5개씩 든 조각 2개, 즉 태스크 2개가 됩니다.

# %%
items = list(zip(range(10), range(10)))  # [(0, 0), (1, 1), …, (9, 9)]
t0 = time.time()
res = add.chunks(items, 5).apply_async()
print(res.get(timeout=10))

# %% [markdown]
# 모니터로 워커가 실제로 실행한 태스크를 세어 봅시다. 조각 하나가 `celery.starmap` 태스크 하나입니다.

# %%
mon.wait_all(res.results, timeout=10)
print([r.name for r in mon.tasks(since=t0)])

# %% [markdown]
# 가이드가 말한 "2개씩 5개의 태스크"를 원하면 조각 크기를 2로 줍니다.

# %%
add.chunks(items, 2).apply_async().get(timeout=10)

# %% [markdown]
# ## 6. `group`
#
# 리스트에 담긴 시그니처를 한꺼번에 보내 병렬로 처리합니다. 결과는 보낸 순서대로 모입니다.

# %%
t0 = time.time()
res = group(add.s(i, i) for i in range(10))()
print(res.get(timeout=10))

# %% [markdown]
# 워커의 동시성이 2이므로, 타임라인에서 태스크 막대가 두 줄로 겹쳐 실행되는 것이 보입니다.

# %%
mon.wait_all(res.results, timeout=10)
timeline(mon, since=t0, title="add 10개의 group, 동시성 2")

# %% [markdown]
# ## 7. `chord`
#
# `chord`는 그룹(header)에 콜백(body) 하나를 더한 것입니다. 그룹의 결과가 모두 모이면 그 리스트를 콜백에 넘깁니다.
# 가이드처럼 여러 값을 더하는 `xsum`을 콜백으로 씁니다.

# %%
res = chord((add.s(i, i) for i in range(10)), xsum.s()).apply_async()
res.get(timeout=10)

# %% [markdown]
# **왜 결과 백엔드가 필요한가.** 그룹의 태스크들은 여러 워커 프로세스에서 따로 끝납니다. "모두 끝났는가"를 누군가 세어야 콜백을
# 보낼 수 있는데, 그 결과와 개수를 모아 두는 곳이 결과 백엔드입니다. Redis 결과 백엔드는 태스크가 끝날 때마다 카운터를 하나씩
# 올리고, 마지막 태스크가 콜백을 보냅니다.
#
# ### 정오표: "프리미티브를 쓰려면 무조건 결과 백엔드가 필요하다"?
#
# 가이드는 이렇게 되풀이하지만, Celery 5.7에서 결과 백엔드가 꼭 있어야 하는 것은 `chord`(그리고 그룹 뒤에 태스크를 이어 `chord`로
# 바뀌는 체인)입니다. 결과 백엔드가 **없는** 앱을 하나 더 만들어, 같은 브로커로 같은 워커에게 보내 봅시다.
# 한 가지 주의할 점: 환경 변수 `CELERY_RESULT_BACKEND`는 앱 설정보다 우선합니다. `lab.up()`이 이 변수를 정해 두었으므로,
# 앱을 만드는 동안만 잠시 빼 둡니다.

# %%
import os

from celery import Celery

saved = os.environ.pop("CELERY_RESULT_BACKEND")
no_backend = Celery("no_backend", broker=app.conf.broker_url)  # backend를 주지 않음
print("결과 백엔드:", type(no_backend.backend).__name__)
os.environ["CELERY_RESULT_BACKEND"] = saved

# %% [markdown]
# 이 앱에는 태스크 함수가 없으므로 `signature("태스크 이름", 인자)`로 시그니처를 만듭니다. `chain`과 `group`은 보내지고,
# `chord`는 보내는 순간 거부됩니다.

# %%
def sig(task, *args):
    return no_backend.signature(task.name, args)


t0 = time.time()
sent = {
    "chain": (sig(add, 2, 2) | sig(add, 4)).apply_async(),
    "group": group(sig(add, i, i) for i in range(3)).apply_async(),
}
try:
    chord([sig(add, i, i) for i in range(3)], sig(xsum)).apply_async()
except NotImplementedError as exc:
    print("chord →", type(exc).__name__, ":", str(exc).splitlines()[0])

# %% [markdown]
# 보낸 것은 워커가 실제로 실행했습니다. 모니터가 본 태스크를 이름과 인자 순으로 봅시다(체인의 두 번째 태스크 `add(4, 4)`는 워커가
# 첫 태스크를 끝낸 뒤 보낸 것입니다).

# %%
mon.wait_for(sent["chain"], timeout=10)
mon.wait_all(sent["group"].results, timeout=10)
lines = [f"{r.name.rsplit('.', 1)[-1]}{r.args} → {r.result} {r.state}" for r in mon.tasks(since=t0)]
print("\n".join(sorted(lines)))

# %% [markdown]
# 다만 결과 백엔드가 없는 쪽에서는 결과를 받아 올 수 없습니다(`get()`이 동작하지 않습니다). 결과를 확인하려면 모니터나 워커 로그를
# 봐야 합니다. 정리하면, 결과 백엔드가 없어도 `chain`과 `group`은 보내지고 실행되며, `chord`는 결과를 모아 세야 하므로 결과
# 백엔드가 있어야 합니다.
#
# **`rpc://` 결과 백엔드는?** `rpc://`는 결과를 메시지로 보낸 쪽에 돌려보낼 뿐 어디에도 모아 두지 않습니다. 그래서 `chord`를 지원하지
# 않습니다. `chord`를 보낼 때 Celery는 결과 백엔드에게 chord를 준비하라고 하는데, `rpc://` 백엔드의 대답은 이렇습니다.

# %%
from celery.backends.rpc import RPCBackend

try:
    RPCBackend(app=app).ensure_chords_allowed()  # chord를 보내기 전에 Celery가 백엔드에 묻는 것
except NotImplementedError as exc:
    print(exc)

# %% [markdown]
# 이 강좌는 브로커가 Redis이든 RabbitMQ이든 결과 백엔드로 Redis를 쓰므로 `chord`가 동작합니다.

# %% [markdown]
# ## 8. `map`과 `starmap`
#
# `group`이 태스크 여러 개를 **병렬로** 돌리는 것과 달리, `map`과 `starmap`은 리스트의 값들을 **태스크 하나 안에서** 차례로 처리합니다.
# `map`은 값 하나씩, `starmap`은 튜플을 풀어 인자 여러 개로 넘깁니다.

# %%
t0 = time.time()
res = square.map([1, 2, 3]).apply_async()
print(res.get(timeout=10))
mon.wait_for(res, timeout=10)
table(mon, since=t0)

# %%
t0 = time.time()
res = add.starmap([(0, 0), (1, 1), (2, 2)]).apply_async()
print(res.get(timeout=10))
mon.wait_for(res, timeout=10)
table(mon, since=t0)

# %% [markdown]
# 모니터의 표에 태스크가 한 줄씩만 있습니다. 이름은 `square`나 `add`가 아니라 `celery.map`, `celery.starmap`이고, 그 하나가 워커
# 프로세스 하나에서 세 값을 차례로 계산했습니다. 같은 일을 `group`으로 하면 태스크가 세 개 돕니다.

# %%
t0 = time.time()
res = group(square.s(x) for x in [1, 2, 3])()
print(res.get(timeout=10))
mon.wait_all(res.results, timeout=10)
print([r.name for r in mon.tasks(since=t0)])

# %% [markdown]
# 값이 많고 한 번의 계산이 아주 짧다면 `map`(또는 적당한 크기의 `chunks`)이 메시지 수를 줄여 주고, 하나하나가 오래 걸린다면
# `group`으로 여러 워커에 나누는 편이 빠릅니다.

# %% [markdown]
# ## 9. JSON 함정: `range`가 아니라 리스트를 넘긴다
#
# 이 강좌의 앱은 안전을 위해 메시지를 JSON으로만 직렬화합니다. JSON은 리스트는 알지만 파이썬의 `range`나 `zip` 객체는 모릅니다.
# 그래서 `range`를 그대로 넘기면 메시지를 만들다가 실패합니다(워커에 도착하기도 전에 이 커널에서).

# %%
try:
    xsum.delay(range(10))
except Exception as exc:
    print(type(exc).__name__, ":", exc)

# %% [markdown]
# `list()`로 바꿔 넘기면 됩니다. 가이드의 `starmap` 예에 나오는 `zip(…)`도 마찬가지로 `list(zip(…))`로 넘깁니다.
# (`chunks`는 받은 값을 조각 리스트로 나눠 담으므로 `zip`을 그대로 줘도 동작하지만, 습관처럼 리스트로 바꾸는 편이 안전합니다.)

# %%
print(xsum.delay(list(range(10))).get(timeout=10))
print(add.starmap(list(zip(range(3), range(3)))).delay().get(timeout=10))

# %% [markdown]
# 튜플도 JSON을 지나면 리스트가 됩니다. 태스크가 받은 인자의 타입이 바뀔 수 있다는 점도 기억해 두세요.

# %% [markdown]
# ## 정리
#
# - 시그니처는 태스크 호출 정보다. `add.s(2, 2)`는 아무것도 실행하지 않고, `delay()`/`apply_async()`로 보낼 때 실행된다.
# - 부분 시그니처와 `link` 콜백에서 나중에 들어오는 인자(부모의 결과)는 **앞에** 붙는다.
# - `chain`(`|`)은 결과를 다음 태스크로 넘기며 차례로, `group`은 병렬로, `chord`는 그룹이 모두 끝나면 콜백 하나를 실행한다.
# - 결과 백엔드가 없어도 `chain`과 `group`은 보내지고 실행된다(결과를 받아 올 수 없을 뿐). `chord`에는 결과를 모아 세는 결과 백엔드가
#   꼭 필요하고, `rpc://`는 `chord`를 지원하지 않는다(가이드의 "모든 프리미티브에 필요하다"는 틀림).
# - `chunks(items, n)`의 `n`은 조각 크기다. 10개를 `n=5`로 나누면 태스크 2개, `[[0, 2, 4, 6, 8], [10, 12, 14, 16, 18]]`.
# - `map`/`starmap`은 태스크 **하나**가 값들을 차례로 처리한다.
# - JSON 직렬화에서는 `range`, `zip` 대신 리스트를 넘긴다.

# %% [markdown]
# ## 연습문제
#
# 각 연습의 확인 셀은 `확인.연습_N(답)`을 부릅니다. 확인은 답의 구조(어떤 프리미티브로 어떤 태스크를 엮었는지)를 보고, 이 장의
# 워커에서 실행해 결과를 확인합니다. 어떻게 판단하는지는 `labtasks/checks/ch04.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch04 as 확인

# %% [markdown]
# **연습 1.** 시그니처와 `chain`으로 `(3 + 4) * 5 - 6`을 계산하는 캔버스를 만들어 `답`에 담으세요. 앞 태스크의 결과가 다음 태스크로
# 넘어가야 합니다(결과는 29).

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = add.s(3, 4) | mult.s(5) | subtract.s(6)
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `[(1, 1), (2, 2), …, (6, 6)]`을 `add.chunks`로 나눠, 워커가 **조각 태스크 3개**로 처리하게 하는 `chunks`를 `답`에 담으세요.
# 확인 셀은 모니터로 조각 태스크가 몇 개 돌았는지 셉니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = add.chunks([(i, i) for i in range(1, 7)], 2)
확인.연습_2(답)

# %% [markdown]
# **연습 3.** `chord`로 1부터 5까지 각 수의 제곱(`square`)을 구한 뒤 `xsum`으로 더하는 캔버스를 `답`에 담으세요(결과는 55).
# 콜백 `xsum`은 헤더가 돌려준 제곱들의 목록을 받아서 더해야 합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = chord((square.s(x) for x in [1, 2, 3, 4, 5]), xsum.s())
확인.연습_3(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것(워커, 모니터, 내장 Redis)을 모두 멈춥니다.

# %%
lab.down()
