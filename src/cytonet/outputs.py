"""Writing results safely: one helper for every file and folder a command writes.

- :func:`write_atomic` writes to a temporary file in the target folder and renames it over
  the target, so a reader (or a killed run) never leaves a half-written file.
- :func:`check_output_file` / :func:`check_output_dir` check an output path *before* the
  computation starts (an existing folder where a file is wanted, a parent that is a file,
  a folder that cannot be written, a figure format matplotlib cannot write).
- :class:`OutputLock` refuses a second concurrent writer to one output (``flock``; released
  by the kernel when the process dies, so a killed run leaves no stale lock).
- :func:`publish_dir` replaces a whole folder at once: the new content is built in a
  sibling staging folder and exchanged with the old one (``renameat2(RENAME_EXCHANGE)``
  where the kernel has it), so the folder is the previous one or the new one, never a mix.
"""

from __future__ import annotations

__all__ = ["write_atomic", "write_text_atomic", "write_csv", "safe_csv_cell", "safe_csv_frame", "check_output_file", "check_output_dir",
           "OutputLock", "publish_dir", "staging_dir", "FIGURE_FORMATS"]

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import InputError, Problem

FIGURE_FORMATS = ("png", "pdf", "svg", "jpg", "jpeg", "tif", "tiff", "eps", "ps", "webp")


def _fail(path: Path, msg: str) -> InputError:
    return InputError(Problem(msg, file=str(path)))


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists():
        if p.parent == p:
            break
        p = p.parent
    return p


def _check_parent(path: Path) -> None:
    anc = _nearest_existing(path.parent)
    if not anc.is_dir():
        raise _fail(path, f"cannot write here: {anc} is a file, not a folder")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise _fail(path, f"cannot write here: no permission to write in {anc}")


def check_output_file(path: str | Path, formats: Iterable[str] | None = None,
                      what: str = "output file") -> Path:
    """Refuse, before any work, an output file that could not be written.

    ``formats``: allowed suffixes (``FIGURE_FORMATS`` for figures). Missing parent folders
    are fine (they are created when written) as long as the nearest existing one is a
    writable folder."""
    p = Path(path)
    if p.is_dir():
        raise _fail(p, f"{what}: is a folder; give a file name")
    if p.exists() and not os.access(p, os.W_OK):
        raise _fail(p, f"{what}: the file exists and cannot be overwritten (no permission)")
    if formats is not None:
        suffix = p.suffix.lower().lstrip(".")
        allowed = tuple(formats)
        if suffix not in allowed:
            raise _fail(p, f"{what}: cannot write format {suffix or '(no suffix)'!r}; "
                           f"expected one of {', '.join('.' + f for f in allowed)}")
    _check_parent(p)
    return p


def check_output_dir(path: str | Path, what: str = "output folder") -> Path:
    """Refuse, before any work, an output folder that is a file or cannot be written."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise _fail(p, f"{what}: exists and is a file, not a folder")
    if p.is_dir() and not os.access(p, os.W_OK | os.X_OK):
        raise _fail(p, f"{what}: no permission to write in it")
    _check_parent(p)
    return p


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """``write(tmp_path)`` then rename over ``path``: a reader never sees a half-written file.

    The temporary file is in the target folder (a rename across file systems is not atomic)
    and is removed when ``write`` fails. OSError becomes an InputError naming the file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise _fail(path, f"cannot write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            if tmp.exists():
                tmp.unlink()
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """UTF-8 ``text`` to ``path`` through :func:`write_atomic`."""
    return write_atomic(path, lambda f: Path(f).write_text(text, encoding="utf-8"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (``=cmd|calc!A1``, ``+``, ``-``,
    ``@``, tab, CR first) gets a leading ``'``; numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv_frame(df):
    """A copy of ``df`` whose text cells (object or string columns) went through
    :func:`safe_csv_cell`; numeric columns, negative numbers included, are left alone."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("str"):
            out[col] = out[col].map(safe_csv_cell)
    return out


def write_csv(path: str | Path, df, **kwargs) -> Path:
    """``df`` as CSV through :func:`write_atomic`, text cells neutralised (safe_csv_frame)."""
    table = safe_csv_frame(df)
    kwargs.setdefault("index", False)
    return write_atomic(path, lambda f: table.to_csv(f, **kwargs))


class OutputLock:
    """An exclusive lock on one output (file or folder), held while a command writes it.

    The lock file is ``.NAME.lock`` beside the output. A second writer gets an InputError
    naming the process that holds it::

        with OutputLock(out):
            ...  # compute and write
    """

    def __init__(self, target: str | Path):
        self.target = Path(target)
        self.path = self.target.with_name(f".{self.target.name}.lock")
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _fail(self.target, f"cannot write here: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise _fail(self.target, f"another cytonet run (pid {holder}) is writing this "
                                     "output now; wait for it to finish or choose another "
                                     "output") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def staging_dir(target: str | Path) -> Path:
    """A fresh, empty sibling folder of ``target`` to build its new content in; stale ones
    left by killed runs (their process is gone) are removed first."""
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    for old in parent.glob(f".{target.name}.staging-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    stage = parent / f".{target.name}.staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    return stage


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish_dir(stage: str | Path, target: str | Path, drop: Iterable[str] = ()) -> Path:
    """Make the staged folder ``stage`` the folder ``target`` in one step.

    Entries of the old ``target`` that the staged folder lacks (and not named in ``drop``)
    are carried over first (hard links; folders copied as trees of hard links), so a report
    written into a folder that also holds analysis subfolders keeps them. At every
    moment ``target`` is the complete old folder or the complete new one; where the kernel
    cannot exchange two folders, there is a moment with no ``target`` at all (never a mix).
    """
    stage, target = Path(stage), Path(target)
    skip = set(drop)
    if target.is_dir():
        for entry in target.iterdir():
            dest = stage / entry.name
            if entry.name in skip or dest.exists() or dest.is_symlink():
                continue
            _carry(entry, dest)
        if _exchange(stage, target):
            shutil.rmtree(stage, ignore_errors=True)  # now holds the old content
            return target
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(stage, target)
        shutil.rmtree(old, ignore_errors=True)
        return target
    os.rename(stage, target)
    return target


def _carry(src: Path, dest: Path) -> None:
    if src.is_symlink():
        os.symlink(os.readlink(src), dest)
    elif src.is_dir():
        shutil.copytree(src, dest, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(src, dest)


def _link_or_copy(src, dest) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
