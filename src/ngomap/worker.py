"""Run one reader in a worker process with a time and a memory budget.

The checks of ``ngomap.limits`` refuse what they can see; what they cannot (a reader that
loops, or allocates far more than the file's size suggests, or aborts the process from
native code) costs a worker process, never the server: the page's imports and boundary
uploads go through ``run_bounded`` (one job) or ``bounded`` (one file's jobs, one worker).
A worker is a fresh ``python -m ngomap.worker`` process (not a fork of the server: the
page's threads, memory and main script stay out), started ahead of need (``warm``) with
ngomap already imported, so a run starts at once; it sets its
memory budget (RLIMIT_AS) before reading its job, and the server stops it at the end of the
time budget.

Outcomes: the reader's result; the reader's own ``NgomapError`` (its message, unchanged);
``ResourceLimitError`` when the time or memory budget ran out; ``WorkerCrashError`` for
anything else (an exception of another type, a native abort), with no traceback and no
server path in its message.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from ngomap.errors import NgomapError
from ngomap.limits import DEFAULT_LIMITS, MB, Limits, check_bytes, refusal

T = TypeVar("T")
Progress = Callable[[float, str], None]

# Imported by each worker before it waits for a job.
PRELOAD: Final = ("ngomap.importer.threew", "ngomap.areas.files", "ngomap.importer.population")
_HEADER: Final = struct.Struct("<Q")


class ResourceLimitError(NgomapError):
    """A file whose reading ran over the worker's time (``what="time"``) or memory budget."""

    def __init__(self, en: str, fr: str | None = None, *, what: str = "") -> None:
        super().__init__(en, fr)
        self.what = what

    def __reduce__(self) -> tuple[object, ...]:
        return (_over_budget, (self.en, self.fr, self.what))


def _over_budget(en: str, fr: str, what: str) -> ResourceLimitError:
    return ResourceLimitError(en, fr, what=what)


class WorkerCrashError(NgomapError):
    """A reader that failed in an unexpected way (not a refusal with a message)."""

    def __init__(self, en: str, fr: str | None = None, *, what: str = "", detail: str = "") -> None:
        super().__init__(en, fr)
        self.what = what  # the exception's type, or the signal: shown
        self.detail = detail  # its text and where it was raised: for logs and the fuzzer only

    def __reduce__(self) -> tuple[object, ...]:
        return (_crash, (self.en, self.fr, self.what, self.detail))


def _crash(en: str, fr: str, what: str, detail: str) -> WorkerCrashError:
    return WorkerCrashError(en, fr, what=what, detail=detail)


def _where(error: BaseException) -> str:
    """An unexpected error's text and its innermost frames (never shown to the user)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    places = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{str(error)[:200]} at {places}"


# --- the worker's side -------------------------------------------------------------------------
def _write(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return stream.read(size)


def _out_of_memory(error: BaseException) -> bool:
    """A native library's way of saying an allocation failed (Rust, C++)."""
    text = str(error)
    return "bad_alloc" in text or (
        type(error).__name__ == "PanicException" and "pointer is null" in text
    )


def _address_space() -> int:
    """This process's address space in bytes (what RLIMIT_AS counts)."""
    try:
        with Path("/proc/self/statm").open(encoding="ascii") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _progress(stdout: IO[bytes]) -> Progress:
    def send(share: float, step: str) -> None:
        _write(stdout, ("progress", share, step))

    return send


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker's loop: read a job, run it, answer; until its input is closed."""
    for module in PRELOAD:
        importlib.import_module(module)
    frame = _read_frame(stdin)
    if frame is None:
        return
    memory = pickle.loads(frame)
    # The budget is what a job may add to the worker as it stands, its libraries loaded
    # (GDAL, Arrow and their threads reserve well over a gigabyte of address space).
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while True:
        try:
            frame = _read_frame(stdin)
            if frame is None:
                return
            function, args, kwargs, with_progress = pickle.loads(frame)
        except MemoryError:
            _write(stdout, ("memory",))
            return
        if with_progress:
            kwargs = {**kwargs, "progress": _progress(stdout)}
        del frame
        try:
            message: tuple[Any, ...] = ("ok", function(*args, **kwargs))
        except NgomapError as error:
            message = ("error", error)
        except MemoryError:
            message = ("memory",)
        except BaseException as error:  # anything else: reported, never shown as a traceback
            if _out_of_memory(error):
                message = ("memory",)
            else:
                message = ("crash", type(error).__name__, _where(error))
        try:
            _write(stdout, message)
        except MemoryError:
            _write(stdout, ("memory",))
        except Exception as error:  # a result that cannot be sent back
            _write(stdout, ("crash", f"result {type(error).__name__}"))
        del message


def main() -> None:
    """``python -m ngomap.worker``: serve jobs on standard input and output."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not break the frames
    _serve(stdin, stdout)


# --- the server's side -------------------------------------------------------------------------
class Worker:
    """One worker process, given a memory budget once; runs jobs one after the other."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ngomap.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if os.environ.get("NGOMAP_WORKER_DEBUG") else subprocess.DEVNULL,
            start_new_session=True,  # a signal for the server's group is not the worker's
            # Few malloc arenas: threads' reserved address space counts in RLIMIT_AS.
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},
        )
        assert self.process.stdin is not None
        _write(self.process.stdin, memory)
        self._buffer = b""

    def close(self) -> None:
        """Stop the process (killed: it may be in the middle of anything)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _next(self, deadline: float) -> tuple[Any, ...] | None:
        """The next message, None when the process ended; TimeoutError at the deadline."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while True:
            if len(self._buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack(self._buffer[: _HEADER.size])
                if len(self._buffer) >= _HEADER.size + size:
                    data = self._buffer[_HEADER.size : _HEADER.size + size]
                    self._buffer = self._buffer[_HEADER.size + size :]
                    message: tuple[Any, ...] = pickle.loads(data)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self._buffer += chunk

    def run(
        self,
        function: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        name: str,
        limits: Limits,
        progress: Progress | None = None,
    ) -> T:
        """One job; the process is closed when it ran over budget or died."""
        assert self.process.stdin is not None
        for value in (*args, *kwargs.values()):  # a file's bytes: refused before they are sent
            if isinstance(value, bytes):
                check_bytes(len(value), name, limits)
        deadline = time.monotonic() + limits.worker_seconds
        try:
            job = pickle.dumps((function, args, kwargs, progress is not None), protocol=5)
            self.process.stdin.write(_HEADER.pack(len(job)) + job)
            self.process.stdin.flush()
            del job
            while True:
                message = self._next(deadline)
                if message is None or message[0] != "progress":
                    break
                if progress is not None:
                    progress(float(message[1]), str(message[2]))
        except TimeoutError:
            self.close()
            raise _over("time", name, limits) from None
        except (BrokenPipeError, ConnectionResetError):
            message = None
        if message is None:  # the worker died without a word: a signal or a native abort
            self.close()
            code = self.process.returncode
            if code == -signal.SIGKILL:  # the system's out-of-memory killer
                raise _over("memory", name, limits)
            what = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
            raise _crashed(name, what)
        if message[0] == "ok":
            result: T = message[1]
            return result
        if message[0] == "error":
            raise message[1]
        self.close()  # memory or crash: the process may be in a bad state
        if message[0] == "memory":
            raise _over("memory", name, limits)
        raise _crashed(name, str(message[1]), str(message[2]) if len(message) > 2 else "")


_LOCK = threading.Lock()
_SPARES: dict[int, Worker] = {}  # one started worker waiting, per memory budget


def _take(memory: int) -> Worker:
    """A started worker (the waiting one when there is one), and another started to wait."""
    with _LOCK:
        worker = _SPARES.pop(memory, None)
        if worker is None or worker.process.poll() is not None:
            worker = Worker(memory)
        _SPARES[memory] = Worker(memory)
        return worker


def close_spares() -> None:
    """Stop the workers started ahead of need (at shutdown, or to start afresh)."""
    with _LOCK:
        for worker in _SPARES.values():
            worker.close()
        _SPARES.clear()


atexit.register(close_spares)  # no worker, nor its pipes, outlives the server


def _slots() -> int:
    """How many imports may run at once: $NGOMAP_WORKERS, else what the memory allows.

    Each worker may use ``worker_memory_bytes``; together they stay within 60 % of the
    machine's memory (and one per core), so that many users uploading at once, or many
    hostile files, cannot take the server's memory: the others wait for a slot.
    """
    given = os.environ.get("NGOMAP_WORKERS", "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = 8_000 * MB
    fits = int(total * 0.6) // DEFAULT_LIMITS.worker_memory_bytes
    return max(1, min(os.cpu_count() or 1, fits))


SLOTS: Final = _slots()
_RUNNING = threading.BoundedSemaphore(SLOTS)


def warm(limits: Limits = DEFAULT_LIMITS) -> None:
    """Have a worker started and waiting for ``limits``' memory budget (when none is), so
    that the next import does not wait for one to import its libraries: the page calls it
    when it shows the upload panel, well before a file is chosen."""
    with _LOCK:
        spare = _SPARES.get(limits.worker_memory_bytes)
        if spare is None or spare.process.poll() is not None:
            _SPARES[limits.worker_memory_bytes] = Worker(limits.worker_memory_bytes)


class Bounded:
    """The jobs on one user's file, run one after the other in one worker process.

    The page reads a file, then imports it: both in the same worker (started ahead of need),
    instead of a second worker that would still be importing its libraries. Each job has
    its own time budget; the memory budget is the worker's. A job that ran over a budget
    or crashed ends its worker, and the next job gets a new one. The worker holds one of
    the ``SLOTS`` from the first job until ``close`` (use ``bounded``), and runs no other
    file's jobs.
    """

    def __init__(self, *, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.name = name
        self.limits = limits
        self._worker: Worker | None = None
        self._slot = False

    def run(
        self,
        function: Callable[..., T],
        *args: Any,
        limits: Limits | None = None,
        progress: Progress | None = None,
        **kwargs: Any,
    ) -> T:
        """``function(*args, **kwargs)`` in this file's worker, within ``limits`` (default:
        the ones given at the start; their memory budget must be the same)."""
        limits = limits or self.limits
        if limits.worker_memory_bytes != self.limits.worker_memory_bytes:
            raise ValueError("one worker has one memory budget")
        if not self._slot:
            if not _RUNNING.acquire(timeout=limits.worker_seconds):  # every slot taken
                found = refusal(
                    "busy", name=self.name, slots=SLOTS, limit=f"{limits.worker_seconds:.0f}"
                )
                raise ResourceLimitError(found.en, found.fr, what="busy")
            self._slot = True
        if self._worker is None or self._worker.process.poll() is not None:
            self._worker = _take(limits.worker_memory_bytes)
        return self._worker.run(
            function, args, kwargs, name=self.name, limits=limits, progress=progress
        )

    def close(self) -> None:
        """Stop the worker (it never serves another file) and give its slot back."""
        try:
            if self._worker is not None:
                self._worker.close()
                self._worker = None
        finally:
            if self._slot:
                self._slot = False
                _RUNNING.release()


@contextlib.contextmanager
def bounded(*, name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Bounded]:
    """A ``Bounded`` for the jobs on the file ``name``, closed at the end of the block.

    No worker is taken until the first job: a block whose results are all cached costs
    nothing.
    """
    session = Bounded(name=name, limits=limits)
    try:
        yield session
    finally:
        session.close()


def run_bounded(
    function: Callable[..., T],
    *args: Any,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    **kwargs: Any,
) -> T:
    """``function(*args, **kwargs)`` in a fresh worker process, within ``limits``' budgets.

    ``function`` must be importable (a module's function) and its result picklable.
    ``name`` is the file's name for the messages; ``progress`` is called here with the
    worker's progress (and given to ``function`` as its ``progress`` keyword).
    """
    with bounded(name=name, limits=limits) as session:
        return session.run(function, *args, progress=progress, **kwargs)


def _over(what: str, name: str, limits: Limits) -> ResourceLimitError:
    if what == "time":
        found = refusal("time", name=name, limit=f"{limits.worker_seconds:.0f}")
    else:
        found = refusal("memory", name=name, limit=f"{limits.worker_memory_bytes / MB:.0f}")
    return ResourceLimitError(found.en, found.fr, what=what)


def _crashed(name: str, what: str, detail: str = "") -> WorkerCrashError:
    found = refusal("crash", name=name, what=what)
    return WorkerCrashError(found.en, found.fr, what=what, detail=detail)


if __name__ == "__main__":
    main()
