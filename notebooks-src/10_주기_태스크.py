# %% [markdown] tags=["colab", "remove-cell"]
# [![Binder에서 열기](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/<OWNER>/<REPO>/HEAD?urlpath=lab%2Ftree%2Fnotebooks%2F10_%EC%A3%BC%EA%B8%B0_%ED%83%9C%EC%8A%A4%ED%81%AC.ipynb) [![Colab에서 열기](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/<OWNER>/<REPO>/blob/main/notebooks/10_%EC%A3%BC%EA%B8%B0_%ED%83%9C%EC%8A%A4%ED%81%AC.ipynb)

# %% tags=["colab", "remove-cell"]
# Colab에서 열었을 때만 이 강좌의 패키지(labtasks)를 설치합니다. 다른 곳에서는 아무 일도 하지 않습니다.
import subprocess
import sys

if "google.colab" in sys.modules:
    패키지 = "labtasks[colab] @ git+https://github.com/<OWNER>/<REPO>@main"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", 패키지], check=True)

# %% [markdown]
# # 10. 주기 태스크 (celery beat)
#
# ## 학습 목표
#
# - beat(때가 되면 태스크를 보내는 스케줄러 프로세스)가 하는 일을 알고, `beat_schedule`에 `timedelta`, 숫자(초), `crontab` 항목을 적는다.
# - `lab.beat()`로 beat를 띄우고, beat가 보낸 태스크를 모니터와 타임라인으로 본다.
# - `crontab`이 다음에 언제 실행될지를 기다리지 않고 물어본다(`remaining_estimate`, `is_due`).
# - 앱의 `timezone`이 `crontab`의 시각을 어떻게 바꾸는지 계산해 본다.
# - beat를 둘 띄우면 모든 태스크가 두 번 실행되는 것을 세어 보고, 막는 방법을 안다.
# - 워커가 멈춘 동안 쌓인 주기 태스크를 `expires`로 건너뛴다.
#
# **준비물**: 02장(태스크와 워커), 03장(모니터), 09장(`revoke`와 `REVOKED`).
#
# 이 장의 태스크는 `labtasks/tasks/periodic.py`에, beat가 보낸 태스크를 세는 커널 쪽 도구는 `labtasks/chapters/periodic.py`에 있습니다.

# %%
import time
from datetime import datetime, timedelta

from celery.schedules import crontab

from labtasks import app, lab
from labtasks.chapters.views import table, timeline
from labtasks.chapters import periodic
from labtasks.tasks import slow_add
from labtasks.tasks.periodic import tick

lab.up()
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
mon = lab.monitor()
lab.workers()

# %% [markdown]
# ## 1. beat와 `beat_schedule`
#
# 워커는 큐에 들어온 태스크를 실행할 뿐, "1분마다"나 "평일 아침 9시에" 같은 일정은 모릅니다. 일정을 지키는 것은
# **beat**라는 별도의 프로세스입니다. beat는 일정표(`beat_schedule`)를 보다가 때가 된 항목의 태스크를 브로커에 보냅니다.
# 태스크를 실행하는 것은 여전히 워커입니다.
#
# 일정표는 앱 설정 `beat_schedule`에 이름 → 항목으로 적습니다. 항목의 `schedule`에는 세 가지를 쓸 수 있습니다.
#
# - `timedelta`: 그 간격마다
# - 숫자: 그 초마다 (`timedelta(seconds=…)`와 같습니다)
# - `crontab(...)`: 유닉스 cron처럼 분·시·요일·날짜·월로 정한 시각에
#
# 이 장의 예는 실행을 빨리 보려고 초 단위로 잡았습니다.

# %%
app.conf.beat_schedule = {
    "tick-every-half-second": {"task": tick.name, "schedule": timedelta(seconds=0.5), "args": ("tick",)},
    "slow-add-every-second": {"task": slow_add.name, "schedule": 1.0, "args": (2, 3), "kwargs": {"seconds": 0.2}},
    "weekday-morning-report": {
        "task": tick.name,
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
        "args": ("아침 보고",),
    },
}

# %% [markdown]
# ## 2. `lab.beat()`: 커널에서 beat 띄우기
#
# 터미널이라면 `celery -A labtasks beat -l INFO`로 띄웁니다. `lab.beat()`는 같은 명령을 커널의 자식 프로세스로 실행합니다.
# 워커처럼 다시 불러도 하나만 돌고, `lab.down()`이나 커널 종료와 함께 멈춥니다. 로그는 `.logs(n)`으로 봅니다.
#
# 한 가지가 워커와 다릅니다. beat는 **별도의 프로세스**라서, 커널에서 바꾼 `app.conf.beat_schedule`이 저절로 beat에
# 전해지지 않습니다. 그래서 `lab.beat()`는 지금의 `beat_schedule`을 JSON으로 바꿔 beat의 환경 변수(`LABTASKS_BEAT_SCHEDULE`)로 넘기고,
# beat는 태스크 모듈을 불러올 때 그것을 자기 `beat_schedule`로 삼습니다. 실제 프로젝트에서는 일정을 앱 모듈이나 설정 파일에
# 적어 두므로 이런 전달이 필요 없습니다. beat가 마지막 실행 시각을 적어 두는 상태 파일(`-s`)은 커널의 실행 폴더에 둡니다.

# %%
t0 = time.time()
b = lab.beat()
b

# %%
print("다시 불러도 같은 beat인가:", lab.beat() is b)
print("상태 파일 이름:", b.schedule_path.name)

# %% [markdown]
# ## 3. 모니터로 본 주기 태스크
#
# beat가 보낸 태스크도 모니터에는 다른 태스크와 똑같이 보입니다. `tick-every-half-second` 항목이 0.5초마다 보낸 `tick`을
# 주기 세 번 동안 세어 봅니다. `periodic.wait_window`는 모니터가 받은 이벤트에서 beat마다 보낸 `tick`을 세고, 그 태스크들이
# 모두 끝날 때까지 기다립니다.

# %%
하나 = periodic.wait_window(mon, [b], tick.name, period=0.5, since=t0)
print("주기마다 실행된 tick:", 하나.per_period())

# %% [markdown]
# 주기마다 한 번입니다. 주기 세 번 동안 센 것은 아래와 같고, 보통 세 번입니다. 다만 beat는 다음 주기를 지난번에 **실제로 보낸**
# 때부터 재기 때문에, 컴퓨터가 바빠 조금씩 늦으면 그 늦음이 쌓여 마지막 한 번이 세는 구간 밖으로 밀리기도 합니다.

# %% tags=["nbval-ignore-output"]
print(하나)
table(mon, ids=하나.records)

# %% [markdown]
# beat의 로그에는 보낼 때마다 `Sending due task <항목 이름>` 한 줄이 남습니다.

# %% tags=["nbval-ignore-output"]
assert any("Sending due task tick-every-half-second" in line for line in b.logs(50))
b.logs(4)

# %% [markdown]
# 타임라인에서는 `tick`(0.1초 걸림)이 0.5초마다, `slow_add`(0.2초 걸림)가 1초마다 워커 `w1`에서 실행된 것이 보입니다.
# 평일 아침 9시 항목은 이 노트북이 도는 동안에는 때가 오지 않으니 보이지 않습니다.

# %%
timeline(mon, since=t0, title="beat 하나: tick은 0.5초마다, slow_add는 1초마다")

# %% [markdown]
# ## 4. `crontab`: 다음 실행은 언제?
#
# `crontab` 항목은 정해진 시각까지 기다려야 실행되니, 기다리는 대신 물어봅니다. beat는 항목마다 다음 두 가지를 계산합니다.
#
# - `remaining_estimate(last_run_at)`: 마지막 실행 시각(`last_run_at`)으로부터 따져, 다음 실행까지 남은 시간
# - `is_due(last_run_at)`: 지금 실행할 때인지와, 몇 초 뒤에 다시 물어볼지
#
# "지금"은 `nowfun`으로 고정합니다(그래야 언제 실행해도 출력이 같습니다). 2026년 11월 27일 금요일 오전 8시 30분, 서울입니다.

# %%
지금 = datetime(2026, 11, 27, 8, 30, tzinfo=periodic.SEOUL)
평일_아침 = crontab(hour=9, minute=0, day_of_week="mon-fri", nowfun=lambda: 지금)
어제_실행 = datetime(2026, 11, 26, 9, 0, tzinfo=periodic.SEOUL)

print("다음 실행까지:", 평일_아침.remaining_estimate(어제_실행))
print("is_due:", 평일_아침.is_due(어제_실행))

# %% [markdown]
# 아직 때가 아니고(`is_due=False`), 1800초(30분) 뒤에 다시 물어보라는 뜻입니다. beat는 이렇게 받은 시간과 `beat_max_loop_interval`
# (기본 300초) 가운데 짧은 쪽만큼 잠들었다가 깨어나 다시 묻습니다.
#
# 다음 실행 시각 세 개를 차례로 계산하면 금요일 다음은 월요일입니다.

# %%
[periodic.when(t) for t in periodic.next_runs(평일_아침, 지금, 3)]

# %% [markdown]
# ## 5. 시간대(timezone)
#
# `crontab(hour=9)`의 9시는 **앱의 `timezone`** 기준입니다. 이 강좌의 앱은 `timezone="Asia/Seoul"`입니다.

# %%
print(app.conf.timezone)

# %% [markdown]
# 같은 `crontab(hour=9, minute=0, day_of_week="mon-fri")`을 `timezone`이 UTC인 앱에 묶으면 어떻게 될까요?
# `periodic.app_in(zone)`은 `timezone`만 다른 앱을 만듭니다. 같은 "지금"부터 계산한 다음 실행 시각을 서울 시각으로 나란히 놓습니다.

# %%
서울_앱 = crontab(hour=9, minute=0, day_of_week="mon-fri", app=periodic.app_in("Asia/Seoul"))
UTC_앱 = crontab(hour=9, minute=0, day_of_week="mon-fri", app=periodic.app_in("UTC"))
periodic.RunTimes({"Asia/Seoul": 서울_앱, "UTC": UTC_앱}, 지금, n=2)

# %% [markdown]
# UTC 9시는 서울 18시입니다. 아침 보고가 저녁에 나갑니다. 시간대를 바꿀 때 주의할 점은 다음과 같습니다.
#
# - `crontab`의 시와 **요일**이 모두 새 시간대로 읽힙니다. 서울의 이른 아침은 UTC로는 전날 밤이라 요일까지 바뀝니다(연습 3).
# - beat의 상태 파일은 마지막 실행 시각과 함께 `timezone`을 적어 둡니다. `timezone`이 바뀐 채로 beat를 다시 띄우면 beat는
#   `Reset: Timezone changed from …` 경고를 남기고 상태 파일을 비운 뒤 새로 시작합니다.
# - 서머타임이 있는 시간대(예: `Europe/Berlin`)에서는 시계가 건너뛰거나 되돌아가는 새벽 시각에 항목을 두지 마세요. 서울에는 서머타임이 없습니다.
#
# 마지막 실행 시각이 시간대를 바꾼 뒤에도 남아 있다면(예: 그 시각을 데이터베이스에 적어 두는 스케줄러), 바꾼 직후에 예정에 없던
# 실행이 한 번 더 일어날 수 있습니다. 서울 26일 9시에 실행된 항목을 UTC 앱에 물으면, 그 뒤에 온 UTC 9시(서울 26일 18시)를 아직
# 실행하지 않았으니 **지금 곧바로 실행할 때**라고 답합니다.

# %%
UTC_앱_지금 = crontab(hour=9, minute=0, day_of_week="mon-fri", app=periodic.app_in("UTC"), nowfun=lambda: 지금)
print("서울 앱 is_due:", 평일_아침.is_due(어제_실행).is_due)
print("UTC 앱 is_due:", UTC_앱_지금.is_due(어제_실행).is_due)

# %% [markdown]
# ## 6. beat는 딱 하나
#
# beat는 다른 beat가 있는지 모릅니다. beat를 둘 띄우면 둘 다 같은 일정표를 보고 같은 태스크를 보내니, **모든 주기 태스크가
# 두 번 실행됩니다.** 워커를 여러 대 두듯 beat도 여러 대 두면 안전하겠다고 생각하기 쉽지만, beat는 늘리면 안 되는 프로세스입니다.
#
# `periodic.another_beat`로 같은 일정표를 가진 beat를 하나 더 띄우고, 3절처럼 주기 세 번 동안 세어 봅니다.
# (`lab.beat()`는 커널마다 beat를 하나만 띄우니, 이 실험에서만 따로 띄웁니다. `with` 블록이 끝나면 멈춥니다.)

# %%
t1 = time.time()
with periodic.another_beat(app.conf.beat_schedule) as b2:
    둘 = periodic.wait_window(mon, [b, b2], tick.name, period=0.5, since=t1)
print("주기마다 실행된 tick:", 둘.per_period())

# %% [markdown]
# beat마다 주기에 한 번씩, 합쳐서 주기마다 두 번 실행되었습니다. 주기 세 번 동안 센 수는 아래와 같습니다. 보통은 beat마다
# 세 번씩 모두 여섯 번입니다(3절에서처럼, 바쁜 컴퓨터에서는 하나쯤 모자랄 수 있습니다).

# %% tags=["nbval-ignore-output"]
print(둘)
둘

# %% [markdown]
# 타임라인에서도 0.5초마다 막대가 둘씩 있습니다.

# %%
timeline(mon, ids=둘.records, title="beat 둘: 0.5초마다 tick이 두 번")

# %% [markdown]
# 막는 방법은 이렇습니다.
#
# - **beat는 서비스 하나로 띄운다.** docker compose라면 `beat` 서비스 하나(복제 1개)를 두고, 상태 파일은 볼륨에 둡니다.
#   이 저장소의 `docker-compose.yml`이 그렇게 되어 있습니다.
# - **`celery -A labtasks worker -B`는 개발할 때만.** `-B`는 워커 안에서 beat를 함께 돌리는 옵션입니다. 편하지만, 워커를 두 대로 늘리는 순간
#   beat도 둘이 됩니다.
# - **꼭 여러 곳에서 보내야 한다면 락(lock)을 건다.** 태스크가 시작할 때 Redis에 `SET key NX PX`로 락을 잡고, 잡은 쪽만 일하게 합니다.
#   또는 beat 자체가 락을 잡는 스케줄러(예: `celery-redbeat`)를 씁니다.
#
# `tick_once`는 락을 거는 태스크입니다. 락의 수명은 주기보다 조금 짧게 잡아, 같은 주기에 온 복사본은 건너뛰고 다음 주기에는 다시 실행되게 합니다.

# %%
import inspect

print(inspect.getsource(periodic.tick_once))

# %% [markdown]
# 두 beat가 같은 순간에 보낸 것처럼 두 번 보내면, 하나만 일합니다.

# %%
결과 = [periodic.tick_once.delay("보고서") for _ in range(2)]
sorted(r.get(timeout=10) for r in 결과)

# %% [markdown]
# ## 7. 워커가 멈춘 동안 쌓이는 태스크와 `expires`
#
# beat는 워커가 살아 있는지 모르고 때가 되면 보냅니다. 워커가 멈춰 있으면 메시지는 큐에 쌓이고, 워커가 돌아오면 **밀린 것이 한꺼번에**
# 실행됩니다. "0.5초마다 상태 확인" 같은 일이라면 지난 확인을 몰아서 할 까닭이 없습니다.
#
# 항목의 `options`에 `expires`(초)를 주면, 보낸 뒤 그 시간이 지난 태스크는 실행되지 않습니다. 이 강좌의 Redis 브로커에서는 워커가 그런 태스크를 받으면 실행하지 않고
# `REVOKED`로 기록합니다(09장의 `revoke`와 같은 상태. RabbitMQ 브로커는 아래에서 봅니다).
# 주기보다 길지 않게 잡으면 밀린 것은 건너뛰고 새로 온 것만 실행합니다. 두 항목을 나란히 두고 비교합니다.

# %%
app.conf.beat_schedule = {
    "with-expires": {"task": tick.name, "schedule": 0.5, "args": ("만료 있음",), "options": {"expires": 0.5}},
    "no-expires": {"task": tick.name, "schedule": 0.5, "args": ("만료 없음",)},
}

# %% [markdown]
# 먼저 지금의 beat와 워커를 멈춥니다. 그다음 새 일정표로 beat를 띄우고, `celery` 큐에 메시지가 여섯 개 쌓이면 beat도 멈춥니다.

# %%
from labtasks.chapters import queues

b.stop()
w.stop()
t2 = time.time()
b = lab.beat()
print("큐에 쌓인 메시지가 여섯 개 이상인가:", queues.length("celery", wait_for=6, timeout=10) >= 6)
b.stop()

# %% [markdown]
# 쌓인 메시지가 모두 `expires`(0.5초)보다 오래될 때까지 기다린 뒤 워커를 다시 띄웁니다. `periodic.backlog`는 큐가 비고
# 쌓였던 태스크가 모두 끝날 때까지 기다렸다가, 항목마다 몇 개가 어떻게 되었는지 셉니다.

# %%
쌓인_것 = mon.tasks(names=[tick.name], since=t2)
time.sleep(0.5)  # beat는 멈췄으니, 이제 쌓인 메시지는 모두 0.5초보다 오래되었습니다
w = lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
밀린_것 = periodic.backlog(mon, 쌓인_것)
print("만료 있음: 쌓였던 tick 가운데 실행된 것이 없는가:", 밀린_것.count("만료 있음", "SUCCESS") == 0)
print("만료 없음: 쌓였던 tick이 모두 실행되었는가:", 밀린_것.all_in("만료 없음", "SUCCESS"))

# %% [markdown]
# 만료된 tick이 어디로 갔는지는 브로커에 따라 다릅니다. Celery는 `expires`를 준 메시지에 브로커용 유효 기간(`expiration`)도 붙입니다.
#
# - **Redis 브로커**(이 강좌의 기본): 메시지마다 유효 기간을 두는 기능이 없어서, 워커가 메시지를 받은 뒤 만료를 확인하고
#   실행하지 않은 채 `REVOKED`로 기록합니다. 워커 로그에는 `Discarding revoked task` 줄이 남습니다.
# - **RabbitMQ 브로커**: 브로커가 만료된 메시지를 스스로 버립니다. 워커는 그 메시지를 보지도 못하고, 모니터에는 보낸 기록만 남아 `PENDING`으로 보입니다.
#
# 어느 쪽이든 밀린 tick은 실행되지 않습니다. 몇 개가 쌓였는지와 어느 열에 들어가는지는 실행 순간과 브로커에 따라 다릅니다.

# %% tags=["nbval-ignore-output"]
assert 밀린_것.count("만료 있음", "SUCCESS") == 0 and 밀린_것.all_in("만료 없음", "SUCCESS")
밀린_것

# %% [markdown]
# Redis 브로커에서 `expires`는 메시지를 큐에서 미리 지우지 않습니다. 워커가 받는 순간에 확인해서 버릴 뿐이니, 워커가 오래 멈춰 있으면 메시지는 그동안 큐에 남아 있습니다.

# %% [markdown]
# ## 8. docker compose에서
#
# `docker-compose.yml`에는 `beat` 서비스가 하나 있습니다. 복제 1개, 상태 파일은 `beat-data` 볼륨에 둡니다. 이 강좌의 앱에는 미리 정해 둔
# `beat_schedule`이 없으므로 그 beat는 아무것도 보내지 않고, 다른 장의 결과에 끼어들지 않습니다. 팀의 주기 태스크는 앱의 `beat_schedule`에
# 적으면 그 beat가 보냅니다.
#
# compose로 띄운 환경(`LABTASKS_WORKERS=external`)에서도 `lab.beat()`는 이 장의 일정표를 가진 beat를 커널에서 따로 띄웁니다.
# compose의 beat는 빈 일정표라 같은 항목을 보내는 beat는 여전히 하나뿐입니다.

# %% [markdown]
# ## 정리
#
# - 주기 태스크는 beat가 `beat_schedule`을 보고 태스크를 **보내고**, 워커가 **실행**한다. `schedule`에는 `timedelta`, 숫자(초), `crontab`을 쓴다.
# - `lab.beat()`는 지금의 `beat_schedule`로 beat를 띄운다. 다시 불러도 하나뿐이고, `lab.down()`과 함께 멈춘다. 로그는 `.logs(n)`.
# - `crontab`은 `remaining_estimate`와 `is_due`로 다음 실행을 물어볼 수 있다. 시각은 앱의 `timezone` 기준이고, 시간대를 바꾸면 시와 요일이 모두 바뀐다.
# - beat는 딱 하나. 둘이면 모든 주기 태스크가 두 번 실행된다. beat 서비스는 하나, `-B`는 개발용, 꼭 필요하면 락.
# - 워커가 멈춘 동안 쌓인 주기 태스크는 돌아온 워커에서 한꺼번에 실행된다. `options={"expires": 주기 이하}`로 밀린 것은 건너뛴다
#   (Redis 브로커에서는 워커가 `REVOKED`로 기록하고, RabbitMQ는 브로커가 버린다).

# %% [markdown]
# ## 연습문제
#
# 어떻게 판정하는지는 `labtasks/checks/ch10.py`에서 볼 수 있습니다. 답이 `crontab`이면 확인 셀은 고정된 "지금"(2026년 11월 29일
# 일요일 0시, 서울)부터 beat가 계산할 실행 시각을 서울 시각으로 바꿔 따져 보고, 평일이면 어느 달, 어느 날이든 실행되는지도 봅니다.

# %%
from labtasks.checks import ch10 as 확인

# %% [markdown]
# **연습 1.** 이 강좌의 앱(`timezone="Asia/Seoul"`)에서 **평일(월~금) 아침 7시 30분**마다 실행되는 `crontab`을 `답`에 넣으세요.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_1(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = crontab(minute=30, hour=7, day_of_week="mon-fri")
확인.연습_1(답)

# %% [markdown]
# **연습 2.** 30초마다 `tick("heartbeat")`를 보내는 `beat_schedule` 항목(딕셔너리 하나)을 `답`에 넣으세요.
# 단, 워커가 멈췄다가 돌아와도 밀린 `tick`이 한꺼번에 실행되지 않아야 합니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_2(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = {"task": tick.name, "schedule": 30, "args": ("heartbeat",), "options": {"expires": 30}}
확인.연습_2(답)

# %% [markdown]
# **연습 3.** 이번에는 앱의 `timezone`이 UTC라고 합시다. 그래도 서울 시각으로 **평일 아침 7시 30분**마다 실행되어야 합니다.
# `periodic.app_in("UTC")`에 묶인 `crontab`(`crontab(..., app=periodic.app_in("UTC"))`)을 `답`에 넣으세요. 서울은 UTC보다 9시간 빠릅니다.

# %% tags=["answer"]
답 = ...

# %% tags=["check"]
확인.연습_3(답)

# %% tags=["solution"] jupyter={"source_hidden": true}
답 = crontab(minute=30, hour=22, day_of_week="sun-thu", app=periodic.app_in("UTC"))
확인.연습_3(답)

# %%
lab.down()
