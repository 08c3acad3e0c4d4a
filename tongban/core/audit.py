"""One way to put a model under django-auditlog, so every app's history looks the same."""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

BOOKKEEPING = ("updated_at",)


def audit(model: type[models.Model], *, exclude: Iterable[str] = (), m2m: Iterable[str] = ()) -> None:
    """Register `model` with auditlog.

    Reverse relations (a unit's `windows`, an item's `materials`) are not fields of the record, and
    auditlog would log each of them as "None" on every create: they are always excluded, as are
    bookkeeping columns.
    """
    from auditlog.registry import auditlog

    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=[*BOOKKEEPING, *exclude, *reverse], m2m_fields=set(m2m))


# --------------------------------------------------------------------------------------------------
# Who made a change: every row of the field-level history names a person, whichever door the change
# came through.
#
# - a page (session): the request's user;
# - the API with a token: the same — DRF authenticates inside the view and sets the Django request's
#   user then, so the user is read when the history row is written, not when the request comes in
#   (auditlog's middleware reads it too early and leaves token changes anonymous);
# - the command line: the user named with `tongban --user NAME …` (or TONGBAN_USER), else the system account;
# - a job, a worker task, a shell: whoever `acting_as(user)` names (the person who pressed 立即运行, the
#   uploader of an import), else the system account (系统任务).

SYSTEM_USERNAME = "system"
SYSTEM_NAME = "系统任务"

_request_var: ContextVar = ContextVar("tongban_request", default=None)
_actor_var: ContextVar = ContextVar("tongban_actor", default=None)


def system_user():
    """The account that changes made by no person (scheduled jobs, set-up commands) are recorded as. It
    cannot log in: no usable password, inactive."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": SYSTEM_NAME, "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class _SystemAccount:
    """The system account, looked up once per `acting_as` block (a CLI import writes thousands of rows)."""

    user = None

    def get(self):
        if self.user is None:
            self.user = system_user()
        return self.user


@contextmanager
def acting_as(user):
    """Record the changes made inside the block as `user`'s (None: the system account)."""
    token = _actor_var.set(user if user is not None else _SystemAccount())
    try:
        yield
    finally:
        _actor_var.reset(token)


def current_actor():
    """The person a change made now belongs to (None only for an anonymous web request)."""
    request = _request_var.get()
    if request is not None:
        user = getattr(request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None
    actor = _actor_var.get()
    if isinstance(actor, _SystemAccount):
        return actor.get()
    if actor is None:
        actor = _auditlog_actor()  # auditlog's own set_actor(…) block names a person too
    return actor if actor is not None else system_user()


def _auditlog_actor():
    """The user of an enclosing `auditlog.context.set_actor(…)` block, if one is open. auditlog leaves its
    context value behind when the block ends and only disconnects its receiver, so the receiver's
    presence is what says the block is still open."""
    from auditlog.context import auditlog_value
    from django.db.models.signals import pre_save

    try:
        data = auditlog_value.get()
    except LookupError:
        return None
    duid = data.get("signal_duid")
    if not any(receiver[0][0] == duid for receiver in pre_save.receivers):
        return None
    return data.get("actor")


class ActorMiddleware:
    """Keeps the request at hand while it is served, so a history row written during it names the user
    the request was finally authenticated as (a session or an API token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_var.set(request)
        try:
            return self.get_response(request)
        finally:
            _request_var.reset(token)


def fill_in_actor(sender, instance, **kwargs) -> None:
    """pre_save of auditlog's LogEntry: a row without an actor gets the current one."""
    if instance.actor_id is None:
        actor = current_actor()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = getattr(actor, "email", None) or None
