import pytest

from nongsan.accounts.tests import factories

pytestmark = pytest.mark.django_db


def test_a_post_office_sits_in_its_commune_and_lists_under_it():
    commune = factories.commune("Lạng Sơn", 2)
    office = factories.post_office(at=commune, code="BC-LS-3")
    assert office.commune == commune
    assert office.carrier.code == "vnpost"
    assert list(commune.post_offices.all()) == [office]
    assert str(office) == f"Bưu điện văn hóa xã {commune.short_name}"
