"""Editors, targeted households and bulletins built through the real services."""

from typing import Any

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.geo.models import Commune, Province
from nongsan.households.models import Household, ProduceKind
from nongsan.households.tests import factories as household_factories
from nongsan.info import services
from nongsan.info.models import Bulletin


def editor(province: Province | None = None, **fields: Any) -> User:
    """An information editor: a ministry one (no province) or a province's."""
    fields.setdefault("full_name", "Phạm Thị Thu")
    return account_factories.user(Role.INFO_EDITOR, province=province, **fields)


def produce(code: str) -> ProduceKind:
    return ProduceKind.objects.get(code=code)


def household(
    *, commune: Commune | None = None, grows: tuple[str, ...] = (), **fields: Any
) -> Household:
    """A household with its own login (a phone), growing the produce kinds named by code."""
    fields.setdefault("head_phone", account_factories.next_phone().replace("0913", "0987", 1))
    return household_factories.household(
        commune=commune, produce=[produce(code) for code in grows], **fields
    )


def bulletin(
    *,
    actor: User | None = None,
    kind: str = Bulletin.Kind.PEST,
    title: str = "Cảnh báo sâu keo mùa thu hại ngô",
    body: str = "Sâu keo mùa thu xuất hiện trên ngô vụ đông. Thăm đồng, phun thuốc khi sâu non.",
    publish: bool = True,
    **fields: Any,
) -> Bulletin:
    if not any(key in fields for key in ("is_nationwide", "provinces", "communes")):
        fields["is_nationwide"] = True
    return services.bulletin_create(
        actor=actor or editor(),
        kind=kind,
        title=title,
        body=body,
        publish=publish,
        **fields,
    )
