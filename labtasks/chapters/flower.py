"""Chapter 07, the kernel's side: the live board and Flower's task list, side by side."""
from html import escape

import ipywidgets as W

from ..widgets import TaskBoard


class SideBySide:
    """The board and Flower's task list next to each other: same tasks, two views."""

    def __init__(self, board: TaskBoard, fl, page: str = "tasks", height: int = 420):
        self.board, self.flower = board, fl
        frame = (f"<iframe src='{escape(fl.url + page)}' width='100%' height='{height}' "
                 "style='border:1px solid #ccc'></iframe>")
        self.widget = W.HBox([W.Box([board.widget], layout=W.Layout(width="45%")),
                              W.Box([W.HTML(frame, layout=W.Layout(width="100%"))],
                                    layout=W.Layout(width="55%"))])

    def __repr__(self):
        return f"<{self.board.title} | Flower {self.flower.url}>"

    _repr_mimebundle_ = TaskBoard._repr_mimebundle_
