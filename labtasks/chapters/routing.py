"""Chapter 03, the kernel's side: the panel with one button per routed task."""
from ..handle import lab
from ..tasks.routing import normal_call, urgent_call


def routing_panel():
    """일반 태스크(normal_call)와 긴급 태스크(urgent_call)를 버튼 하나씩으로 보내는 패널."""
    return lab.board({"일반 태스크 보내기": normal_call.s(), "긴급 태스크 보내기": urgent_call.s()},
                     title="라우팅 실습 패널", everything=False)
