"""Demo mode's private folder (its backend, journal, outbox: demo residents and their PDFs).

A demo removes it when it closes; one killed with SIGKILL cannot, so every demo start removes
the folders of earlier demos whose process is gone. The folder's name carries its owner's pid:
``kiosk-demo-<pid>-<random>`` in the temp folder, mode 0700. Two demos running at once keep
their own folders (a live pid is never touched).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "kiosk-demo-"
_NAME = re.compile(rf"^{PREFIX}(\d+)-")
OLD_STYLE_AGE_S = 12 * 3600  # folders from before the pid was in the name: gone after 12 h


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:  # Windows: signal 0 unsupported for some handles; assume alive
        return True
    return True


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove this user's demo folders whose process has ended; returns what was removed."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    for path in root.glob(PREFIX + "*"):
        try:
            st = path.lstat()
            if not path.is_dir() or path.is_symlink() or (uid is not None and st.st_uid != uid):
                continue
            m = _NAME.match(path.name)
            age = time.time() - st.st_mtime
            stale = not _alive(int(m.group(1))) if m else age > OLD_STYLE_AGE_S
        except OSError:
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if removed:
        log.info("removed %d folder(s) left by earlier demo runs", len(removed))
    return removed


class DemoFolder:
    """Like tempfile.TemporaryDirectory (``name``, ``cleanup``), with the pid in its name."""

    def __init__(self, root: Path | None = None) -> None:
        remove_stale(root)
        self.name = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root)

    def cleanup(self) -> None:
        shutil.rmtree(self.name, ignore_errors=True)
