"""One ingest at a time across machines: a lease held in the index's state collection, with expiry.

The lease is one item (`lease/ingest`) whose metadata names its holder and when it expires. Taking it is an
insert-if-absent (Chroma's `add` leaves an existing ID as it is), then a read: whoever's name is on the item
holds it. A lease past its expiry (its holder died) is deleted only while it still names that holder and
that expiry, so two contenders never delete each other's fresh lease; a holder on this machine whose process
is gone (killed) is treated as expired at once. While the ingest runs, a thread
renews the expiry every third of the lease time; release deletes the item only while it is still ours.

Expiry uses each machine's clock: keep them in step (NTP) well within `lease_seconds`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LEASE = "lease/ingest"
_DUMMY = [1.0]


class IngestLocked(RuntimeError):
    """Another ingest holds the lease on this index."""


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(holder: str) -> bool:
    """Whether the holder was a process on this machine that no longer runs (a killed ingest's lease need
    not wait for its expiry here)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, under another user
        return False
    return False


class Lease:
    def __init__(self, items: Any, seconds: float = 120.0, holder: str | None = None) -> None:
        self.items = items
        self.seconds = seconds
        self.holder = holder or holder_name()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> dict | None:
        """The lease item's metadata (holder, expires), or None when nobody holds it."""
        got = self.items.get(ids=[LEASE], include=["metadatas"])
        return (got["metadatas"][0] or {}) if got["ids"] else None

    def try_acquire(self) -> bool:
        expires = time.time() + self.seconds
        self.items.add(
            ids=[LEASE],
            documents=[self.holder],
            metadatas=[{"kind": "lease", "holder": self.holder, "expires": expires}],
            embeddings=[_DUMMY],
        )
        held = self.current()
        if held is None:
            return False
        if held.get("holder") == self.holder:
            return True
        if float(held.get("expires", 0)) < time.time() or _dead_here(str(held.get("holder", ""))):
            # its holder stopped without releasing it
            self.items.delete(
                ids=[LEASE], where={"$and": [{"holder": held["holder"]}, {"expires": held["expires"]}]}
            )
        return False

    def acquire(self, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                held = self.current() or {}
                raise IngestLocked(
                    f"another ingest is running on this index ({held.get('holder', 'unknown holder')}); "
                    "try again when it has finished"
                )
            time.sleep(0.2)
        self._stop.clear()
        self._thread = threading.Thread(target=self._renew, name="ingest-lease", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            held = self.current()
            if held is None or held.get("holder") != self.holder:
                return  # lost (expired and taken): the publish that follows is still one write
            self.items.update(
                ids=[LEASE],
                metadatas=[{"kind": "lease", "holder": self.holder, "expires": time.time() + self.seconds}],
            )

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.items.delete(ids=[LEASE], where={"holder": self.holder})


@contextmanager
def held(items: Any, seconds: float, wait_seconds: float) -> Iterator[Lease]:
    """Hold the ingest lease for the block; IngestLocked after wait_seconds of another holder."""
    lease = Lease(items, seconds)
    lease.acquire(wait_seconds)
    try:
        yield lease
    finally:
        lease.release()
