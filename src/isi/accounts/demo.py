"""The demo users of DESIGN §7. Only ever created in demo mode, with a well-known password."""

from __future__ import annotations

from dataclasses import dataclass

from axes.utils import reset as reset_failed_sign_ins
from django.conf import settings
from django.db import transaction

from isi.accounts.models import User
from isi.organisations.models import Organisation


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation_key: str | None
    full_name: str
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("koordination", User.Role.COORDINATION, "ib", "Koordinierung IMAG"),
    DemoUser("bmi", User.Role.DESK_OFFICER, "bmi", "Referat Integration (BMI)"),
    DemoUser("bmas", User.Role.DESK_OFFICER, "bmas", "Referat Integration (BMAS)"),
    DemoUser("bamf", User.Role.AGENCY, "bamf", "Integrationsabteilung (BAMF)"),
    DemoUser("leser", User.Role.READER, None, "Lesezugriff"),
    DemoUser("admin", User.Role.ADMIN, None, "Administration", is_admin=True),
)


class DemoModeRequired(RuntimeError):
    pass


@transaction.atomic
def ensure_demo_users(password: str | None = None) -> list[User]:
    """Create or reset the demo users; refuses outside demo mode."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired("Demo-Konten gibt es nur im Demo-Modus (ISI_DEMO_MODE=true).")
    password = password or settings.DEMO_PASSWORD
    users = []
    for spec in DEMO_USERS:
        first, _, last = spec.full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "role": spec.role,
                "organisation": (
                    Organisation.objects.get(key=spec.organisation_key) if spec.organisation_key else None
                ),
                "first_name": first,
                "last_name": last,
                "email": f"{spec.username}@demo.invalid",
                "is_staff": spec.is_admin,
                "is_superuser": spec.is_admin,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users.append(user)
    # A fresh demo starts unlocked: forget failed sign-ins of the demo accounts.
    for spec in DEMO_USERS:
        reset_failed_sign_ins(username=spec.username)
    return users
