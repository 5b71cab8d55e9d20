"""The scope matrix: every role (and a visitor) against the buying, money and delivery pages and
the money API routes, each allowed (200), refused (403), out of scope (404) or sent to log in
(302; 401 for the API). Every money page is here: a marketplace's operator sees its own
marketplace's money only, finance sees all, a clerk the receipts of its post office."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nongsan.accounts.models import Role
from nongsan.accounts.tests import factories as account_factories
from nongsan.finance.tests import money as finance_money
from nongsan.geo.models import Province
from nongsan.households.tests import factories as household_factories
from nongsan.lending import services as lending_services
from nongsan.orders import services as orders_services
from nongsan.orders.models import SubOrder
from nongsan.orders.tests import factories as order_factories
from nongsan.partners.tests import factories as partners_factories
from nongsan.payments import services as payments_services
from nongsan.payments.models import Credit, Refund
from nongsan.shipping import services as shipping_services
from nongsan.shipping.tests import factories as shipping_factories
from nongsan.support import services as support_services
from nongsan.traceability import gs1
from nongsan.traceability.tests import factories as traceability_factories

pytestmark = pytest.mark.django_db
Status = SubOrder.Status

OK, LOGIN, FORBIDDEN, HIDDEN = 200, 302, 403, 404
ROLES = (
    "visitor", "buyer", "other_buyer", "household", "other_household", "field_agent",
    "carrier_staff", "other_carrier_staff", "operator", "other_operator",
    "province_official", "other_province_official", "finance", "clerk", "partner_operator",
)  # fmt: skip

# page -> the answer each role gets (roles not listed: HIDDEN for object pages, see DEFAULTS)
MATRIX: dict[str, dict[str, int]] = {
    "cart": {role: OK for role in ROLES},
    "buyer_list": {"visitor": LOGIN},
    "seller_list": {"visitor": LOGIN},
    "notifications": {"visitor": LOGIN},
    "payouts": {"visitor": LOGIN, "operator": OK, "other_operator": OK, "finance": OK},
    "payout_batch": {"visitor": LOGIN, "finance": OK},
    "payout_statement": {
        "visitor": LOGIN,
        "household": OK,
        "field_agent": OK,
        "clerk": OK,
        "operator": OK,
        "finance": OK,
    },
    "receipt": {"visitor": LOGIN, "household": OK, "clerk": OK, "operator": OK, "finance": OK},
    "money_in": {"visitor": LOGIN, "operator": OK, "other_operator": OK, "finance": OK},
    "credit": {"visitor": LOGIN, "operator": OK, "finance": OK, "other_operator": HIDDEN},
    "books": {"visitor": LOGIN, "operator": OK, "other_operator": OK, "finance": OK},
    "books_csv": {"visitor": LOGIN, "operator": OK, "other_operator": OK, "finance": OK},
    "remittances": {"visitor": LOGIN, "finance": OK},
    "carrier_home": {"visitor": LOGIN, "carrier_staff": OK, "other_carrier_staff": OK},
    "cards": {
        "visitor": LOGIN,
        "carrier_staff": OK,
        "other_carrier_staff": OK,
        "province_official": OK,
        "other_province_official": OK,
    },
    "distancing": {
        "visitor": LOGIN,
        "province_official": OK,
        "other_province_official": OK,
    },
    "claims": {"visitor": LOGIN},
    "order": {"visitor": LOGIN, "buyer": OK},
    "sub_order": {"visitor": LOGIN, "household": OK, "field_agent": OK, "operator": OK},
    "shipment": {
        "visitor": LOGIN,
        "buyer": OK,
        "household": OK,
        "field_agent": OK,
        "carrier_staff": OK,
        "operator": OK,
    },
    "household_money": {"visitor": LOGIN, "household": OK, "field_agent": OK},
    "card_print": {"visitor": LOGIN, "carrier_staff": OK, "province_official": OK},
    "card_check": {role: OK for role in ROLES},
    "info_feed": {"visitor": LOGIN, "household": OK},
    "info_editor": {"visitor": LOGIN, "operator": OK, "other_operator": OK},
    "price_board": {role: OK for role in ROLES},
    "loans": {
        "visitor": LOGIN,
        "household": OK,
        "field_agent": OK,
        "province_official": OK,
        "other_province_official": OK,
    },
    "loan": {"visitor": LOGIN, "household": OK, "field_agent": OK, "province_official": OK},
    "post_office": {"visitor": LOGIN, "clerk": OK},
    "difficulties": {"visitor": LOGIN},
    "raise": {
        "visitor": LOGIN,
        "field_agent": OK,
        "carrier_staff": OK,
        "other_carrier_staff": OK,
        "operator": OK,
        "other_operator": OK,
        "province_official": OK,
        "other_province_official": OK,
    },
    "difficulty": {"visitor": LOGIN, "field_agent": OK, "province_official": OK},
    "cross": {"visitor": LOGIN, "province_official": OK, "other_province_official": OK},
    "portal": {role: OK for role in ROLES},
    "faq": {role: OK for role in ROLES},
    "lots": {"visitor": LOGIN},
    "lot": {"visitor": LOGIN, "household": OK, "field_agent": OK},
    "lot_labels": {"visitor": LOGIN, "household": OK, "field_agent": OK},
    "trace": {role: OK for role in ROLES},
    "brand_marks": {
        "visitor": LOGIN,
        "operator": OK,
        "other_operator": OK,
        "province_official": OK,
        "other_province_official": OK,
    },
    "sales_map": {role: OK for role in ROLES},
    "address_lookup": {"visitor": LOGIN},
    "handovers": {"visitor": LOGIN, "province_official": OK, "other_province_official": OK},
    "brand_mark_product": {
        "visitor": LOGIN,
        "operator": OK,
        "province_official": OK,
        "other_operator": HIDDEN,
        "other_province_official": HIDDEN,
    },
}
# A clerk of the commune's post office is a field agent of that commune: it sees what the
# commune's agent sees, and the cash counter.
for answers in MATRIX.values():
    if "field_agent" in answers:
        answers.setdefault("clerk", answers["field_agent"])
    # The operator of an external partner marketplace is, to this marketplace's money and
    # pages, another marketplace's operator.
    if "other_operator" in answers:
        answers.setdefault("partner_operator", answers["other_operator"])

# What a role gets on a page the matrix does not name it for.
DEFAULTS = {
    "buyer_list": OK,
    "seller_list": OK,
    "notifications": OK,
    "claims": OK,
    "payouts": FORBIDDEN,
    "payout_batch": FORBIDDEN,
    "payout_statement": HIDDEN,
    "receipt": HIDDEN,
    "money_in": FORBIDDEN,
    "credit": FORBIDDEN,
    "books": FORBIDDEN,
    "books_csv": FORBIDDEN,
    "remittances": FORBIDDEN,
    "carrier_home": FORBIDDEN,
    "cards": FORBIDDEN,
    "distancing": FORBIDDEN,
    "order": HIDDEN,
    "sub_order": HIDDEN,
    "shipment": HIDDEN,
    "household_money": HIDDEN,
    "card_print": HIDDEN,
    "info_feed": FORBIDDEN,
    "info_editor": FORBIDDEN,
    "loans": FORBIDDEN,
    "loan": HIDDEN,
    "post_office": FORBIDDEN,
    "raise": FORBIDDEN,
    "difficulty": HIDDEN,
    "cross": FORBIDDEN,
    "lots": OK,
    "lot": HIDDEN,
    "lot_labels": HIDDEN,
    "brand_marks": FORBIDDEN,
    "brand_mark_product": FORBIDDEN,
    "handovers": FORBIDDEN,
}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    marketplace = account_factories.marketplace()
    other_marketplace = account_factories.marketplace("voso", "Vỏ Sò")
    sub = shipping_factories.confirmed_sub_order()
    shop = sub.shop
    carrier = shipping_factories.carrier()
    shipment = shipping_factories.shipment(sub, by=carrier)
    other_carrier = shipping_factories.carrier("viettelpost", "Viettel Post")
    lang_son = shop.commune.province
    lot = traceability_factories.traced_lot(sub.lines.get().product)
    carrier_staff = shipping_factories.staff(carrier)
    card = shipping_services.card_request(
        actor=carrier_staff,
        plate="12C-345.67",
        driver_name="Hoàng Văn Nam",
        driver_phone="0912345678",
        route="Chi Lăng - Hà Nội",
        valid_from=shipment.created_at.date(),
        valid_to=shipment.created_at.date(),
        province=lang_son,
        authority="Sở GTVT Lạng Sơn",
    )
    loan = lending_services.loan_apply(
        actor=orders_services.seller_user(shop),
        household=shop.household,
        amount=20_000_000,
        term_months=12,
        purpose="Mua phân bón cho vườn na",
        consent=True,
    )
    money = _money_world(sub=sub, shop=shop)
    users = {
        "visitor": None,
        "buyer": sub.order.buyer,
        "other_buyer": order_factories.buyer(),
        "household": orders_services.seller_user(shop),
        "other_household": account_factories.user(Role.HOUSEHOLD),
        "field_agent": household_factories.agent_for(shop.commune),
        "carrier_staff": carrier_staff,
        "other_carrier_staff": shipping_factories.staff(other_carrier),
        "operator": account_factories.user(Role.MARKETPLACE_OPERATOR, marketplace=marketplace),
        "other_operator": account_factories.user(
            Role.MARKETPLACE_OPERATOR, marketplace=other_marketplace
        ),
        "province_official": account_factories.user(Role.PROVINCE_OFFICIAL, province=lang_son),
        "other_province_official": account_factories.user(
            Role.PROVINCE_OFFICIAL, province=Province.objects.get(short_name="Hà Nội")
        ),
        "finance": money["finance"],
        "clerk": money["clerk"],
        "partner_operator": account_factories.user(
            Role.MARKETPLACE_OPERATOR,
            marketplace=partners_factories.partner("nongsanviet", "Nông Sản Việt"),
            phone="0912999010",
        ),
    }
    difficulty = support_services.difficulty_raise(
        actor=users["field_agent"],
        topic="delivery",
        title="Bưu tá không đến lấy hàng",
        description="Ba ngày nay không có chuyến lấy hàng ở xã.",
    )
    pages = {
        "cart": reverse("orders:cart"),
        "buyer_list": reverse("orders:buyer_list"),
        "seller_list": reverse("orders:seller_list"),
        "notifications": reverse("accounts:notifications"),
        "payouts": reverse("payments:payouts"),
        "carrier_home": reverse("shipping:carrier_home"),
        "cards": reverse("shipping:cards"),
        "distancing": reverse("shipping:distancing"),
        "claims": reverse("shipping:claims"),
        "order": reverse("orders:buyer_detail", args=[sub.order.number]),
        "sub_order": reverse("orders:seller_detail", args=[sub.number]),
        "shipment": reverse("shipping:detail", args=[shipment.tracking_number]),
        "household_money": reverse("payments:account", args=[shop.household_id]),
        "card_print": reverse("shipping:card_print", args=[card.code]),
        "card_check": reverse("shipping:card_check", args=[card.code]),
        "info_feed": reverse("info:feed"),
        "info_editor": reverse("info:editor_list"),
        "price_board": reverse("info:board"),
        "loans": reverse("lending:home"),
        "loan": reverse("lending:detail", args=[loan.pk]),
        "post_office": reverse("payments:post_office"),
        "difficulties": reverse("support:difficulties"),
        "raise": reverse("support:raise"),
        "difficulty": reverse("support:difficulty", args=[difficulty.number]),
        "cross": reverse("partners:cross"),
        "portal": reverse("support:portal"),
        "faq": reverse("support:faq"),
        "lots": reverse("traceability:lots"),
        "lot": reverse("traceability:lot", args=[lot.pk]),
        "lot_labels": reverse("traceability:labels", args=[lot.pk]),
        "trace": gs1.digital_link_path(gtin=lot.gtin, lot=lot.code),
        "brand_marks": reverse("catalog:brand_marks"),
        "sales_map": reverse("places:map"),
        "address_lookup": reverse("places:address"),
        "handovers": reverse("places:handovers"),
        "brand_mark_product": reverse("catalog:brand_mark_product", args=[lot.product_id]),
        "payout_batch": reverse("payments:batch", args=[money["payout"].batch_id]),
        "payout_statement": reverse("payments:statement", args=[money["payout"].pk]),
        "receipt": reverse("payments:receipt", args=[money["handover"].pk]),
        "money_in": reverse("finance:exceptions"),
        "credit": reverse("finance:credit", args=[money["credit"].pk]),
        "books": reverse("finance:books"),
        "books_csv": reverse("finance:books") + "?format=csv",
        "remittances": reverse("finance:remittances"),
    }
    return users, pages, money


def _money_world(*, sub, shop):
    """Money of the sub-order's marketplace: a payout collected in cash at the commune's post
    office (with its receipt), a refund waiting to be sent, and an overpayment in the queue."""
    finance = account_factories.user(Role.FINANCE, full_name="Vũ Thị Thoa")
    office = account_factories.post_office(at=shop.commune, code="BC-MATRIX")
    clerk = account_factories.user(
        Role.FIELD_AGENT, full_name="Hoàng Thị Lan", communes=[shop.commune]
    )
    payments_services.post_office_staff_assign(
        actor=account_factories.user(Role.MINISTRY_OFFICIAL), user=clerk, post_office=office
    )
    household = shop.household
    payments_services.sale_credit(
        household_id=household.pk,
        marketplace=sub.marketplace,
        reference="MATRIX-1",
        gross=300_000,
        commission_percent=Decimal(5),
    )
    payments_services.payment_account_link(
        actor=household.user, household=household, kind="post_office", post_office=office
    )
    payout = payments_services.payout_batch_run(actor=finance).payouts.get()
    handover = payments_services.cash_handover_record(
        clerk=clerk, payout=payout, cccd=household.head_cccd
    )
    paid = finance_money.order(marketplace=sub.marketplace)
    finance_money.bank(paid, paid.total, "matrix-paid")
    cancelled = paid.sub_orders.get()
    orders_services.sub_order_transition(actor=paid.buyer, sub_order=cancelled, to=Status.CANCELLED)
    over = finance_money.order(marketplace=sub.marketplace)
    finance_money.bank(over, over.total + 10_000, "matrix-over")
    return {
        "finance": finance,
        "clerk": clerk,
        "payout": payout,
        "handover": handover,
        "refund": Refund.objects.get(reference=f"{cancelled.number}-cancel"),
        "credit": Credit.objects.get(reference="matrix-over"),
        "order": sub.order.number,
    }


def test_every_role_gets_what_its_scope_allows(client, world):
    users, pages, _money = world
    answers = {}
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for page, url in pages.items():
            answers[(role, page)] = client.get(url).status_code
    expected = {
        (role, page): MATRIX[page].get(role, DEFAULTS.get(page, OK))
        for role in ROLES
        for page in pages
    }
    wrong = {key: (answers[key], want) for key, want in expected.items() if answers[key] != want}
    assert wrong == {}, "(role, page): (got, expected)"


# Money actions and API routes: (method, what) -> the roles that may, every other role refused.
def test_only_money_staff_of_the_refunds_marketplace_confirm_it(client, world):
    users, _pages, money = world
    url = reverse("payments:refund_done", args=[money["refund"].pk])
    answers = {}
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        answers[role] = client.post(url).status_code
        money["refund"].refresh_from_db()
        assert money["refund"].status == "pending" or role in ("operator", "finance"), role
        Refund.objects.filter(pk=money["refund"].pk).update(status="pending", done_by=None)
    expected = {role: FORBIDDEN for role in ROLES}
    expected.update(
        visitor=LOGIN, operator=302, finance=302, other_operator=HIDDEN, partner_operator=HIDDEN
    )
    assert answers == expected


def test_only_finance_resolves_an_exception_and_records_a_remittance(client, world):
    users, _pages, money = world
    credit = reverse("finance:credit", args=[money["credit"].pk])
    remittances = reverse("finance:remittances")
    combine = reverse("finance:combine")
    answers = {}
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        answers[role] = (
            client.post(credit, {"action": "write_off", "note": "Kiểm tra quyền"}).status_code,
            client.post(remittances, {}).status_code,
            client.post(combine, {}).status_code,  # finance: back to the queue with a message
        )
    expected = {role: (FORBIDDEN, FORBIDDEN, FORBIDDEN) for role in ROLES}
    # Another marketplace's operator is not told the credit exists.
    expected.update(
        visitor=(LOGIN, LOGIN, LOGIN),
        finance=(302, OK, 302),
        other_operator=(HIDDEN, FORBIDDEN, FORBIDDEN),
        partner_operator=(HIDDEN, FORBIDDEN, FORBIDDEN),
    )
    assert answers == expected
    money["credit"].refresh_from_db()
    assert money["credit"].resolved_by == users["finance"]


API = {
    "api_waiting": ("get", "/api/post-office/payouts"),
    "api_receipt": ("get", "/api/post-office/receipts/{handover}"),
    "api_order_payments": ("get", "/api/orders/{order}/payments"),
    "api_credits": ("get", "/api/finance/credits"),
}
API_ALLOWED = {
    "api_waiting": {"clerk"},
    "api_receipt": {"clerk", "household", "operator", "finance"},
    "api_order_payments": {"buyer"},
    "api_credits": {"finance", "operator", "other_operator", "partner_operator"},
}
API_REFUSED = {
    "api_waiting": FORBIDDEN,
    "api_receipt": HIDDEN,
    "api_order_payments": HIDDEN,
    "api_credits": FORBIDDEN,
}


def test_the_money_api_routes_answer_each_role_by_its_scope(client, world):
    users, _pages, money = world
    answers, expected = {}, {}
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, (method, path) in API.items():
            url = path.format(handover=money["handover"].pk, order=money["order"])
            answers[(role, name)] = getattr(client, method)(url).status_code
            expected[(role, name)] = (
                401 if role == "visitor" else OK if role in API_ALLOWED[name] else API_REFUSED[name]
            )
    wrong = {k: (answers[k], v) for k, v in expected.items() if answers[k] != v}
    assert wrong == {}, "(role, route): (got, expected)"
