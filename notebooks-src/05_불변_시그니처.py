# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F05_%EB%B6%88%EB%B3%80_%EC%8B%9C%EA%B7%B8%EB%8B%88%EC%B2%98.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/05_%EB%B6%88%EB%B3%80_%EC%8B%9C%EA%B7%B8%EB%8B%88%EC%B2%98.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 05. 불변 시그니처
#
# ## 학습 목표
#
# - 불변 시그니처(immutable signature)가 무엇이고, `.si()`가 `.s()`와 체인 안에서 어떻게 다르게 동작하는지 안다.
# - `res.parent`를 따라 체인의 앞 태스크 결과로 거슬러 올라간다.
# - 헤더의 결과가 필요 없는 `chord` 콜백을 `.si()`로 만든다(사용자마다 `send_alert`, 끝나면 `notify_admin`).
# - `.s()`와 `.si()` 가운데 무엇을 고를지 판단한다.
#
# **준비물**: 04장(캔버스)의 시그니처, 부분 시그니처, `chain`, `chord`. 이 장의 새 태스크는 `labtasks/tasks/canvas.py`에 있습니다.

# %%
import time

from celery import chord

from labtasks import lab
from labtasks.chapters.views import summary, timeline
from labtasks.tasks import add, mult, notify_admin, send_alert

lab.up()
w = lab.worker("w1", queues=["celery"], concurrency=2)
mon = lab.monitor()
lab.workers()

# %% [markdown]
# ## 1. 체인에서 `.s()`와 `.si()`
#
# 04장에서 본 것처럼 `chain`의 다음 태스크나 `chord`의 콜백은 앞 태스크의 결과를 인자 **앞에** 받습니다.
# 불변 시그니처(`immutable=True`)는 앞 결과를 받지 않고, 만들 때 준 인자만으로 실행됩니다. 줄임말은 `.si()`입니다.
#
# ### 정오표: 불변 시그니처는 "이전 값이 유지"되는 것이 아니다
#
# 가이드는 immutable이면 "이전 값이 유지가 된다"고 설명합니다. 실제로는 앞 태스크의 결과를 **무시**할 뿐입니다.
# 체인 안에서 무엇이 "유지"되어 다음으로 넘어가는 일은 없고, 불변 시그니처는 자기가 가진 인자로만 실행됩니다.
# 아래 두 셀과 2절의 `[200, 20, 2]`가 그것을 보여 줍니다.

# %%
print(add.signature((4, 4), immutable=True) == add.si(4, 4))
print(add.si(4, 4).immutable, add.s(4).immutable)

# %% [markdown]
# 차이는 같은 자리에 두 시그니처를 놓아 보면 드러납니다. `.s()`는 앞 결과 4를 받아 `mult(4, 10)`, `.si()`는 받지 않아 `mult(3, 10)`입니다.

# %%
print((add.s(2, 2) | mult.s(10)).delay().get(timeout=10))
print((add.s(2, 2) | mult.si(3, 10)).delay().get(timeout=10))

# %% [markdown]
# 인자를 다 채운 `.s()`를 체인 뒤에 두면 앞 결과가 **하나 더** 붙어서 태스크가 실패합니다. `add.s(4, 4)`는 `add(4, 4, 4)`로 불립니다.

# %%
try:
    (add.s(2, 2) | add.s(4, 4)).delay().get(timeout=10)
except TypeError as exc:
    print("TypeError:", exc)

# %% [markdown]
# ## 2. 가이드의 예: `res.parent`로 거슬러 올라가기
#
# 가이드의 체인은 세 덧셈을 모두 불변으로 둡니다. 각 태스크는 앞 결과와 상관없이 자기 인자만 더합니다. 체인이 돌려주는 결과는 마지막
# 태스크의 것이고, `parent`를 따라가면 앞 태스크들의 결과가 나옵니다.

# %%
res = (add.si(2, 2) | add.si(4, 4) | add.si(8, 8)).apply_async()
print(res.get(timeout=10))
print(res.parent.get(timeout=10))
print(res.parent.parent.get(timeout=10))

# %% [markdown]
# 16, 8, 4. 이 체인에서 `.si`를 `.s`로 바꾸기만 하면 1절에서 본 것처럼 `add.s(4, 4)`가 앞 결과까지 받아 `add(4, 4, 4)`가 되므로
# TypeError로 실패합니다. 앞 결과를 받도록 인자를 하나씩 뺀 `.s()` 체인 `add.s(2, 2) | add.s(4) | add.s(8)`은 어떨까요?
# `2 + 2 = 4`, `4 + 4 = 8`, `8 + 8 = 16`이라 우연히 같은 숫자가 나옵니다. 숫자가 같아도 하는 일은 다르다는 것을 기억하세요.

# %%
res_s = (add.s(2, 2) | add.s(4) | add.s(8)).apply_async()
node, values = res_s, []
while node is not None:
    values.append(node.get(timeout=10))
    node = node.parent
print(values)

# %% [markdown]
# 불변 시그니처의 차이가 드러나도록 숫자를 바꿔 봅시다. 앞 결과를 무시하므로 각 단계가 자기 인자의 합만 냅니다.

# %%
res = (add.si(1, 1) | add.si(10, 10) | add.si(100, 100)).apply_async()
node, values = res, []
while node is not None:
    values.append(node.get(timeout=10))
    node = node.parent
print(values)

# %% [markdown]
# ## 3. 결과가 필요 없는 `chord` 콜백: `notify_admin.si()`
#
# 가이드의 예는 사용자마다 경고 메시지를 보내고(`send_alert`), 모두 보낸 뒤 관리자에게 알리는 것입니다(`notify_admin`).
# 관리자 알림에는 경고 결과 목록이 필요 없습니다. 그래서 콜백을 불변 시그니처로 둡니다.
#
# ### 정오표: `chord(...).apply_async(),` 끝의 쉼표
#
# 가이드의 예는 `chord(...).apply_async(),`처럼 끝에 쉼표가 붙어 있습니다. 파이썬에서 식 끝의 쉼표는 **튜플**을 만듭니다.
# `res = chord(...).apply_async(),`라고 쓰면 `res`는 `AsyncResult`가 아니라 그것 하나를 담은 튜플이 되어 `res.get()`이 실패합니다.

# %%
users = ["김철수", "이영희", "박민수", "최지우"]
t0 = time.time()
res = chord((send_alert.s(u) for u in users), notify_admin.si()).apply_async(),
print(type(res).__name__, "/ get이 있는가:", hasattr(res, "get"))
res = res[0]  # 쉼표 없이 쓴 것과 같은 AsyncResult
print(res.get(timeout=10))

# %% [markdown]
# 콜백의 `parent`는 헤더(그룹)의 결과입니다. 경고는 사용자 순서대로 모입니다.

# %%
res.parent.get(timeout=10)

# %% [markdown]
# 모니터로 실행 순서를 봅시다. `send_alert` 네 개가 두 프로세스에서 병렬로 돌고, 마지막 `send_alert`가 결과를 저장하면
# `notify_admin`이 한 번 돕니다. (막대의 끝은 워커가 '성공' 이벤트를 보낸 시각이라, 마지막 `send_alert` 막대와 `notify_admin` 막대가
# 살짝 겹쳐 보일 수 있습니다.)

# %%
mon.wait_all([*res.parent.results, res], timeout=10)
summary(mon, since=t0)

# %%
timeline(mon, since=t0, title="chord: 사용자마다 send_alert, 그다음 notify_admin.si()")

# %% [markdown]
# 콜백을 `.s()`로 두면 어떻게 될까요? 헤더 결과 목록이 `notify_admin`의 인자로 붙는데, `notify_admin`은 인자를 받지 않으므로 콜백이 실패합니다.

# %%
try:
    chord((send_alert.s(u) for u in users), notify_admin.s()).apply_async().get(timeout=10)
except Exception as exc:
    print(type(exc).__name__, ":", exc)

# %% [markdown]
# ## 4. 언제 무엇을 고르나
#
# | 상황 | 고를 것 | 예 |
# |---|---|---|
# | 앞 태스크의 결과가 다음 태스크의 입력이다 | `.s()` (부분 시그니처) | `add.s(2, 2) \| mult.s(10)` |
# | 앞 태스크가 **끝났다는 사실**만 필요하고 결과는 필요 없다 | `.si()` (불변 시그니처) | 경고를 다 보낸 뒤 `notify_admin.si()` |
# | 인자가 이미 다 정해진 태스크를 순서대로만 돌리고 싶다 | `.si()` | 백업 → 정리 → 보고 같은 단계 |
# | 결과를 받되 일부 인자는 미리 정해 두고 싶다 | `.s(미리 정한 인자)` | `subtract.s(1)`: 앞 결과에서 1을 뺀다 |
#
# 판단 기준은 하나입니다. "이 태스크가 앞 결과를 인자로 받는가?" 받으면 `.s()`, 받지 않으면 `.si()`입니다.
# 받지 않을 태스크를 `.s()`로 두면 위에서 본 것처럼 인자 개수가 맞지 않아 실패하거나, 더 나쁘게는 엉뚱한 값으로 조용히 실행됩니다.

# %% [markdown]
# ## 정리
#
# - 불변 시그니처(`.si()`, `immutable=True`)는 앞 태스크의 결과를 인자로 받지 않는다.
# - 체인의 결과는 마지막 태스크의 결과이고, `res.parent`를 따라 앞 태스크들의 결과로 거슬러 올라간다.
# - 가이드의 `add.si(2,2) | add.si(4,4) | add.si(8,8)`에서 `.si`만 `.s`로 바꾸면 TypeError가 난다. 인자를 하나씩 뺀 `.s()` 체인
#   `add.s(2, 2) | add.s(4) | add.s(8)`은 우연히 같은 숫자(16, 8, 4)를 낸다. 차이는 다른 숫자로 확인한다.
# - 헤더 결과가 필요 없는 `chord` 콜백은 `.si()`로 둔다. `.s()`로 두면 결과 목록이 인자로 붙는다.

# %% [markdown]
# ## 연습문제
#
# 각 연습의 확인 셀은 `확인.연습_N(답)`을 부릅니다. 확인은 어느 시그니처가 불변인지(구조)를 보고, 이 장의 워커에서 실행해 결과를
# 확인합니다. 어떻게 판단하는지는 `labtasks/checks/ch05.py`에서 볼 수 있습니다.

# %%
from labtasks.checks import ch05 as 확인

# %% [markdown]
# **연습 1.** `add(1, 2)`를 실행한 뒤, 그 결과와 상관없이 `mult(6, 7)`을 실행하는 체인을 `답`에 담으세요.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = add.s(1, 2) | mult.si(6, 7)
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 사용자 `"a"`, `"b"`, `"c"`에게 `send_alert`를 한꺼번에 보내고, 셋이 모두 끝나면 `notify_admin`을 실행하는 `chord`를
# `답`에 담으세요.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = chord((send_alert.s(u) for u in ["a", "b", "c"]), notify_admin.si())
확인.연습_2(답)

# %% [markdown]
# **연습 3.** 체인 `add.si(3, 3) | add.s(10) | add.si(1, 1)`을 실행하면, 마지막 결과에서 `parent`를 따라가며 얻는 값 목록(마지막 태스크부터)은
# 무엇일까요? 체인을 실행하지 말고 **예상**해서 리스트로 `답`에 적으세요. 확인 셀이 체인을 실제로 실행해 예상과 비교합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = [2, 16, 6]  # add.si(1, 1) = 2, add(6, 10) = 16, add.si(3, 3) = 6
확인.연습_3(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것(워커, 모니터, 내장 Redis)을 모두 멈춥니다.

# %%
lab.down()
