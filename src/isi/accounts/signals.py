"""Sign-in bookkeeping, lock-out logging and ending the sessions of disabled people.

The single place where disabling a person ends their sessions is the User save signal below,
so the admin, `deactivate_user` and any other `save()` behave alike. (`QuerySet.update()` skips
signals; use `deactivate_user` for bulk changes.)
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from isi.accounts import services
from isi.accounts.models import User
from isi.accounts.services import audit

_WAS_ACTIVE = "_isi_was_active"


@receiver(user_logged_in, dispatch_uid="isi_accounts_logged_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session") or not isinstance(user, User):
        return
    services.start_session_clock(request.session)
    services.record_session(user, request.session.session_key)


@receiver(user_logged_out, dispatch_uid="isi_accounts_logged_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.forget_session(request.session.session_key)


# Logged when the limit is reached, and again for every refused try while the lock lasts.
@receiver(user_locked_out, dispatch_uid="isi_accounts_locked_out")
def _locked_out(
    sender: Any, request: HttpRequest | None, username: Any, ip_address: Any, **kwargs: Any
) -> None:
    audit.warning(
        "event=lockout username=%s ip=%s limit=%s cooloff_minutes=%s",
        str(username or "-")[:150],
        ip_address or services.client(request),
        settings.AXES_FAILURE_LIMIT,
        settings.ISI_LOGIN_LOCKOUT_MINUTES,
    )


@receiver(pre_save, sender=User, dispatch_uid="isi_accounts_user_pre_save")
def _remember_active(sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance.__dict__.pop(_WAS_ACTIVE, None)
        return
    was = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance.__dict__[_WAS_ACTIVE] = bool(was)


@receiver(post_save, sender=User, dispatch_uid="isi_accounts_user_post_save")
def _end_sessions_when_disabled(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    was_active = instance.__dict__.pop(_WAS_ACTIVE, False)
    if created or not was_active or instance.is_active:
        return
    ended = services.end_user_sessions(instance)
    actor = services.acting_user()
    audit.warning("event=user_deactivated user=%s by=%s", services.who(instance), services.who(actor))
    audit.warning(
        "event=session_end reason=deactivated user=%s sessions=%s by=%s",
        services.who(instance),
        ended,
        services.who(actor),
    )


@receiver(pre_delete, sender=User, dispatch_uid="isi_accounts_user_pre_delete")
def _end_sessions_when_deleted(sender: type[User], instance: User, **kwargs: Any) -> None:
    ended = services.end_user_sessions(instance)
    if ended:
        audit.warning(
            "event=session_end reason=deleted user=%s sessions=%s by=%s",
            services.who(instance),
            ended,
            services.who(services.acting_user()),
        )
