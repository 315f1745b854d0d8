"""Which exercises this learner has passed: a JSON file in the user's data folder, never in the
repository (``LABTASKS_PROGRESS`` names another folder, e.g. for tests); the checks write it."""
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
