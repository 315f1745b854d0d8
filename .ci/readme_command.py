"""Print the n-th shell code block of the README's 빠른 시작 section, exactly as written."""
import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = text.split("## 빠른 시작", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
assert len(blocks) == 2, f"빠른 시작 must hold exactly two bash blocks, found {len(blocks)}"
print(blocks[int(sys.argv[1]) - 1], end="")
