"""Small HTML pieces for the rich reprs that notebooks show."""
import unicodedata
from html import escape


def table(headers: list[str], rows: list[list[object]], caption: str = "") -> str:
    head = "".join(f"<th style='text-align:left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{escape(str(c))}</td>"
                                    for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'><b>{escape(caption)}</b></caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def text_table(headers: list[str], rows: list[list[object]]) -> str:
    """The same table as plain text, for terminals and for ``repr``."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip()
             for r in cells]
    return "\n".join(lines)


def _width(s: str) -> int:
    """Display width: Hangul and other wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
