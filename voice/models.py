"""Installing a vosk model: layout and hash checked, installed atomically. Nothing is ever
downloaded at run time; the archive is brought to the kiosk by the technician."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path

REQUIRED = ("am", "conf", "graph", "ivector")
PRODUCTION_MODEL = "vosk-model-small-cn-0.22"  # published size 43,898,754 bytes


class ModelError(Exception):
    pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_root(folder: Path) -> Path | None:
    """The folder that holds am/ conf/ graph/ ivector/: the folder itself or its only child."""
    if all((folder / d).is_dir() for d in REQUIRED):
        return folder
    children = [c for c in folder.iterdir() if c.is_dir()]
    if len(children) == 1 and all((children[0] / d).is_dir() for d in REQUIRED):
        return children[0]
    return None


def install_model(archive: Path, target: Path, sha256: str | None = None) -> Path:
    """Unpack ``archive`` beside ``target`` and swap it in; the old model stays until then."""
    if not archive.is_file():
        raise ModelError(f"no such file: {archive}")
    if sha256 and sha256_of(archive).lower() != sha256.lower():
        raise ModelError("sha256 does not match: the archive is damaged or not the one expected")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".model-", dir=target.parent))
    try:
        try:
            with zipfile.ZipFile(archive) as z:
                for name in z.namelist():
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise ModelError(f"unsafe path in archive: {name}")
                z.extractall(staging)
        except zipfile.BadZipFile:
            raise ModelError("not a zip archive") from None
        root = model_root(staging)
        if root is None:
            raise ModelError("not a vosk model: needs am/, conf/, graph/ and ivector/")
        old = target.with_name(target.name + ".old")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        root.rename(target)  # same filesystem: atomic
        shutil.rmtree(old, ignore_errors=True)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
