"""Google Colab: a port the kernel opens reaches the learner's browser only through Colab's proxy,
as an iframe in a cell's output (its new-tab link is deprecated: browsers partition storage, so the
proxied URL works only inside the notebook). Detected as the install cell does: ``google.colab``."""
import sys
from html import escape

NEW_TAB = ("Colab에서는 Flower가 이 셀의 출력 안에서만 열립니다. 새 탭에서는 열리지 않습니다: "
           "Colab이 커널의 포트를 중계하는 주소는 노트북 안의 iframe에서만 통하고, "
           "표의 127.0.0.1 주소는 Colab 서버 안의 주소라 내 브라우저에서는 닿지 않습니다. "
           "REST API는 커널에서 부르세요(fl.api).")


def on_colab() -> bool:
    return "google.colab" in sys.modules


def show_port(port: int) -> str:
    """Put Colab's iframe of the kernel's ``port`` in the running cell's output (a display of its
    own, above the value's table); return the sentence that says what a new tab will not do."""
    from google.colab import output
    output.serve_kernel_port_as_iframe(port, path="/", height="480")
    return f"<p>{escape(NEW_TAB)}</p>"
