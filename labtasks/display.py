"""How the lab's objects show in a notebook: an HTML table, and the same table as aligned text."""
import unicodedata
from html import escape


def html_table(headers: list[str], rows: list[list[object]], caption: str = "") -> str:
    head = "".join(f"<th style='text-align:left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{escape(str(c))}</td>"
                                    for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'><b>{escape(caption)}</b></caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def text_table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        padded = [cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def _width(s: str) -> int:
    """Display width: Hangul and other wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


class Table:
    """Shown as a table of ``headers`` and ``rows()`` (``text_headers`` in text; ``empty``: no row)."""

    headers: list[str] = []
    text_headers: list[str] | None = None
    caption = ""
    empty = "없음"

    def rows(self) -> list[list[object]]:
        return list(self._rows)

    def __repr__(self):
        rows = self.rows()
        if not rows:
            return self.empty
        return text_table(self.text_headers or self.headers, rows)

    def _repr_html_(self):
        rows = self.rows()
        if not rows:
            return f"<p>{escape(self.empty)}</p>"
        return html_table(self.headers, rows, self.caption)


class Message(str):
    """A sentence shown as is (no quotes) in a notebook."""

    def __repr__(self):
        return str(self)


class Frame:
    """A page a server of the kernel serves, framed in the cell's output (in text: its address)."""

    def __init__(self, url: str, height: int):
        self.url, self.height = url, height

    def __repr__(self):
        return f"페이지: {self.url}"

    def _repr_html_(self):
        return (f"<iframe src='{escape(self.url)}' width='100%' height='{self.height}' "
                "style='border:1px solid #ccc'></iframe>")
