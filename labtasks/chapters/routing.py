"""Chapter 03, the kernel's side: the panel with one button per routed task."""
from ..handle import lab
from ..tasks.routing import normal_call, urgent_call


def routing_panel():
    """일반 업무 (normal_call) and 긴급 업무 (urgent_call), each sent by a button."""
    return lab.board({"일반 업무 보내기": normal_call.s(), "긴급 업무 보내기": urgent_call.s()},
                     title="라우팅 실습 패널", everything=False)
