"""Files that appear at their path complete or not at all, whatever stops the run.

Every output is written to a temporary file beside its target (``.NAME.XXXX.part``) and moved
into place with ``os.replace``. Creating a temporary file and moving files into place are
shielded from SIGINT/SIGTERM (``interrupts.deferred``), so an interrupt always finds the file in
the charge of code that removes it; an ``OSError`` (a full disk) becomes an ``ExportError``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from audio_guide.errors import ExportError, Interrupted
from audio_guide.interrupts import deferred


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds.

    Creating the temporary file and moving it into place are shielded from SIGINT/SIGTERM
    (``interrupts.deferred``), so an interrupt always finds it in charge of removing the file.
    """
    with staged() as stage:
        tmp = stage.path(path)
        yield tmp
        stage.commit()


class Stage:
    """Temporary files beside their targets, moved into place together by ``commit``."""

    def __init__(self) -> None:
        self._moves: list[tuple[Path, Path]] = []

    def path(self, target: Path) -> Path:
        """A new empty temporary file beside ``target``, removed unless committed."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with deferred():
                fd, name = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".part"
                )
                os.close(fd)
                self._moves.append((Path(name), target))
        except OSError as exc:
            raise ExportError(cannot_write(target, exc)) from None
        return Path(name)

    def commit(self) -> None:
        """Move every file into place (signals held back until all are moved)."""
        umask = os.umask(0)
        os.umask(umask)
        try:
            with deferred():
                for tmp, target in self._moves:
                    tmp.chmod(0o666 & ~umask)
                    os.replace(tmp, target)
                self._moves.clear()
        except Interrupted as exc:  # held back until every file was in place
            exc.late = not self._moves
            raise
        except OSError as exc:
            raise ExportError(cannot_write(self._moves[0][1], exc)) from None

    def discard(self) -> None:
        """Remove every temporary file not committed."""
        for tmp, _ in self._moves:
            tmp.unlink(missing_ok=True)
        self._moves.clear()


@contextlib.contextmanager
def staged() -> Iterator[Stage]:
    """A ``Stage`` whose uncommitted files are removed however the block ends.

    An ``OSError`` (a full disk, a folder that cannot be written) becomes an ``ExportError``.
    """
    stage = Stage()
    try:
        yield stage
    except OSError as exc:
        target = stage._moves[0][1] if stage._moves else Path(".")
        raise ExportError(cannot_write(target, exc)) from None
    finally:
        stage.discard()


def cannot_write(path: Path, exc: OSError) -> str:
    """One sentence for an output that could not be written."""
    why = exc.strerror or str(exc)
    return (
        f"could not write {path} ({why}); free some disk space or choose another output "
        "folder - the previous file there was left as it was"
    )


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file so it appears complete or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def file_sha256(path: Path) -> str:
    """sha256 hex of a file's bytes, read in blocks ('' when it cannot be read)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
