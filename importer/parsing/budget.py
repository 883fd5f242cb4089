"""A time budget on a block of Python code: one pathological file must not stall a batch.

The budget is a real-time interval timer (``SIGALRM``) whose handler raises ``ParseTimeout`` in the code
that runs over. Signals reach only the main thread of a process, which is where a file is parsed: in the
command (``--jobs 1``) and in every pool worker (``--jobs N``). Elsewhere (a thread) there is no budget.
A signal handler runs between Python bytecodes, so one long call into C (a single regular expression
search) finishes before the budget can stop it; the segmenter's own loops are Python.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ParseTimeout(Exception):
    """A file used up its parse time budget."""


def _expired(signum, frame) -> None:
    raise ParseTimeout


def budget_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ``ParseTimeout`` in the block once it has run ``seconds`` (None or 0: no budget). The timer
    and the handler that were there before are put back on the way out."""
    if not seconds or seconds <= 0 or not budget_available():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
