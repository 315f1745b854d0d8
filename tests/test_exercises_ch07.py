"""Chapter 07's exercises: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a hint (the literal ``["celery"]``, literal status codes and the issue's
hard-coded ``200 if a == fl.auth else 401`` among them), the placeholder only reminds."""
import pytest
import requests
from requests.auth import HTTPBasicAuth

from labtasks import lab
from labtasks.checks import ch07 as 확인
from labtasks.tasks import mult


@pytest.fixture(scope="module")
def fl():
    lab.up()
    lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
    yield lab.flower()
    lab.down()


def _send(fl, name, args):
    return fl.api(f"task/async-apply/labtasks.tasks.basics.{name}", method="POST",
                  json={"args": args})["task-id"]


def test_placeholders_only_remind(capsys):
    for check in (확인.연습_1, 확인.연습_2, 확인.연습_3):
        assert check(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_exercise_1(fl):
    답 = _send(fl, "mult", [6, 7])
    확인.연습_1(답)
    확인.연습_1(답)  # twice, same verdict
    reply = requests.post(fl.local_url + "api/task/async-apply/labtasks.tasks.basics.mult",
                          json={"args": [6, 7]}, auth=HTTPBasicAuth(*fl.auth), timeout=10)
    확인.연습_1(reply.json()["task-id"])  # requests by hand instead of fl.api


@pytest.mark.parametrize("wrong", [
    lambda fl: _send(fl, "add", [6, 7]),                      # another task
    lambda fl: _send(fl, "mult", [7, 7]),                     # other arguments
    lambda fl: fl.api("task/async-apply/labtasks.tasks.basics.mult", method="POST",
                      json={"args": [6, 7]}),                 # the whole reply, not the id
    lambda fl: "00000000-0000-0000-0000-000000000000",        # an id Flower never saw
    lambda fl: mult.delay(6, 7).id,                           # sent from the kernel, not Flower
    lambda fl: mult.apply_async([6, 7]).id,                   # the same, args shown as Flower's
], ids=["add", "args", "whole-reply", "made-up-id", "from-the-kernel", "from-the-kernel-list"])
def test_exercise_1_wrong(fl, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        확인.연습_1(wrong(fl))


def 큐_목록(응답, 워커):
    return sorted(q["name"] for q in 응답[워커]["active_queues"])


def test_exercise_2(fl):
    확인.연습_2(큐_목록)
    확인.연습_2(큐_목록)  # twice, same verdict
    확인.연습_2(lambda 응답, 워커: sorted(q.get("name") for q in 응답.get(워커, {})["active_queues"]))


@pytest.mark.parametrize("wrong", [
    ["celery"],                                                # the literal of issue 11
    lambda 응답, 워커: ["celery"],                             # a function returning it
    lambda 응답, 워커: [q["name"] for q in 응답[워커]["active_queues"]],  # not sorted
    lambda 응답, 워커: sorted(응답[워커]),                     # the entry's keys
    lambda 응답, 워커: sorted(q["name"] for q in next(iter(응답.values()))["active_queues"]),  # first
    lambda 응답, 워커: sorted({q["name"] for w in 응답.values() for q in w["active_queues"]}),  # all
    lambda 응답, 워커: sorted(q["name"] for q in 응답["x@h"]["active_queues"]),  # raises KeyError
], ids=["literal", "constant", "unsorted", "keys", "first-worker", "every-worker", "raises"])
def test_exercise_2_wrong(fl, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        확인.연습_2(wrong)


def 상태_코드(주소, 인증):
    return requests.get(주소 + "api/workers", auth=인증, timeout=10).status_code


def test_exercise_3(fl):
    확인.연습_3(상태_코드)
    확인.연습_3(상태_코드)  # twice, same verdict
    확인.연습_3(lambda 주소, 인증: requests.request("GET", f"{주소}api/workers",
                                                  auth=HTTPBasicAuth(*인증) if 인증 else None).status_code)


@pytest.mark.parametrize("wrong", [
    (401, 401, 200),                                            # the literal codes
    lambda 주소, 인증: 200 if 인증 else 401,                    # any password accepted
    lambda 주소, 인증: requests.get(주소 + "api/workers", timeout=10).status_code,  # auth dropped
    "hard-coded",                                               # the 200 if a == fl.auth
    "address-ignored",
    lambda 주소, 인증: requests.get(주소 + "api/workers", auth=HTTPBasicAuth(*인증)).status_code,
], ids=["literal", "guessed", "auth-ignored", "hard-coded", "address-ignored", "raises-on-none"])
def test_exercise_3_wrong(fl, wrong):
    if wrong == "hard-coded":
        wrong = lambda u, a: 200 if a == fl.auth else 401  # noqa: E731 - a learner's one-liner
    elif wrong == "address-ignored":
        wrong = lambda u, a: requests.get(fl.local_url + "api/workers", auth=a).status_code  # noqa: E731
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        확인.연습_3(wrong)
