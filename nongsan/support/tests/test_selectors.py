"""Who sees which difficulties: a province its own and its communes', a commune agent their
communes', a marketplace or a carrier its own and what is assigned to it, the Ministry all."""

import pytest
from django.http import Http404

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.support import selectors, services
from nongsan.support.tests import factories

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_threads_and_the_ministry_sees_all():
    ministry = factories.ministry()
    lang_son_agent = factories.commune_agent(0, "Lạng Sơn")
    neighbour_agent = factories.commune_agent(1, "Lạng Sơn")
    hanoi_agent = factories.commune_agent(0, "Hà Nội")
    lang_son = factories.province_official("Lạng Sơn")
    hanoi = factories.province_official("Hà Nội")
    postmart = account_factories.user(Role.MARKETPLACE_OPERATOR)
    voso = account_factories.user(
        Role.MARKETPLACE_OPERATOR, marketplace=account_factories.marketplace("voso", "Vỏ Sò")
    )
    carrier = account_factories.user(Role.CARRIER_STAFF)
    buyer = account_factories.user(Role.BUYER)

    commune_item = factories.difficulty(actor=lang_son_agent)
    neighbour_item = factories.difficulty(actor=neighbour_agent)
    hanoi_item = factories.difficulty(actor=hanoi_agent)
    province_item = factories.difficulty(actor=lang_son)
    # A marketplace's difficulty about Lạng Sơn is the marketplace's thread, not the province's.
    postmart_item = factories.difficulty(actor=postmart, province=lang_son.province)
    carrier_item = factories.difficulty(actor=carrier)
    assigned_to_voso = factories.difficulty(actor=hanoi)
    services.difficulty_assign(
        actor=ministry, difficulty=assigned_to_voso, marketplace=voso.marketplace
    )

    def seen(user):
        return {d.pk for d in selectors.difficulty_list(actor=user)}

    everything = {
        commune_item.pk, neighbour_item.pk, hanoi_item.pk, province_item.pk, postmart_item.pk,
        carrier_item.pk, assigned_to_voso.pk,
    }  # fmt: skip
    assert seen(ministry) == everything
    assert seen(lang_son) == {commune_item.pk, neighbour_item.pk, province_item.pk}
    assert seen(hanoi) == {hanoi_item.pk, assigned_to_voso.pk}
    assert seen(lang_son_agent) == {commune_item.pk}
    assert seen(neighbour_agent) == {neighbour_item.pk}
    assert seen(postmart) == {postmart_item.pk}
    assert seen(voso) == {assigned_to_voso.pk}
    assert seen(carrier) == {carrier_item.pk}
    assert seen(buyer) == set()
    with pytest.raises(Http404):
        selectors.difficulty_get_for(actor=hanoi, number=commune_item.number)
    with pytest.raises(Http404):
        selectors.difficulty_get_for(actor=neighbour_agent, number=commune_item.number)
    assert selectors.difficulty_get_for(actor=lang_son, number=commune_item.number) == commune_item
