"""Writing outputs so that nothing already built is ever half-overwritten."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def encoded(content: str | bytes) -> bytes:
    """File content as bytes (text is UTF-8)."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace one file in a single step: written and synced beside it, then renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def recover(target: Path) -> None:
    """Finish or undo a swap that an earlier process was killed in the middle of, and remove
    the staging folders such processes left behind."""
    backup = target.with_name(f".{target.name}.old")
    if backup.exists():
        if target.exists():
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(backup, target)
    for stale in target.parent.glob(f".{target.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def write_atomically(target: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (name -> content) as the whole new content of folder ``target``.

    The files are written and synced in a staging folder beside ``target``, which is then
    exchanged with ``target`` in one atomic step, so that at every instant ``target`` holds
    either the complete old set or the complete new set, even if the process is killed.
    """
    recover(target)
    with _staging(target) as tmp:
        for name, content in sorted(files.items()):
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="\n")
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the outputs are not
        if not target.exists():
            os.replace(tmp, target)
        elif not _exchange(tmp, target):
            # No atomic exchange here: two renames, which recover() completes if interrupted.
            backup = target.with_name(f".{target.name}.old")
            os.replace(target, backup)
            os.replace(tmp, target)
            shutil.rmtree(backup, ignore_errors=True)
        # After an exchange the staging folder holds the old set; _staging removes it.
