"""One word for one thing across the course (DESIGN's glossary). A drift word may appear only in a
line that quotes or names the guide (the line mentions "가이드")."""
import re

import pytest

from conftest import ROOT

SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py")) + [ROOT / "README.md"]
#: drift word -> the course's word
DRIFT = {"업무": "태스크", "담당자": "워커", "사전": "딕셔너리", "연습문제 1": "연습 1",
         "연습문제 2": "연습 2", "연습문제 3": "연습 3"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_drift_words(source):
    found = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if "가이드" in line:
            continue
        for word, ours in DRIFT.items():
            if re.search(word, line):
                found.append(f"{number}: '{word}' -> '{ours}': {line.strip()[:80]}")
    assert not found, "\n".join(found)
