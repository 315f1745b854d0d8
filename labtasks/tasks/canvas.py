"""04–05장(캔버스, 불변 시그니처): 가이드의 chord 예에 나오는 태스크.

산술 태스크(add, mult, subtract, xsum, square)는 ``basics.py``에 있다.
"""
from ..app import app


@app.task(name="send_alert")
def send_alert(user):
    """사용자 한 명에게 경고를 보내고, 보낸 내용을 돌려준다."""
    return f"{user}에게 경고를 보냈습니다"


@app.task(name="notify_admin")
def notify_admin():
    """경고를 다 보냈다고 관리자에게 알린다. 인자를 받지 않으므로 ``.si()``로 부른다."""
    return "관리자에게 알렸습니다"
