"""Shared fixtures: the real `tthc` entry point run as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
SEEDS = ROOT.parent / "shared" / "seeds"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def tthc(tmp_path):
    """Run `python -m tthc_cli ARGS` with a private cache, no colour, wide terminal."""
    cache = tmp_path / "cache"
    home = tmp_path / "home"  # the user's own ~/.config/tthc and ~/.cache never reach a test

    def run(*args, stdin: str | None = None, cwd=None, env: dict | None = None) -> Result:
        e = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
        e.update({"TTHC_CACHE_DIR": str(cache), "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8",
                  "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")})
        e.update(env or {})
        p = subprocess.run([sys.executable, "-m", "tthc_cli", *map(str, args)], input=stdin, capture_output=True,
                           text=True, encoding="utf-8", cwd=cwd or ROOT, env=e, timeout=120)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plan_dir(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    return d
