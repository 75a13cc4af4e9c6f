"""Writing output so that nothing is ever left half-written.

Every file goes to a temporary file beside its target; only when all of a build's files are
written are they renamed into place, one ``os.replace`` each. A failure before that removes the
temporaries and leaves every existing file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(target: Path) -> Path:
    """A new empty temporary file beside ``target`` (its folder made if missing)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(tmp)


def _fill(tmp: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to the temporary file, on disk (``sync``: before this returns), with the
    permissions a new file gets."""
    with tmp.open("wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.chmod(tmp, 0o666 & ~_umask())


def replace_file(target: Path, data: bytes, sync: bool = True) -> None:
    """Write one file at once: ``data`` to a temporary file beside ``target``, then renamed
    over it. Raises :class:`OSError`; a failure leaves ``target`` as it was and no temporary.
    Without ``sync``, for what can be made again (a cache): not waited for on disk, so after a
    power cut it may be empty, never half of one version and half of another."""
    tmp = _temporary(target)
    try:
        _fill(tmp, data, sync)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _on_disk(files: Sequence[Path]) -> None:
    """Wait until every file is on disk, asking for all at once (the disk's journal then
    commits them together, where one after another each waits for its own commit)."""
    if len(files) < 2:
        for file in files:
            _sync(file)
        return
    with ThreadPoolExecutor(max_workers=min(16, len(files))) as pool:
        for _ in pool.map(_sync, files):
            pass


def _sync(file: Path) -> None:
    try:
        fd = os.open(file, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(file)) from None


class Staging:
    """Files staged beside their targets, renamed into place together by :meth:`commit`."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._removals: list[Path] = []

    def remove(self, target: Path) -> None:
        """Delete ``target`` on commit, after every staged file is in place."""
        self._removals.append(target)

    def write_bytes(self, target: Path, data: bytes) -> None:
        """Stage ``data`` for ``target``; raises :class:`OutputError` if it cannot be written."""
        try:
            tmp = _temporary(target)
        except OSError as exc:
            raise OutputError(f"{target}: error: cannot write: {exc.strerror or exc}") from None
        self._pending.append((tmp, target))
        try:
            _fill(tmp, data, sync=False)  # on disk at commit, all at once
        except OSError as exc:
            raise OutputError(f"{target}: error: cannot write: {exc.strerror or exc}") from None

    def write_text(self, target: Path, text: str) -> None:
        """Stage UTF-8 text for ``target``."""
        self.write_bytes(target, text.encode("utf-8"))

    def commit(self) -> None:
        """Rename every staged file into place, once each is on disk and each rename can
        happen."""
        try:
            _on_disk([tmp for tmp, _ in self._pending])
        except OSError as exc:
            target = next(t for tmp, t in self._pending if str(tmp) == exc.filename)
            self.discard()
            raise OutputError(f"{target}: error: cannot write: {exc.strerror or exc}") from None
        for _, target in self._pending:
            if target.is_dir() or not os.access(target.parent, os.W_OK):
                self.discard()
                raise OutputError(
                    f"{target}: error: cannot write: a folder is in the way or the folder is read-only"
                )
        while self._pending:
            tmp, target = self._pending.pop(0)
            try:
                os.replace(tmp, target)
            except OSError as exc:
                self.discard()
                tmp.unlink(missing_ok=True)
                raise OutputError(f"{target}: error: cannot write: {exc.strerror or exc}") from None
        for target in self._removals:
            target.unlink(missing_ok=True)
        self._removals.clear()

    def discard(self) -> None:
        """Remove every staged file."""
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()
        self._removals.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()
