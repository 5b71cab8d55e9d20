"""The back office over HTTP: the queue, resolving with a trail, the daily books and their files,
recording a COD remittance; and what the buyer sees of money that did not simply match."""

import io

import openpyxl
import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.finance.tests import money
from nongsan.orders.models import PaymentMethod
from nongsan.payments.models import CodRemittance, Credit
from nongsan.shipping.tests import factories as shipping_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = money.finance()
    client.force_login(user)
    return user


def test_the_queue_shows_each_exception_with_its_reason_to_its_marketplace_only(client, staff):
    postmart = account_factories.marketplace()
    order = money.order(marketplace=postmart)
    money.bank(order, order.total + 50_000, "evt-1")
    page = client.get(reverse("finance:exceptions")).content.decode()
    assert order.number in page and "Chuyển thừa" in page
    client.force_login(account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=postmart))
    assert order.number in client.get(reverse("finance:exceptions")).content.decode()
    voso = account_factories.marketplace("voso", "Vỏ Sò")
    client.force_login(account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=voso))
    assert order.number not in client.get(reverse("finance:exceptions")).content.decode()
    assert order.number not in client.get(reverse("finance:books") + "?format=csv").content.decode(
        "utf-8-sig"
    )


def test_finance_refunds_a_duplicate_and_the_page_keeps_who_did_it(client, staff):
    order = money.order()
    money.bank(order, order.total, "evt-1")
    money.bank(order, order.total, "evt-2")
    credit = Credit.objects.get(problem=Credit.Problem.DUPLICATE)
    url = reverse("finance:credit", args=[credit.pk])
    assert "Chuyển trùng" in client.get(url).content.decode()
    refused = client.post(url, {"action": "refund", "note": ""})
    assert "Hãy ghi lý do" in refused.content.decode()
    done = client.post(url, {"action": "refund", "note": "Người mua chuyển hai lần"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Vũ Thị Thoa" in page and "Người mua chuyển hai lần" in page
    # The buyer's order page says the money is going back.
    client.force_login(order.buyer)
    mine = client.get(reverse("orders:buyer_detail", args=[order.number])).content.decode()
    assert "Chuyển trùng" in mine and "Chờ hoàn tiền" in mine


def test_partial_transfers_are_combined_from_the_credits_page(client, staff):
    order = money.order()
    money.bank(order, 30_000, "evt-1")
    money.bank(order, order.total - 30_000, "evt-2")
    first, second = Credit.objects.order_by("pk")
    page = client.get(reverse("finance:credit", args=[first.pk])).content.decode()
    assert "Gộp vào đơn" in page
    client.post(
        reverse("finance:combine"),
        {"credits": [first.pk, second.pk], "order_reference": order.number, "note": ""},
    )
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert set(Credit.objects.values_list("resolution", flat=True)) == {"combined"}


def test_the_books_balance_and_come_as_csv_and_xlsx(client, staff):
    order = money.order(method=PaymentMethod.EWALLET)
    [wallet_attempt] = money.attempts(order)
    money.switch(order, PaymentMethod.VIETQR)
    money.bank(order, order.total, "evt-qr")
    money.wallet(wallet_attempt)
    money.bank("=HYPERLINK(1)", 7_000, "evt-unknown")
    page = client.get(reverse("finance:books")).content.decode()
    assert "Khớp đến từng đồng" in page
    csv_text = client.get(reverse("finance:books") + "?format=csv").content.decode("utf-8-sig")
    # The order's marketplace: both payments in, one applied, one refunded; no marketplace: open.
    assert f";Postmart;{order.total * 2};{order.total};{order.total};0;0;có;0" in csv_text
    assert ";Nhiều sàn hoặc chưa rõ đơn;7000;0;0;0;7000;có;0" in csv_text
    xlsx = client.get(reverse("finance:books") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "A4"
    rows = [[c.value for c in row][1:7] for row in sheet.iter_rows(min_row=4)]
    assert rows == [
        ["Postmart", order.total * 2, order.total, order.total, 0, 0],
        ["Nhiều sàn hoặc chưa rõ đơn", 7_000, 0, 0, 0, 7_000],
    ]


def test_a_remittance_form_names_the_bad_line_and_records_a_good_one(client, staff):
    carrier = shipping_factories.carrier()
    url = reverse("finance:remittances")
    form = {"carrier": carrier.pk, "reference": "BK-7", "collected_until": "2026-12-01T17:00"}
    bad = client.post(url, {**form, "lines": "EB123456785VN, 250000\nkhông phải mã, 10"})
    assert "Dòng 2" in bad.content.decode()
    assert not CodRemittance.objects.exists()
    good = client.post(url, {**form, "lines": "EB123456785VN, 250.000"})
    assert good.status_code == 302
    assert Credit.objects.get().problem == Credit.Problem.COD_EXTRA
    assert "BK-7" in client.get(url).content.decode()
