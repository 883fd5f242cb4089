"""Read replicas: the public API reads from a replica, everything else reads and writes the primary.

The rule (``ReplicaRouter``):

- every write goes to the primary ("default"), and migrations run only there;
- a read goes to a replica only inside an API request that can only read (GET, HEAD, OPTIONS under ``/api/``,
  marked by ``ReplicaReadsMiddleware``); one replica, drawn at random, serves the whole request, so a page and
  its count come from the same snapshot;
- within such a request, reads go back to the primary once it has written anything, inside a transaction
  on the primary, and always for who the caller is (users, groups, sessions, API tokens, content types):
  a login or a new token must be seen by the very next request, whatever a replica's lag.

The admin, the editors' services, the importer and every command read the primary: an editor sees the
article they have just saved, and a service's read-check-write sequence never reads a stale row. The API is
read-only and public, so reading what a replica had a moment ago is what it may serve; the lag is that of
streaming replication (README, "Read replicas").
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

#: Apps whose rows say who the caller is: read from the primary even in an API request.
PRIMARY_ONLY_APPS = frozenset({"auth", "authtoken", "contenttypes", "sessions", "admin"})
#: Requests that read the archive only: the API's, with a method that cannot write.
API_PREFIX = "/api/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Reads:
    replica: str
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("newsroom_replica_reads", default=None)


@contextmanager
def replica_reads():
    """Reads in this block may go to a replica (one for the whole block), as in an API request."""
    replicas = settings.NEWSROOM_READ_REPLICAS
    token = _reads.set(_Reads(replica=random.choice(replicas)) if replicas else None)
    try:
        yield
    finally:
        _reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        reads = _reads.get()
        if (
            reads is None
            or reads.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return reads.replica

    def db_for_write(self, model, **hints) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas hold the primary's rows: every alias is the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Marks the API's read-only requests, whose reads ``ReplicaRouter`` sends to a replica."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS and request.path.startswith(API_PREFIX):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
