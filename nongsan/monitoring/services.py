"""Every write of monitoring: targets, the baseline import, folding and rebuilding facts."""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from nongsan.accounts.models import Role, User
from nongsan.accounts.scope import is_national
from nongsan.core.errors import ApplicationError
from nongsan.core.text import fold
from nongsan.geo import selectors as geo_selectors
from nongsan.geo.models import Province
from nongsan.monitoring import facts
from nongsan.monitoring.indicators import BY_CODE, PERCENTAGE_CODES
from nongsan.monitoring.models import IndicatorTarget, Target

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
    """Fold milestones, deliveries and publications recorded since the last fold into facts;
    running it again changes nothing."""
    now = now or timezone.now()
    size = batch_size or facts.batch_size_default()
    counts = {facts.MILESTONE_SOURCE: 0, facts.DELIVERY_SOURCE: 0, facts.PUBLICATION_SOURCE: 0}
    changed = 0
    stale: dict[facts.TotalKey, dt.date] = {}
    folders = {
        facts.MILESTONE_SOURCE: facts.fold_batch,
        facts.DELIVERY_SOURCE: facts.fold_deliveries_batch,
        facts.PUBLICATION_SOURCE: facts.fold_publications_batch,
    }
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
    """Throw the facts away and compute them again from every milestone, delivery and
    publication."""
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
        publications = facts.locked_state(facts.PUBLICATION_SOURCE)
        made += facts.rebuild_publications(state=publications, now=now)
        publications.folded_at = now
        publications.save()
    return facts.FoldResult(milestones=0, facts_changed=made, watermark=state.watermark)
