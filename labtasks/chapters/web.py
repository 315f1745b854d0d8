"""Chapter 12's kernel-side picture: how long a POST took against how long its task's result."""


def plot_times(times: list[tuple[str, float, float]]):
    """``times``: (task name, seconds until the POST answered, seconds until the result)."""
    import koreanize_matplotlib  # noqa: F401 - a Hangul font for the titles and labels
    import matplotlib.pyplot as plt
    labels = [f"{name} #{i + 1}" for i, (name, _, _) in enumerate(times)]
    fig, ax = plt.subplots(figsize=(6, 0.4 + 0.35 * len(times)))
    ax.barh(labels, [total for _, _, total in times], color="#cccccc", label="결과가 나오기까지")
    ax.barh(labels, [answered for _, answered, _ in times], color="#1f77b4", label="POST 응답까지")
    ax.invert_yaxis()
    ax.set_xlabel("초")
    ax.set_title("웹 앱에 맡긴 태스크: 응답 시간과 결과까지의 시간")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig
