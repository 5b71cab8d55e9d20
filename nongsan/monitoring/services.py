"""Every write of monitoring: targets, the baseline import, folding and rebuilding facts."""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import is_national
from nongsan.accounts.services import Notice, notify
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold
from nongsan.core.timeutils import format_local, to_local
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Province
from nongsan.monitoring import facts
from nongsan.monitoring.indicators import BY_CODE, PERCENTAGE_CODES
from nongsan.monitoring.models import (
    ExternalFigure,
    IndicatorTarget,
    ManualFigure,
    ReminderSent,
    Submission,
    Target,
)
from nongsan.monitoring.periods import (
    PeriodKind,
    period_containing,
    period_from_id,
    period_last_ended,
)
from nongsan.monitoring.selectors import Unit, UnitKind, report_build, report_snapshot
from nongsan.orgs.models import Marketplace

PCT_FIELDS: dict[str, str] = {
    "I.1": "pct_trained_digital",
    "I.2": "pct_trained_packaging",
    "I.3": "pct_shop_opened",
    "I.4": "pct_payment_account",
}
MIN_YEAR, MAX_YEAR = 2020, 2100


# Targets --------------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(
            _("Năm %(year)s nằm ngoài khoảng %(min)s–%(max)s.")
            % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )


def _check_ministry(actor: User) -> None:
    if not is_national(actor) or actor.role == Role.INFO_EDITOR:
        raise ApplicationError(
            _("Chỉ cán bộ Bộ TTTT được giao số hộ SXNN và chỉ tiêu tỉ lệ."), code="forbidden"
        )


def target_set(
    *,
    actor: User,
    province: Province,
    year: int,
    baseline_households: int | None,
    percentages: Mapping[str, int] | None = None,
    source: str = "",
) -> Target:
    """The Ministry sets a province's farm households and (optionally) the I.1-I.4 percentages.

    Percentages not given keep their current value (70/60/50/50 for a new year).
    """
    _check_ministry(actor)
    _check_year(year)
    if baseline_households is not None and baseline_households < 0:
        raise ApplicationError(_("Số hộ SXNN không được âm."), field="baseline_households")
    percentages = percentages or {}
    for code, pct in percentages.items():
        if code not in PCT_FIELDS:
            raise ApplicationError(
                _("Chỉ tiêu %(code)s không giao theo tỉ lệ %%.") % {"code": code}, field=code
            )
        if not 0 <= pct <= 100:
            raise ApplicationError(
                _("Chỉ tiêu %(code)s phải từ 0 đến 100%%.") % {"code": code}, field=code
            )
    with transaction.atomic():
        target, _created = Target.objects.select_for_update().get_or_create(
            province=province, year=year
        )
        target.baseline_households = baseline_households
        for code, pct in percentages.items():
            setattr(target, PCT_FIELDS[code], pct)
        target.source = source.strip()[:200]
        target.updated_at = timezone.now()
        target.updated_by = actor
        target.full_clean()
        target.save()
    return target


def indicator_target_set(
    *, actor: User, province: Province, year: int, indicator: str, value: int | None
) -> IndicatorTarget | None:
    """An absolute target for one of the other indicators; None clears it.

    The Ministry may set it for any province, a provincial official for their own.
    """
    own_province = actor.role == Role.PROVINCE_OFFICIAL and actor.province_id == province.pk
    if not own_province and (not is_national(actor) or actor.role == Role.INFO_EDITOR):
        raise ApplicationError(
            _("Bạn chỉ được đặt mục tiêu cho tỉnh/thành phố mình phụ trách."), code="forbidden"
        )
    _check_year(year)
    if indicator not in BY_CODE:
        raise ApplicationError(
            _("Không có chỉ tiêu %(code)s.") % {"code": indicator}, field="indicator"
        )
    if indicator in PERCENTAGE_CODES:
        raise ApplicationError(
            _("Chỉ tiêu %(code)s được giao theo tỉ lệ %% số hộ SXNN, không đặt số tuyệt đối.")
            % {"code": indicator},
            field="indicator",
        )
    if value is None:
        IndicatorTarget.objects.filter(province=province, year=year, indicator=indicator).delete()
        return None
    if value <= 0:
        raise ApplicationError(_("Mục tiêu phải lớn hơn 0."), field="value")
    target, _created = IndicatorTarget.objects.update_or_create(
        province=province,
        year=year,
        indicator=indicator,
        defaults={"value": value, "updated_at": timezone.now(), "updated_by": actor},
    )
    return target


# Baseline import ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int  # the spreadsheet's row number, as the user sees it
    province_text: str
    status: str  # "created", "updated", "unchanged", "rejected"
    reason: str = ""
    province: Province | None = None
    baseline: int | None = None

    @property
    def status_label(self) -> str:
        return {
            "created": _("Tạo mới"),
            "updated": _("Cập nhật"),
            "unchanged": _("Không đổi"),
            "rejected": _("Bị từ chối"),
        }.get(self.status, self.status)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == "rejected"]


PROVINCE_HEADERS = ("tinh", "tinh/thanh pho", "tinh/thanh", "tinh thanh pho", "ma tinh")
# 1234, or thousands grouped by ".", "," or a space (120.000, 120,000, 120 000); "12,5" is not.
WHOLE_NUMBER = re.compile(r"^\d+$|^\d{1,3}([., ]\d{3})+$")
BASELINE_HEADERS = ("so ho sxnn", "so ho", "so ho san xuat nong nghiep", "ho sxnn")


def _parse_count(cell: Any) -> int | None:
    """A whole non-negative number from a cell (1234, 1234.0, "1.234", "1 234"), else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell if cell >= 0 else None
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() and cell >= 0 else None
    text = str(cell).strip()
    if not WHOLE_NUMBER.match(text):
        return None
    return int(re.sub(r"\D", "", text))


def _cell(cells: list[Any], column: int) -> Any:
    return cells[column] if column < len(cells) else ""


def _cell_text(value: Any) -> str:
    """A cell as text; a province code typed as a number (27.0, 1.0) becomes "27", "01"."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):02d}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}"
    return str(value).strip()


def baselines_import(*, actor: User, file: IO[bytes], year: int, source: str = "") -> ImportReport:
    """Import provinces' farm household counts from an XLSX sheet, reporting every row.

    The first row holds headers: a province column ("Tỉnh/thành phố", a current or pre-2025 name
    or code) and a count column ("Số hộ SXNN"). Rows of legacy provinces that merged into one
    current province are added together. Importing the same file again changes nothing.
    """
    _check_ministry(actor)
    _check_year(year)
    try:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0).to_python()
    except Exception as error:  # calamine raises its own types for every kind of broken file
        raise ApplicationError(
            _("Không đọc được tệp Excel: %(error)s") % {"error": error}, field="file"
        ) from error
    if not sheet:
        raise ApplicationError(_("Tệp Excel không có dòng nào."), field="file")
    headers = [fold(str(cell)).strip() for cell in sheet[0]]
    province_col = next((i for i, h in enumerate(headers) if h in PROVINCE_HEADERS), None)
    baseline_col = next((i for i, h in enumerate(headers) if h in BASELINE_HEADERS), None)
    if province_col is None or baseline_col is None:
        raise ApplicationError(
            _("Dòng đầu cần có cột “Tỉnh/thành phố” và cột “Số hộ SXNN”."), field="file"
        )

    report = ImportReport()
    totals: dict[int, int] = {}
    provinces: dict[int, Province] = {}
    for index, cells in enumerate(sheet[1:], start=2):
        province_text = _cell_text(_cell(cells, province_col))
        raw_count = _cell(cells, baseline_col)
        if not province_text and str(raw_count).strip() == "":
            continue  # a blank line
        row = ImportRow(number=index, province_text=province_text, status="rejected")
        report.rows.append(row)
        province = geo_selectors.province_resolve(name=province_text) if province_text else None
        if province is None:
            row.reason = (
                _("Tỉnh/thành phố “%(name)s” không có trong danh mục.") % {"name": province_text}
                if province_text
                else _("Thiếu tên tỉnh/thành phố.")
            )
            continue
        count = _parse_count(raw_count)
        if count is None:
            row.reason = _("Số hộ SXNN “%(value)s” không phải số nguyên không âm.") % {
                "value": raw_count
            }
            continue
        row.province, row.baseline, row.status = province, count, "ok"
        totals[province.pk] = totals.get(province.pk, 0) + count
        provinces[province.pk] = province

    with transaction.atomic():
        existing = {
            target.province_id: target
            for target in Target.objects.select_for_update().filter(
                year=year, province_id__in=list(totals)
            )
        }
        outcome: dict[int, str] = {}
        for province_id, total in totals.items():
            target = existing.get(province_id)
            if target is not None and target.baseline_households == total:
                outcome[province_id] = "unchanged"
                continue
            outcome[province_id] = "updated" if target is not None else "created"
            target_set(
                actor=actor,
                province=provinces[province_id],
                year=year,
                baseline_households=total,
                source=source or _("Nhập từ tệp Excel"),
            )
    for row in report.rows:
        if row.status == "ok" and row.province is not None:
            row.status = outcome[row.province.pk]
            if row.baseline != totals[row.province.pk]:
                row.reason = _("Cộng với các dòng khác cùng thuộc %(name)s: %(total)s hộ.") % {
                    "name": row.province.name,
                    "total": totals[row.province.pk],
                }
    return report


# Facts ----------------------------------------------------------------------------------------


def facts_fold(
    *, batch_size: int | None = None, now: dt.datetime | None = None
) -> facts.FoldResult:
    """Fold milestones, deliveries, publications, bulletins and household prices recorded since
    the last fold into facts; running it again changes nothing."""
    now = now or timezone.now()
    size = batch_size or facts.batch_size_default()
    changed = 0
    stale: dict[facts.TotalKey, dt.date] = {}
    folders = {
        facts.MILESTONE_SOURCE: facts.fold_batch,
        facts.DELIVERY_SOURCE: facts.fold_deliveries_batch,
        facts.PUBLICATION_SOURCE: facts.fold_publications_batch,
        facts.BRAND_MARK_SOURCE: facts.fold_brand_marks_batch,
        facts.INFO_SOURCE: facts.fold_bulletins_batch,
        facts.HOUSEHOLD_PRICE_SOURCE: facts.fold_household_prices_batch,
    }
    counts = dict.fromkeys(folders, 0)
    with transaction.atomic():
        states = {}
        for source, fold in folders.items():
            state = states[source] = facts.locked_state(source)
            while True:
                batch_read, batch_changed = fold(state=state, batch_size=size, now=now, stale=stale)
                counts[source] += batch_read
                changed += batch_changed
                if batch_read == 0:
                    break
            state.folded_at = now
            state.save()
        facts.totals_refresh(stale)
    return facts.FoldResult(
        milestones=counts[facts.MILESTONE_SOURCE],
        facts_changed=changed,
        watermark=states[facts.MILESTONE_SOURCE].watermark,
        deliveries=counts[facts.DELIVERY_SOURCE],
    )


def facts_rebuild(*, now: dt.datetime | None = None) -> facts.FoldResult:
    """Throw the facts away and compute them again from every milestone, delivery,
    publication, bulletin update and household price."""
    now = now or timezone.now()
    with transaction.atomic():
        state = facts.locked_state(facts.MILESTONE_SOURCE)
        made = facts.rebuild(state=state, now=now)
        state.folded_at = now
        state.save()
        deliveries = facts.locked_state(facts.DELIVERY_SOURCE)
        made += facts.rebuild_deliveries(state=deliveries, now=now)
        deliveries.folded_at = now
        deliveries.save()
        for source, rebuild in (
            (facts.PUBLICATION_SOURCE, facts.rebuild_publications),
            (facts.BRAND_MARK_SOURCE, facts.rebuild_brand_marks),
            (facts.INFO_SOURCE, facts.rebuild_bulletins),
            (facts.HOUSEHOLD_PRICE_SOURCE, facts.rebuild_household_prices),
        ):
            other = facts.locked_state(source)
            made += rebuild(state=other, now=now)
            other.folded_at = now
            other.save()
    return facts.FoldResult(milestones=0, facts_changed=made, watermark=state.watermark)


# Filing ---------------------------------------------------------------------------------------


def _check_files_for(actor: User, province: Province) -> None:
    """Only the province's own official files its reports."""
    if not (
        actor.is_active
        and actor.role == Role.PROVINCE_OFFICIAL
        and actor.province_id == province.pk
    ):
        raise ApplicationError(
            _("Chỉ cán bộ Sở TTTT của %(province)s được lập và nộp báo cáo của tỉnh.")
            % {"province": province.name},
            code="forbidden",
        )


def _check_draft(submission: Submission) -> None:
    if not submission.is_draft:
        raise ApplicationError(
            _(
                "Báo cáo lần %(version)s đã nộp và không sửa được nữa; hãy lập bản điều chỉnh"
                " kèm lý do."
            )
            % {"version": submission.version},
            code="submitted",
        )


def _counted(
    snapshot: Mapping[str, Any], *, indicator: str, marketplace: Marketplace | None
) -> tuple[Decimal | None, Decimal | None]:
    """What the platform counted for an indicator on a marketplace; None when it counts nothing
    there (an indicator it does not compute, or an external marketplace with nothing recorded)."""
    row = next((r for r in snapshot.get("rows", []) if r["indicator"] == indicator), None)
    if row is None or row["value"] is None:
        return None, None
    if marketplace is None:
        return Decimal(str(row["value"])), Decimal(str(row["cumulative"]))
    for pk, value, cumulative in row["by_marketplace"]:
        if pk == marketplace.pk:
            if not marketplace.is_hosted and not value and not cumulative:
                return None, None
            return Decimal(str(value)), Decimal(str(cumulative))
    return None, None


def _generate(submission: Submission) -> None:
    """(Re)compute the draft's platform figures, and what each manual figure is compared with;
    figures external marketplaces posted through the partner API come in as manual figures."""
    facts_fold()
    unit = Unit(UnitKind.PROVINCE, submission.province.name, province=submission.province)
    report = report_build(unit=unit, period=period_from_id(submission.period_id))
    submission.snapshot = report_snapshot(report)
    submission.generated_at = report.generated_at
    submission.save(update_fields=["snapshot", "generated_at"])
    posted = ExternalFigure.objects.filter(
        province=submission.province, period_id=submission.period_id
    ).select_related("marketplace")
    for external in posted:
        ManualFigure.objects.update_or_create(
            submission=submission,
            indicator=external.indicator,
            marketplace=external.marketplace,
            defaults={
                "value": external.value,
                "cumulative": external.cumulative
                if external.cumulative is not None
                else external.value,
                "source": _("API đối tác %(marketplace)s, bản %(version)s, nhận %(at)s")
                % {
                    "marketplace": external.marketplace.name,
                    "version": external.version,
                    "at": format_local(external.received_at),
                },
                "external": external,
                "entered_by": external.sent_by,
            },
        )
    for figure in submission.figures.select_related("marketplace"):
        figure.counted, figure.counted_cumulative = _counted(
            submission.snapshot, indicator=figure.indicator, marketplace=figure.marketplace
        )
        figure.save(update_fields=["counted", "counted_cumulative"])


def submission_prepare(*, actor: User, province: Province, period_id: str) -> Submission:
    """Generate the province's report for a period as a draft, or regenerate the open draft.

    Once a version is submitted, a new draft comes only from `submission_correct`.
    """
    _check_files_for(actor, province)
    period = period_from_id(period_id)
    with transaction.atomic():
        Province.objects.select_for_update().filter(pk=province.pk).first()  # one filer at a time
        latest = (
            Submission.objects.filter(province=province, period_id=period.id)
            .order_by("-version")
            .first()
        )
        if latest is not None and not latest.is_draft:
            raise ApplicationError(
                _("Báo cáo kỳ này đã nộp (lần %(version)s); muốn sửa hãy lập bản điều chỉnh.")
                % {"version": latest.version},
                code="submitted",
            )
        if latest is None:
            if period.starts_at > timezone.now():
                raise ApplicationError(
                    _("Kỳ %(period)s chưa bắt đầu.") % {"period": period.id}, field="period"
                )
            latest = Submission.objects.create(
                province=province,
                period_id=period.id,
                due_at=period.due,
                created_by=actor,
            )
        _generate(latest)
    return latest


def manual_figure_set(
    *,
    actor: User,
    submission: Submission,
    indicator: str,
    marketplace: Marketplace | None,
    value: Decimal,
    cumulative: Decimal,
    source: str,
) -> ManualFigure:
    """Type a figure into a draft: for an external marketplace, or for an indicator the platform
    does not compute. What the platform counted for the same is kept beside it."""
    _check_files_for(actor, submission.province)
    _check_draft(submission)
    if indicator not in BY_CODE:
        raise ApplicationError(
            _("Không có chỉ tiêu %(code)s.") % {"code": indicator}, field="indicator"
        )
    source = source.strip()
    if not source:
        raise ApplicationError(
            _("Hãy ghi nguồn của số liệu (ví dụ: báo cáo của sàn, ngày gửi)."), field="source"
        )
    if value < 0 or cumulative < 0:
        raise ApplicationError(_("Số liệu không được âm."), field="value")
    if cumulative < value:
        raise ApplicationError(_("Số lũy kế không được nhỏ hơn số trong kỳ."), field="cumulative")
    if indicator != "II.2" and (
        value != value.to_integral_value() or cumulative != cumulative.to_integral_value()
    ):
        raise ApplicationError(
            _("Chỉ tiêu %(code)s đếm bằng số nguyên.") % {"code": indicator}, field="value"
        )
    counted, counted_cumulative = _counted(
        submission.snapshot, indicator=indicator, marketplace=marketplace
    )
    if marketplace is None and counted is not None:
        raise ApplicationError(
            _(
                "Nền tảng đã tự tính chỉ tiêu %(code)s; số nhập tay phải gắn với một sàn"
                " (ví dụ sàn bên ngoài)."
            )
            % {"code": indicator},
            field="marketplace",
        )
    figure, _created = ManualFigure.objects.update_or_create(
        submission=submission,
        indicator=indicator,
        marketplace=marketplace,
        defaults={
            "value": value,
            "cumulative": cumulative,
            "source": source[:300],
            "counted": counted,
            "counted_cumulative": counted_cumulative,
            "external": None,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    return figure


def manual_figure_delete(*, actor: User, figure: ManualFigure) -> None:
    _check_files_for(actor, figure.submission.province)
    _check_draft(figure.submission)
    figure.delete()


def submission_submit(*, actor: User, submission: Submission, comment: str = "") -> Submission:
    """File the draft as it stands; its timeliness is recorded against the period's deadline."""
    _check_files_for(actor, submission.province)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _check_draft(locked)
        now = timezone.now()
        locked.comment = comment.strip()[:4000]
        locked.status = Submission.Status.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.late_by = now - locked.due_at if now > locked.due_at else None
        locked.save()
    return locked


def submission_correct(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Open a correction of the latest submitted version: a new draft version carrying its
    manual figures and comment, with the reason for the change."""
    _check_files_for(actor, submission.province)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Hãy nêu lý do điều chỉnh báo cáo."), field="reason")
    with transaction.atomic():
        Province.objects.select_for_update().filter(pk=submission.province_id).first()
        latest = (
            Submission.objects.filter(province=submission.province, period_id=submission.period_id)
            .order_by("-version")
            .first()
        )
        if latest is None or latest.pk != submission.pk or submission.is_draft:
            raise ApplicationError(
                _("Chỉ điều chỉnh được bản đã nộp mới nhất của kỳ này."), code="not_latest"
            )
        draft = Submission.objects.create(
            province=submission.province,
            period_id=submission.period_id,
            due_at=submission.due_at,
            version=submission.version + 1,
            comment=submission.comment,
            correction_reason=reason[:2000],
            created_by=actor,
        )
        ManualFigure.objects.bulk_create(
            [
                ManualFigure(
                    submission=draft,
                    indicator=figure.indicator,
                    marketplace_id=figure.marketplace_id,
                    value=figure.value,
                    cumulative=figure.cumulative,
                    source=figure.source,
                    external_id=figure.external_id,
                    entered_by=figure.entered_by,
                    entered_at=figure.entered_at,
                )
                for figure in submission.figures.all()
            ]
        )
        _generate(draft)
    return draft


def filing_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind the officials of provinces that have not filed the current weekly or monthly
    report as its deadline nears (settings MONITORING["REMINDER_HOURS"]); each reminder goes
    once. Returns how many provinces were reminded."""
    now = now or timezone.now()
    thresholds = sorted(settings.MONITORING["REMINDER_HOURS"])
    reminded = 0
    today = to_local(now).date()
    for kind in PeriodKind:
        # the next deadline: the last ended period's, or, on its last day, the current one's
        period = period_last_ended(kind=kind, moment=now)
        if period.due <= now:
            period = period_containing(kind=kind, day=today)
        left = period.due - now
        if left <= dt.timedelta(0):
            continue
        due_in = [hours for hours in thresholds if left <= dt.timedelta(hours=hours)]
        if not due_in:
            continue
        filed = Submission.objects.filter(
            period_id=period.id, status=Submission.Status.SUBMITTED
        ).values("province_id")
        already = ReminderSent.objects.filter(period_id=period.id, hours_before=due_in[0]).values(
            "province_id"
        )
        provinces = list(Province.objects.exclude(pk__in=filed).exclude(pk__in=already))
        officials: dict[int, list[User]] = {}
        for official in User.objects.filter(
            role=Role.PROVINCE_OFFICIAL, is_active=True, province__in=provinces
        ):
            officials.setdefault(official.province_id or 0, []).append(official)
        notices = []
        url = reverse("monitoring:filing") + f"?ky={period.id}"
        for province in provinces:
            with transaction.atomic():
                for hours in due_in:
                    ReminderSent.objects.get_or_create(
                        province=province, period_id=period.id, hours_before=hours
                    )
            message = _(
                "Nhắc nộp báo cáo %(period)s của %(province)s: hạn %(due)s, còn %(hours)s giờ."
            ) % {
                "period": period.label,
                "province": province.name,
                "due": format_local(period.due),
                "hours": max(1, round(left.total_seconds() / 3600)),
            }
            notices += [
                Notice(user=official, message=message, url=url, sms=True)
                for official in officials.get(province.pk, [])
            ]
            reminded += 1
        if notices:
            notify(notices=notices)
    return reminded


def external_figures_receive(
    *,
    actor: User,
    province: Province,
    period_id: str,
    version: int,
    figures: Mapping[str, tuple[Decimal, Decimal | None]],
    key_prefix: str = "",
    request_id: str = "",
) -> dict[str, str]:
    """An external marketplace posts its figures for one province and period.

    Per indicator: "created", "updated", "unchanged" (the same version again) or "stale" (an
    older version than the one held), so that a partner can re-deliver safely.
    """
    marketplace = actor.marketplace
    if actor.role != Role.MARKETPLACE_OPERATOR or marketplace is None or not actor.is_active:
        raise ApplicationError(
            _("Chỉ tài khoản của sàn TMĐT đối tác được gửi số liệu."), code="forbidden"
        )
    if marketplace.is_hosted:
        raise ApplicationError(
            _("Sàn %(name)s chạy trên nền tảng: số liệu được tính trực tiếp, không gửi qua API.")
            % {"name": marketplace.name},
            code="forbidden",
        )
    period = period_from_id(period_id)
    if version < 1:
        raise ApplicationError(_("Phiên bản số liệu phải từ 1 trở lên."), field="version")
    for code, (value, cumulative) in figures.items():
        if code not in BY_CODE:
            raise ApplicationError(_("Không có chỉ tiêu %(code)s.") % {"code": code}, field=code)
        if value < 0 or (cumulative is not None and cumulative < value):
            raise ApplicationError(
                _("Chỉ tiêu %(code)s: số trong kỳ không âm và không lớn hơn số lũy kế.")
                % {"code": code},
                field=code,
            )
    outcome: dict[str, str] = {}
    with transaction.atomic():
        held = {
            f.indicator: f
            for f in ExternalFigure.objects.select_for_update().filter(
                marketplace=marketplace, province=province, period_id=period.id
            )
        }
        for code, (value, cumulative) in figures.items():
            current = held.get(code)
            if current is not None and current.version > version:
                outcome[code] = "stale"
                continue
            if current is not None and current.version == version:
                outcome[code] = "unchanged"
                continue
            provenance = {
                "version": version,
                "value": value,
                "cumulative": cumulative,
                "received_at": timezone.now(),
                "sent_by": actor,
                "key_prefix": key_prefix[:12],
                "request_id": request_id[:64],
            }
            if current is None:
                ExternalFigure.objects.create(
                    marketplace=marketplace,
                    province=province,
                    period_id=period.id,
                    indicator=code,
                    **provenance,
                )
                outcome[code] = "created"
            else:
                for name, item in provenance.items():
                    setattr(current, name, item)
                current.save()
                outcome[code] = "updated"
    return outcome
