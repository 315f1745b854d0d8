# %% [markdown]
# # 02. 기본 사용법
#
# ## 학습 목표
#
# - Celery 앱과 설정을 읽고, 가이드의 `'imports': ('tasks')`가 왜 우연히 동작하는지 설명할 수 있다.
# - `@app.task`로 태스크를 만들고, 함수로 직접 부르는 것과 워커에 보내는 것을 구별한다.
# - 노트북 커널에서 워커를 띄우고, 같은 워커를 터미널에서 띄우는 명령을 안다.
# - `apply_async`로 태스크 열 개를 보내고 워커 로그에서 처리 과정을 확인한다.
# - `AsyncResult`의 `state`, `ready()`, `get()`을 쓰고, 결과를 기다리며 멈춰 있으면 안 되는 이유를 안다.
# - 인자가 틀렸거나 없는 태스크 이름을 보냈을 때 무슨 일이 일어나는지 확인한다.
#
# **준비물**: 01장에서 `lab.up()`이 동작하는 것을 확인한 환경.
#
# 아래 셀 하나로 브로커와 결과 백엔드, 그리고 `celery` 큐를 소비하는 워커 `w1`을 준비합니다.

# %%
from labtasks import lab
from labtasks.tasks import add, mult, slow_add

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)

# %% [markdown]
# ## 1. 앱과 설정
#
# 가이드는 `worker.py`에 `Celery(__name__)`로 앱을 만들고 `app.conf.update({...})`로 브로커와 결과 백엔드를
# 지정합니다. 이 강좌의 앱은 `labtasks/app.py`에 있고 같은 방식으로 설정합니다. 몇 가지를 읽어 봅시다.

# %%
from labtasks import app

for key in ["task_serializer", "accept_content", "worker_send_task_events",
            "task_send_sent_event", "broker_connection_timeout", "include"]:
    print(f"{key:26} {app.conf[key]!r}")

# %% [markdown]
# - 직렬화는 JSON만 씁니다. pickle은 메시지를 푸는 순간 임의의 코드를 실행할 수 있어서 받지 않습니다.
# - 태스크 이벤트를 켜 두었습니다. 7장의 Flower와 3장의 모니터가 이 이벤트로 태스크를 지켜봅니다.
# - 브로커가 죽어 있으면 몇 초 안에 오류가 나도록 연결 제한 시간을 짧게 두었습니다. 셀이 영원히 멈추지 않습니다.
# - 태스크 모듈은 `include`로 알려 줍니다. 워커는 시작할 때 이 모듈을 가져와 태스크를 등록합니다.
#
# ### 정오표: `'imports': ('tasks')`는 튜플이 아니다
#
# 괄호만 씌운 문자열은 그냥 문자열입니다. 튜플이 되려면 쉼표가 있어야 합니다.

# %%
print(type(('tasks')), type(('tasks',)))

# %% [markdown]
# 그런데도 가이드의 설정이 동작하는 까닭은 Celery가 이 값을 읽을 때 문자열 하나를 목록으로 감싸 주기 때문입니다.
# 우연히 맞은 셈이라, 모듈을 하나 더 넣으려고 `('tasks' 'db_tasks')`처럼 쉼표를 빠뜨리면 두 이름이 붙어 버립니다.
# 처음부터 `('tasks',)`나 `['tasks']`로 쓰세요.

# %%
from celery.utils.functional import maybe_list

print(maybe_list('tasks'), maybe_list(('tasks',)), maybe_list(('tasks' 'db_tasks')))

# %% [markdown]
# ## 2. `@app.task`로 태스크 만들기
#
# 가이드의 덧셈 태스크는 `labtasks/tasks/basics.py`에 있습니다. 함수 위에 `@app.task` 한 줄을 얹은 것이 전부입니다.

# %%
import inspect

print(inspect.getsource(add.run))
print("태스크 이름:", add.name)

# %% [markdown]
# 태스크도 함수처럼 직접 부를 수 있습니다. 하지만 그러면 워커가 아니라 **이 커널에서** 바로 실행됩니다.
# 워커에게 맡기려면 `apply_async()`(또는 그 줄임인 `delay()`)로 보내야 합니다.

# %%
add(2, 3)

# %% [markdown]
# ## 3. 워커 띄우기
#
# 맨 위 셀의 `lab.worker("w1", …)`가 워커 프로세스를 띄웠습니다. 터미널에서라면 아래 명령과 같습니다.
# `-n w1@%h`는 워커 이름(`%h`는 호스트 이름), `-Q`는 소비할 큐, `-P`와 `-c`는 풀(pool)과 동시성(concurrency)입니다.

# %%
print(w.spec.command())
w

# %% [markdown]
# 같은 셀을 다시 실행해도 워커가 하나 더 뜨지 않습니다. 이름과 설정이 같으면 이미 떠 있는 워커를 그대로 돌려줍니다.

# %%
lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2) is w

# %% [markdown]
# ## 4. 태스크 열 개 보내기
#
# 가이드의 `make_request`를 그대로 옮겨 봅시다. `apply_async`는 메시지를 큐에 넣고 곧바로 돌아옵니다.
# 돌아온 값은 결과 자체가 아니라 나중에 결과를 찾아갈 때 쓰는 번호표(`AsyncResult`)입니다.

# %%
def make_request(n):
    return [add.apply_async(args=[116, 124]) for _ in range(n)]


results = make_request(10)
[r.get(timeout=10) for r in results]

# %% [markdown]
# 워커 로그에는 태스크마다 받은 줄(`received`)과 끝낸 줄(`succeeded`)이 남습니다.
# 줄마다 대괄호 안의 태스크 id와 맨 앞의 시각은 실행할 때마다 달라집니다.

# %%
log = w.logs(200)
received = [line for line in log if "basics.add[" in line and line.endswith("received")]
succeeded = [line for line in log if "basics.add[" in line and " succeeded in " in line]
print("받은 태스크:", len(received), "/ 끝낸 태스크:", len(succeeded))
print(received[-1])
print(succeeded[-1])

# %% [markdown]
# `MainProcess`가 메시지를 받고, `ForkPoolWorker-N`(prefork 풀의 자식 프로세스)이 실제로 실행합니다.
#
# ## 5. `AsyncResult`: 상태와 결과
#
# 1초쯤 걸리는 `slow_add`로 상태가 바뀌는 것을 봅시다. 보내자마자 물어보면 아직 끝나지 않았습니다.

# %%
result = slow_add.apply_async(args=[210, 210])
print(result.state, result.ready())

# %% [markdown]
# `get()`은 결과가 올 때까지 기다립니다. 언제까지 기다릴지 `timeout`을 꼭 주세요.

# %%
print(result.get(timeout=10))
print(result.state, result.ready())

# %% [markdown]
# ### 결과를 기다리며 멈춰 있으면 안 되는 이유
#
# Celery를 쓰는 까닭은 오래 걸리는 일을 워커에게 넘기고 호출한 쪽은 제 할 일을 계속하기 위해서입니다.
# 보내자마자 `get()`으로 기다리면 함수를 직접 부른 것과 다를 바가 없고, 메시지를 오가는 비용만 늘어납니다.
# 웹 요청 처리 중에 `get()`을 부르면 그 요청이 워커를 기다리며 묶여 버립니다.
#
# 그래서 보통은 다음 중 하나를 씁니다.
#
# - 결과가 필요 없으면 받지 않는다. 결과는 태스크가 DB에 직접 쓴다.
# - 나중에 `ready()`로 확인하고, 끝났을 때만 `get()`한다. (가이드의 예시가 이 모양입니다.)
# - 다음 일을 콜백(callback)으로 이어 붙인다. 4장 캔버스에서 다룹니다.
#
# 태스크 **안에서** 다른 태스크의 결과를 `get()`으로 기다리는 것은 교착 상태를 부를 수 있어 Celery가 막습니다. 9장에서 직접 봅니다.

# %% [markdown]
# ## 6. 잘못 보냈을 때
#
# 인자 개수가 틀리면 메시지를 보내기 **전에** 이 커널에서 바로 `TypeError`가 납니다.
# Celery가 보내기 전에 함수가 받는 인자 목록과 넘긴 인자를 맞춰 보기 때문입니다.

# %% tags=["raises-exception"]
add.delay(1)

# %% [markdown]
# 개수는 맞지만 값이 틀리면 워커에서 실행하다 실패합니다. 상태는 `FAILURE`가 되고, `get()`은 워커에서 난 예외를
# 그대로 다시 일으킵니다. `propagate=False`를 주면 예외를 일으키는 대신 예외 객체를 돌려받습니다.

# %%
bad = add.delay("1", 2)
print(repr(bad.get(timeout=10, propagate=False)))
print(bad.state)
print(bad.traceback.strip().splitlines()[-1])

# %% [markdown]
# 태스크 이름을 잘못 쓰면 어떨까요? `app.send_task`는 이름만으로 태스크를 보내므로 이 커널에서는 막을 방법이 없습니다.
# 대신 워커가 모르는 이름을 받으면 메시지를 버리고 결과를 `NotRegistered` 실패로 기록합니다. 결과가 `PENDING`에 머물지 않습니다.

# %%
unknown = app.send_task("labtasks.tasks.basics.없는_태스크", args=[1, 2])
error = unknown.get(timeout=10, propagate=False)
print(f"{type(error).__name__}: {error}")
print(unknown.state)
print([line for line in w.logs(200) if "unregistered task" in line][-1])

# %% [markdown]
# 조용히 `PENDING`에 머무는 경우도 있습니다. 아무 워커도 소비하지 않는 큐로 보냈을 때입니다. 3장 라우팅에서 가이드의 예시로 직접 확인합니다.

# %% [markdown]
# ## 정리
#
# - 앱 설정은 `app.conf`에 있다. 태스크 모듈 목록은 `('tasks',)`처럼 쉼표 있는 튜플이나 리스트로 쓴다.
# - `@app.task`를 붙인 함수를 직접 부르면 이 프로세스에서 실행되고, `apply_async`/`delay`로 보내야 워커가 실행한다.
# - `apply_async`는 곧바로 `AsyncResult`를 돌려준다. `state`와 `ready()`로 확인하고, `get()`에는 `timeout`을 준다.
# - 인자 개수가 틀리면 보내기 전에, 값이 틀리면 워커에서 `FAILURE`로, 없는 이름이면 `NotRegistered` 실패로 드러난다.

# %% [markdown]
# ## 연습문제
#
# 확인 셀은 답을 `w1`에서 실제로 실행해 보고 판정합니다. 정답은 각 확인 셀 아래에 접혀 있습니다.

# %%
from labtasks.checks import ch02 as 확인

# %% [markdown]
# **연습 1.** `mult` 태스크로 6 × 7을 **워커에서** 계산하세요. 워커에 보내고 돌려받은 것을 `답`에 담습니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = mult.delay(6, 7)
확인.연습_1(답)

# %% [markdown]
# **연습 2.** `AsyncResult` 목록을 받아, 모두 끝났으면 `True`를, 하나라도 아직이면 `False`를 돌려주는 함수를 쓰고
# 그 함수를 `답`에 담으세요. 성공했든 실패했든 끝난 것은 끝난 것입니다. 결과를 기다리지 말고 지금 끝났는지만 보세요.
# 확인 셀은 성공한 태스크, 실패한 태스크, 아직 실행되지 않은 태스크를 여러 길이와 순서로 섞어서 함수를 불러 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
def 모두_끝났나(results):
    return all(r.ready() for r in results)


답 = 모두_끝났나
확인.연습_2(답)

# %% [markdown]
# **연습 3.** 워커에 등록되지 않은 이름으로 태스크를 하나 보내고, 돌려받은 것을 `답`에 담으세요.
# 확인 셀은 워커가 그 태스크를 어떤 실패로 기록하는지 봅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = app.send_task("labtasks.tasks.basics.나눗셈", args=[6, 3])
확인.연습_3(답)

# %% [markdown]
# 실습을 마쳤으면 이 커널이 띄운 것을 모두 멈춥니다.

# %%
lab.down()
