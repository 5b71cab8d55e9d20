"""The scope helper, role by role, on a model that has every kind of scope path."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import scope_filter, scope_label, scoped_get
from nongsan.accounts.tests import factories
from nongsan.geo.models import Commune

pytestmark = pytest.mark.django_db

PATHS = {
    "province": "province",
    "commune": "communes",
    "marketplace": "marketplace",
    "carrier": "carrier",
    "owner": "pk",
}


@pytest.fixture
def people():
    """Staff of two provinces, two marketplaces and two carriers, and plain users."""
    lang_son, ha_noi = factories.province("Lạng Sơn"), factories.province("Hà Nội")
    commune_ls = factories.commune("Lạng Sơn", 0)
    commune_ls_other = factories.commune("Lạng Sơn", 1)
    postmart, voso = factories.marketplace(), factories.marketplace("voso", "Vỏ Sò")
    vnpost, viettel = factories.carrier(), factories.carrier("viettelpost", "Viettel Post")
    return {
        "official_ls": factories.user(Role.PROVINCE_OFFICIAL, province=lang_son),
        "official_hn": factories.user(Role.PROVINCE_OFFICIAL, province=ha_noi),
        "agent_ls": factories.user(Role.FIELD_AGENT, communes=[commune_ls]),
        "agent_ls_other": factories.user(Role.FIELD_AGENT, communes=[commune_ls_other]),
        "agent_province": factories.user(Role.FIELD_AGENT, province=lang_son),
        "operator_postmart": factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart),
        "operator_voso": factories.user(Role.MARKETPLACE_OPERATOR, marketplace=voso),
        "carrier_vnpost": factories.user(Role.CARRIER_STAFF, carrier=vnpost),
        "carrier_viettel": factories.user(Role.CARRIER_STAFF, carrier=viettel),
        "ministry": factories.user(Role.MINISTRY_OFFICIAL),
        "editor_nation": factories.user(Role.INFO_EDITOR),
        "editor_ls": factories.user(Role.INFO_EDITOR, province=lang_son),
        "household": factories.user(Role.HOUSEHOLD),
        "buyer": factories.user(Role.BUYER),
        "supplier": factories.user(Role.INPUT_SUPPLIER),
    }


def visible(actor, **paths):
    return set(scope_filter(User.objects.all(), actor=actor, **(paths or PATHS)).distinct())


def test_ministry_sees_everything(people):
    assert visible(people["ministry"]) == set(User.objects.all())


def test_national_editor_sees_everything_and_provincial_editor_their_province(people):
    assert visible(people["editor_nation"]) == set(User.objects.all())
    assert visible(people["editor_ls"]) == {
        u for u in User.objects.all() if u.province_id == people["editor_ls"].province_id
    }


def test_province_official_sees_their_province_only(people):
    seen = visible(people["official_ls"])
    assert people["official_hn"] not in seen
    assert seen == {
        u for u in User.objects.all() if u.province_id == people["official_ls"].province_id
    }


def test_field_agent_sees_their_communes_only(people):
    seen = visible(people["agent_ls"])
    assert seen == {people["agent_ls"]}  # the only user attached to that commune is themselves
    assert people["agent_ls_other"] not in seen


def test_field_agent_scoped_to_a_province_sees_the_province(people):
    seen = scope_filter(
        Commune.objects.all(), actor=people["agent_province"], province="province", commune="pk"
    )
    assert (
        seen.count() == Commune.objects.filter(province=people["agent_province"].province).count()
    )


def test_field_agent_sees_only_assigned_communes_of_the_commune_table(people):
    agent = people["agent_ls"]
    seen = scope_filter(Commune.objects.all(), actor=agent, province="province", commune="pk")
    assert list(seen) == list(agent.communes.all())


def test_marketplace_operator_sees_their_marketplace(people):
    seen = visible(people["operator_postmart"])
    assert seen == {people["operator_postmart"]}
    assert people["operator_voso"] not in seen


def test_carrier_staff_sees_their_carrier(people):
    assert visible(people["carrier_vnpost"]) == {people["carrier_vnpost"]}


@pytest.mark.parametrize("role", ["household", "buyer", "supplier"])
def test_personal_roles_see_only_what_they_own(people, role):
    assert visible(people[role]) == {people[role]}


def test_role_without_a_matching_path_sees_nothing_but_own_rows(people):
    # A model with only a province path: a marketplace operator sees nothing of it.
    assert not scope_filter(
        Commune.objects.all(), actor=people["operator_postmart"], province="province"
    )


def test_anonymous_and_inactive_see_nothing(people):
    assert not scope_filter(User.objects.all(), actor=AnonymousUser(), **PATHS).exists()
    ministry = people["ministry"]
    ministry.is_active = False
    assert not scope_filter(User.objects.all(), actor=ministry, **PATHS).exists()


def test_scoped_get_is_404_outside_scope(people):
    other = people["official_hn"]
    with pytest.raises(Http404):
        scoped_get(User.objects.all(), actor=people["official_ls"], paths=PATHS, pk=other.pk)
    assert (
        scoped_get(User.objects.all(), actor=people["ministry"], paths=PATHS, pk=other.pk) == other
    )


def test_scope_labels(people):
    assert scope_label(people["ministry"]) == "Toàn quốc"
    assert scope_label(people["official_ls"]) == "Tỉnh Lạng Sơn"
    assert scope_label(people["operator_postmart"]) == "Postmart"
    assert scope_label(people["agent_ls"]) == people["agent_ls"].communes.get().name
