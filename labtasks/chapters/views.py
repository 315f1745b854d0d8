"""What the monitor saw, shown for the lessons: a task table, a per-name summary, and a timeline
per worker. Each takes the monitor and the same filters as ``mon.tasks()``:

    summary(mon, since=t0), table(mon, ids=results), timeline(mon, since=t0, title="…")
"""
import time

from ..display import Table


def table(mon, ids=None, since=None, names=None) -> "TaskTable":
    """The tasks as a table (HTML in a notebook, aligned text elsewhere)."""
    return TaskTable(mon.tasks(ids=ids, since=since, names=names))


def summary(mon, ids=None, since=None, names=None) -> "Summary":
    """Per task name: how many, in which states, on which workers, when the last finished."""
    return Summary(mon.tasks(ids=ids, since=since, names=names))


def timeline(mon, ids=None, since=None, names=None, title: str | None = None):
    """A matplotlib figure: one lane per worker, one bar per finished task from start to finish
    (a task still running has no end yet)."""
    return draw_timeline([r for r in mon.tasks(ids=ids, since=since, names=names) if r.finished],
                         title=title)


class TaskTable(Table, list):
    """Task records shown as a table; runtimes in seconds."""

    headers, caption, empty = ["태스크 ID", "이름", "상태", "워커", "실행 시간"], "태스크", "태스크 없음"

    def rows(self) -> list[list[str]]:
        return [[r.id, r.name or "?", r.state, r.worker or "-",
                 f"{r.runtime:.3f} s" if r.runtime is not None else "-"] for r in self]


class Summary(Table, list):
    """Task records grouped by name (rows sorted by name, so the text is stable)."""

    headers = ["태스크", "개수", "상태", "워커", "모두 끝난 시점"]
    caption, empty = "태스크 요약", "태스크 없음"

    def rows(self) -> list[list[str]]:
        origin = min((r.first_seen for r in self), default=0.0)
        rows = []
        for name in sorted({r.name or "?" for r in self}):
            mine = [r for r in self if (r.name or "?") == name]
            counted = sorted({r.state for r in mine})
            finished = [r.finished for r in mine if r.finished]
            done = (f"{max(finished) - origin:.2f} s 뒤" if len(finished) == len(mine) else "아직")
            rows.append([name, str(len(mine)),
                         ", ".join(f"{s} {sum(r.state == s for r in mine)}" for s in counted),
                         ", ".join(sorted({(r.worker or "-").split("@")[0] for r in mine})), done])
        return rows


def _lanes(records: list) -> list[tuple]:
    """A row inside its worker's lane for each bar, so that overlapping bars do not hide."""
    ends, placed = [], []
    for r in sorted(records, key=lambda r: r.started):
        row = next((i for i, end in enumerate(ends) if end <= r.started), len(ends))
        ends[row:row + 1] = [r.finished or r.started]  # a new row when none is free
        placed.append((r, row))
    return placed


def draw_timeline(records: list, title: str | None = None):
    import koreanize_matplotlib  # noqa: F401 - a Hangul font (NanumGothic) for titles and labels
    import matplotlib.pyplot as plt

    started = [r for r in records if r.started and r.worker]
    workers = sorted({r.worker for r in started})
    names = sorted({r.name or "?" for r in started})
    colors = {n: plt.get_cmap("tab10")(i % 10) for i, n in enumerate(names)}
    origin = min((r.started for r in started), default=0.0)
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.9 * max(1, len(workers))))
    for lane, worker in enumerate(workers):
        placed = _lanes([r for r in started if r.worker == worker])
        rows = max((row for _, row in placed), default=0) + 1
        height = 0.8 / rows
        for r, row in placed:
            end = r.finished or time.time()
            ax.broken_barh([(r.started - origin, max(end - r.started, 0.005))],
                           (lane - 0.4 + row * height, height * 0.9),
                           facecolors=colors[r.name or "?"], linewidth=0.8,
                           edgecolors="black" if r.failed else "white")
    ax.set_yticks(range(len(workers)), [w.split("@")[0] for w in workers])
    ax.set_ylim(-0.6, len(workers) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel("첫 태스크가 시작한 뒤 흐른 시간 (초)")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    if names:
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(color=colors[n], label=n) for n in names],
                  loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    ax.set_title(title or "")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


