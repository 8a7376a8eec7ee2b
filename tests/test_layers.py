"""The layers' rules (pyproject.toml, [tool.importlinter]) hold: db imports no Textual,
Rich or tui; widgets no screens; screens not the app; only the CLI the shell commands.
import-linter reads every import, those inside functions too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout
