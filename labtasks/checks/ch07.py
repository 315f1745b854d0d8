"""07장 연습문제의 확인 함수. 답을 어떻게 판정하는지 읽어 볼 수 있습니다."""
import requests

from ..chapters.flower import wait_for_task, wait_for_worker
from ..handle import lab
from . import ask, judge


def _flower():
    """이 커널이 띄운 Flower(없으면 새로 띄웁니다)."""
    fl = lab.started.flower
    return fl if fl is not None and fl.alive() else lab.flower()


def 연습_1(답):
    """Flower가 그 id의 mult(6, 7)를 보았고, 결과가 42인지 봅니다."""
    def test(답):
        assert isinstance(답, str), "REST API가 돌려준 JSON에서 태스크 id(문자열)만 꺼내세요."
        try:  # Flower learns of a task from its events, a moment after the API sent it
            wait_for_task(_flower(), 답, state=None, timeout=5)
        except TimeoutError:
            raise AssertionError("Flower가 모르는 태스크 id입니다. Flower의 API로 보냈나요?") from None
        정보 = wait_for_task(_flower(), 답, timeout=10)
        assert 정보["name"] == "labtasks.tasks.basics.mult", "태스크 이름 전체를 경로에 넣으세요."
        assert 정보["args"] == "[6, 7]", "인자를 JSON의 args에 리스트로 넣으세요."
        assert 정보["result"] == "42", "태스크가 끝나 결과가 나와야 합니다."
        보낸_곳 = str(정보.get("client") or "")
        assert 보낸_곳.startswith(f"gen{_flower().pid}@"), \
            "이 태스크는 Flower가 아니라 다른 곳(이 커널 등)에서 보냈습니다. Flower의 REST API로 보내세요."
    judge("07", 1, 답, test)


def 연습_2(답):
    """응답을 바꿔도 맞는지 봅니다: 워커 셋이 든 꾸민 응답과, 큐 둘을 소비하는 새 워커 ex07의 응답."""
    def test(답):
        assert callable(답), "/api/workers의 응답(딕셔너리)과 워커 이름을 받는 함수를 답으로 주세요."
        꾸민_응답 = {"a@h": {"active_queues": [{"name": "다"}]},
                    "x@h": {"active_queues": [{"name": "나"}, {"name": "가"}]},
                    "z@h": {"active_queues": [{"name": "라"}, {"name": "마"}]}}
        assert ask(답, 꾸민_응답, "x@h", when="꾸민 응답에서") == ["가", "나"], \
            "응답이 바뀌면 답도 바뀌어야 합니다. 그 워커의 active_queues에서 이름만 모아 정렬하세요."
        fl = _flower()
        w = lab.worker("ex07", queues=["ex07_b", "ex07_a"], concurrency=1)
        wait_for_worker(fl, w.nodename)
        assert ask(답, fl.api("workers"), w.nodename, when="새 워커 ex07의 응답에서") \
            == ["ex07_a", "ex07_b"], \
            "새 워커 ex07에 대해 다른 값이 나왔습니다. 워커 이름으로 그 워커의 항목을 찾으세요."
    judge("07", 2, 답, test)


def 연습_3(답):
    """세 가지 인증으로 정말 API를 불러 얻은 상태 코드인지, 같은 호출을 직접 해서 봅니다. 주소도
    바꿔 봅니다: API가 없는 주소(…/missing/)에서는 어떤 인증이든 404가 나와야 합니다."""
    def test(답):
        assert callable(답), "주소와 인증을 받아 상태 코드를 돌려주는 함수를 답으로 주세요."
        fl = _flower()
        for 주소, 어디 in [(fl.local_url, "Flower 주소에"), (fl.local_url + "missing/", "API가 없는 주소에")]:
            for 인증, 설명 in [(None, "인증 없이"), (("lab", "wrong-password"), "틀린 비밀번호로"),
                              (fl.auth, "맞는 비밀번호로")]:
                기대 = requests.get(주소 + "api/workers", auth=인증, timeout=10).status_code
                받은_값 = ask(답, 주소, 인증, when=f"{어디} {설명} 부르자")
                assert 받은_값 == 기대, (f"{어디} {설명} 부른 결과가 실제 상태 코드와 다릅니다. "
                                     "받은 주소와 인증으로 정말 불러 보나요?")
    judge("07", 3, 답, test)
