"""Writing a document to a file, the one way every format is saved."""

from __future__ import annotations

import json
from pathlib import Path


def write_json(data: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(data, indent=2) + "\n")
