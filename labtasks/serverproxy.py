"""The "Flower 모니터링" launcher entry, found by jupyter-server-proxy through an entry point."""
import sys
from pathlib import Path


def flower() -> dict:
    return {
        # --url_prefix: Flower builds its links under the same path the proxy serves it at
        "command": [sys.executable, "-m", "celery", "-A", "labtasks", "flower",
                    "--address=127.0.0.1", "--port={port}", "--url_prefix={base_url}flower"],
        "absolute_url": True,
        "timeout": 60,
        "new_browser_tab": False,
        "launcher_entry": {
            "enabled": True,
            "title": "Flower 모니터링",
            "icon_path": str(Path(__file__).with_name("flower.svg")),
            "category": "Notebook",
        },
    }
