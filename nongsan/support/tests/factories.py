"""Difficulties built through the real services, and the people on both sides of them."""

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.support import services
from nongsan.support.models import Difficulty


def ministry() -> User:
    return account_factories.user(Role.MINISTRY_OFFICIAL, full_name="Phạm Minh Đức")


def commune_agent(index: int = 0, province: str = "Lạng Sơn") -> User:
    return account_factories.user(
        Role.FIELD_AGENT,
        full_name="Lò Thị Hà",
        communes=[account_factories.commune(province, index)],
    )


def province_official(province: str = "Lạng Sơn") -> User:
    return account_factories.user(
        Role.PROVINCE_OFFICIAL, province=account_factories.province(province)
    )


def difficulty(*, actor: User | None = None, **fields) -> Difficulty:  # type: ignore[no-untyped-def]
    actor = actor or commune_agent()
    fields.setdefault("topic", Difficulty.Topic.PAYMENTS)
    fields.setdefault("title", "Hộ chưa mở được tài khoản ví điện tử")
    fields.setdefault(
        "description", "Nhiều hộ ở vùng cao không có điện thoại thông minh để xác thực ví."
    )
    return services.difficulty_raise(actor=actor, **fields)
