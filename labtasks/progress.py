"""Which exercises this learner has passed: a JSON file in the user's data folder, never in the
repository (``LABTASKS_PROGRESS`` names another folder, e.g. for tests)."""
import json
import os
from pathlib import Path

import platformdirs

from .display import Table


def path() -> Path:
    folder = os.environ.get("LABTASKS_PROGRESS") or platformdirs.user_data_dir("celerylab")
    return Path(folder) / "progress.json"


def load() -> dict[str, dict[str, bool]]:
    if not path().exists():
        return {}
    return json.loads(path().read_text())


def record(chapter: str, exercise: int, passed: bool) -> None:
    """Keep the latest verdict of ``exercise`` of ``chapter`` (e.g. "03", 2)."""
    verdicts = load()
    verdicts.setdefault(chapter, {})[str(exercise)] = passed
    path().parent.mkdir(parents=True, exist_ok=True)
    written = path().with_name(f"progress-{os.getpid()}.tmp")  # never half a file
    written.write_text(json.dumps(verdicts, ensure_ascii=False, sort_keys=True))
    os.replace(written, path())


class Progress(Table):
    headers = ["장", "통과", "아직"]
    caption = "연습문제 진도"
    empty = "아직 확인한 연습문제가 없습니다."

    def rows(self):
        rows = []
        for chapter, verdicts in sorted(load().items()):
            passed = [f"연습 {n}" for n, ok in sorted(verdicts.items()) if ok]
            failed = [f"연습 {n}" for n, ok in sorted(verdicts.items()) if not ok]
            rows.append([chapter, ", ".join(passed) or "-", ", ".join(failed) or "-"])
        return rows
