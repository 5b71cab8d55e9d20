"""Demo post offices and loans: commune post offices in the demo provinces, the demo field agent
as the Chi Lăng post office's clerk, a few Chi Lăng households paid in cash there (one payout
handed over), and loan applications at each step.

Built through the services; idempotent (post offices by code, applications by household).
"""

import random

from django.db.models import Q

from nongsan.accounts.models import Role, User
from nongsan.households.models import Household
from nongsan.lending import lenders, services
from nongsan.lending.models import LoanApplication
from nongsan.orgs.models import Carrier, Marketplace, PostOffice
from nongsan.payments import services as payments_services
from nongsan.payments.models import CashHandover, PaymentAccount, PostOfficeStaff

CLERK_PHONE = "+84912000003"  # the demo field agent, "Bưu điện: xã Chi Lăng"
MINISTRY_PHONE = "+84912000001"
PURPOSES = (
    "Mua phân bón và thuốc bảo vệ thực vật cho vụ na",
    "Mua giống cà phê ghép và ống tưới nhỏ giọt",
    "Làm chuồng nuôi gà thả vườn",
    "Mua máy sấy nông sản nhỏ cho hợp tác xã",
)


def post_offices_seed() -> list[PostOffice]:
    """A post office in the commune of each demo field agent, plus the clerk at Chi Lăng."""
    carrier = Carrier.objects.filter(code="vnpost").first()
    clerk = User.objects.filter(phone=CLERK_PHONE, role=Role.FIELD_AGENT).first()
    ministry = User.objects.filter(phone=MINISTRY_PHONE).first()
    if carrier is None or clerk is None or ministry is None:
        return []
    offices = []
    agents = User.objects.filter(role=Role.FIELD_AGENT).prefetch_related("communes")
    for agent in agents.order_by("pk"):
        commune = agent.communes.order_by("code").first()
        if commune is None:
            continue
        office, _created = PostOffice.objects.get_or_create(
            code=f"BDVHX-{commune.code}",
            defaults={
                "name": f"Bưu điện văn hóa xã {commune.short_name}",
                "carrier": carrier,
                "commune": commune,
                "address": f"Trung tâm {commune.name}",
                "opening_hours": "T2–T7 7:00–17:00",
                "latitude": commune.latitude,
                "longitude": commune.longitude,
            },
        )
        offices.append(office)
        if not PostOfficeStaff.objects.filter(user=agent).exists():
            payments_services.post_office_staff_assign(
                actor=ministry, user=agent, post_office=office
            )
    return offices


def cash_payouts_seed(*, clerk: User) -> int:
    """Three Chi Lăng households choose cash at the post office and are paid; one collects."""
    staff = PostOfficeStaff.objects.filter(user=clerk).select_related("post_office").first()
    if staff is None or CashHandover.objects.filter(post_office=staff.post_office).exists():
        return 0
    marketplace = Marketplace.objects.filter(code="postmart").first()
    finance = User.objects.filter(role=Role.FINANCE, is_active=True).order_by("pk").first()
    if marketplace is None or finance is None:
        return 0
    households = list(
        Household.objects.filter(commune=staff.post_office.commune, user__isnull=False)
        .exclude(payment_accounts__is_active=True)
        .exclude(user__phone="+84912000004")
        .order_by("pk")[:3]
    )
    for index, household in enumerate(households):
        payments_services.payment_account_link(
            actor=clerk,
            household=household,
            kind=PaymentAccount.Kind.POST_OFFICE,
            post_office=staff.post_office,
        )
        payments_services.sale_credit(
            household_id=household.pk,
            marketplace=marketplace,
            reference=f"DEMO-CASH-{household.pk}",
            gross=300_000 + 150_000 * index,
            commission_percent=marketplace.commission_percent,
        )
    if not households:
        return 0
    batch = payments_services.payout_batch_run(actor=finance)
    first = batch.payouts.filter(household=households[0]).first()
    if first is not None:
        payments_services.cash_handover_record(
            clerk=clerk, payout=first, cccd=households[0].head_cccd
        )
    return len(households)


def loans_seed(*, rng: random.Random, clerk: User) -> int:
    """Applications online and at the counter, followed through the sandbox lender."""
    if LoanApplication.objects.exists():
        return 0
    made = 0
    households = list(
        Household.objects.filter(user__isnull=False)
        .filter(Q(commune__in=clerk.communes.all()) | Q(user__phone="+84912000004"))
        .exclude(loan_applications__isnull=False)
        .order_by("pk")[:4]
    )
    steps = ("approved", "disbursed", "repaid", "under_review")
    for index, household in enumerate(households):
        at_counter = index % 2 == 1
        application = services.loan_apply(
            actor=clerk if at_counter else household.user,  # type: ignore[arg-type]
            household=household,
            amount=rng.choice((10_000_000, 15_000_000, 20_000_000)),
            term_months=rng.choice((12, 18, 24)),
            purpose=PURPOSES[index % len(PURPOSES)],
            consent=True,
        )
        services.loan_submit(application_id=application.pk)
        application.refresh_from_db()
        if application.lender_reference and steps[index] != "under_review":
            if application.lender_reference in lenders.SandboxLender.book:
                lenders.SandboxLender.advance(application.lender_reference, steps[index])
            services.loan_sync(application_id=application.pk)
        made += 1
    return made


def lending_demo_seed(*, rng: random.Random) -> dict[str, int]:
    offices = post_offices_seed()
    clerk = User.objects.filter(phone=CLERK_PHONE, role=Role.FIELD_AGENT).first()
    if clerk is None:
        return {"post_offices": len(offices)}
    return {
        "post_offices": len(offices),
        "cash_households": cash_payouts_seed(clerk=clerk),
        "loan_applications": loans_seed(rng=rng, clerk=clerk),
        "loans_total": LoanApplication.objects.count(),
    }
