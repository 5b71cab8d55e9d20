"""The report as an XLSX workbook laid out like Appendix 02 (weekly) and Appendix 03 (monthly).

The templates' own wording is kept, down to the differences between the two appendices (group
titles, II.5's and II.6's unit, which indicators each lists), because provinces and the Ministry
compare the export against the official forms.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from nongsan.core import exports
from nongsan.monitoring.indicators import GROUP_I, GROUP_II, GROUP_III, Group
from nongsan.monitoring.periods import PeriodKind
from nongsan.monitoring.selectors import Report, ReportRow


@dataclass(frozen=True)
class Template:
    title: str
    due_note: str
    value_header: str
    growth_header: str
    group_titles: dict[str, str]
    unit_overrides: dict[str, str]
    notes: dict[str, str]
    codes: tuple[str, ...]


def template_for(kind: PeriodKind) -> Template:
    if kind == PeriodKind.WEEKLY:
        return Template(
            title=_("BÁO CÁO TUẦN"),
            due_note=_("(trước 14h00 thứ 5 hàng tuần)"),
            value_header=_("Chỉ tiêu đạt được trong tuần (Số lượng)"),
            growth_header=_("Tăng trưởng so với tuần trước (%)"),
            group_titles={
                GROUP_I.code: _("Chỉ tiêu hỗ trợ đưa hộ SXNN lên sàn TMĐT"),
                GROUP_II.code: _("Chỉ tiêu hỗ trợ đẩy mạnh tiêu thụ sản phẩm nông nghiệp"),
            },
            unit_overrides={},
            notes={
                "II.6": _("Danh sách các tỉnh thành: - Miền Bắc; - Miền Trung; - Miền Nam;"),
                "II.7": _(
                    "Danh sách các quốc gia: - Châu Á; - Châu Âu; - Châu Đại Dương; - Châu Mỹ;"
                    " - Châu Nam Cực; - Châu Phi;"
                ),
            },
            codes=("I.1", "I.2", "I.3", "I.4", *(f"II.{n}" for n in range(1, 8))),
        )
    return Template(
        title=_("BÁO CÁO THÁNG"),
        due_note=_("(trước 14h00 ngày 25 hàng tháng)"),
        value_header=_("Chỉ tiêu đạt được trong tháng (Số lượng)"),
        growth_header=_("Tăng trưởng so với tháng trước (%)"),
        group_titles={
            GROUP_I.code: _("Chỉ tiêu hỗ trợ đưa hộ SXNN lên sàn"),
            GROUP_II.code: _("Chỉ tiêu hỗ trợ đẩy mạnh tiêu thụ sản phẩm nông nghiệp:"),
            GROUP_III.code: _(
                "Chỉ tiêu hỗ trợ cung cấp thông tin, nguyên liệu đầu vào phục vụ sản xuất,"
                " kinh doanh:"
            ),
        },
        unit_overrides={"II.5": "", "II.6": _("Tỉnh/thành")},
        notes={
            "II.6": _("Danh sách các tỉnh thành: - Miền Bắc: - Miền Trung: - Miền Nam:"),
            "II.7": _(
                "Danh sách các quốc gia: - Châu Á: - Châu Âu: - Châu Đại Dương: - Châu Mỹ:"
                " - Châu Nam Cực: - Châu Phi:"
            ),
        },
        codes=(
            *(f"I.{n}" for n in range(1, 5)),
            *(f"II.{n}" for n in range(1, 8)),
            *(f"III.{n}" for n in range(1, 6)),
        ),
    )


def headers(template: Template) -> list[str]:
    return [
        _("TT"),
        _("Chỉ tiêu"),
        _("Đơn vị tính"),
        template.value_header,
        template.growth_header,
        _("Chỉ tiêu đạt được lũy kế đến hiện tại (Số lượng)"),
        _("Tỉ lệ hoàn thành chỉ tiêu đến thời điểm hiện tại (%)"),
        _("Ghi chú thông tin bổ sung"),
    ]


def note_for(row: ReportRow, template: Template) -> str:
    parts = []
    if row.indicator.code in template.notes:
        parts.append(markets_note(str(template.notes[row.indicator.code]), row.notes))
    if row.by_marketplace:
        parts.append(
            ", ".join(
                f"{figure.marketplace.name}: {_number(figure.cumulative)}"
                for figure in row.by_marketplace
            )
        )
    for figure in row.manual:
        parts.append(manual_note(figure))
    if not row.indicator.is_computed:
        parts.append(str(row.indicator.status_note))
    return "\n".join(parts)


def manual_note(figure: Any) -> str:
    """A typed figure, its source, and what the platform counted when that differs."""
    who = figure.marketplace.name if figure.marketplace is not None else _("Nhập tay")
    text = _("%(who)s: %(value)s (lũy kế %(cumulative)s; nguồn: %(source)s)") % {
        "who": who,
        "value": _number(figure.value),
        "cumulative": _number(figure.cumulative),
        "source": figure.source,
    }
    if figure.differs:
        text += " – " + _("khác số nền tảng đếm: %(counted)s (lũy kế %(cumulative)s)") % {
            "counted": _number(figure.counted or 0),
            "cumulative": _number(figure.counted_cumulative or 0),
        }
    return text


def _number(value: float | Decimal) -> str:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return f"{value:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


def markets_note(text: str, groups: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The template's list heading ("- Miền Bắc; - Miền Trung; ...") with the provinces or
    countries reached written after each group's name."""
    for label, names in groups:
        for mark in (";", ":"):
            placeholder = f"- {label}{mark}"
            if placeholder in text:
                text = text.replace(placeholder, f"- {label}: {', '.join(names)};", 1)
                break
    return text


def report_xlsx(report: Report) -> bytes:
    """The workbook's bytes: one sheet, the template's title, unit, headers and numbered rows."""
    return workbook_xlsx([(report.period.id, report, "")])


def workbook_xlsx(sheets: Sequence[tuple[str, Report, str]]) -> bytes:
    """A workbook with one template sheet per (sheet name, report, remark under the title):
    the national workbook has one per province."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, exports.XLSX_OPTIONS)
    styles = _styles(workbook)
    for name, report, remark in sheets:
        _write_sheet(workbook.add_worksheet(name[:31]), report, styles, remark)
    workbook.close()
    return buffer.getvalue()


def _styles(workbook: "xlsxwriter.Workbook") -> dict[str, Any]:
    cell = {"border": 1, "font_name": "Times New Roman", "valign": "vcenter", "text_wrap": True}
    return {
        "bold": workbook.add_format({"bold": True, "font_name": "Times New Roman"}),
        "title": workbook.add_format(
            {"bold": True, "font_name": "Times New Roman", "font_size": 14, "align": "center"}
        ),
        "centered": workbook.add_format(
            {"italic": True, "font_name": "Times New Roman", "align": "center"}
        ),
        "header": workbook.add_format({**cell, "bold": True, "align": "center"}),
        "group": workbook.add_format({**cell, "bold": True}),
        "group_italic": workbook.add_format({**cell, "bold": True, "italic": True}),
        "text": workbook.add_format(cell),
        "middle": workbook.add_format({**cell, "align": "center"}),
        "number": workbook.add_format({**cell, "num_format": "#,##0"}),
        "tonnes": workbook.add_format({**cell, "num_format": "#,##0.000"}),
        "percent": workbook.add_format({**cell, "num_format": "0.0"}),
    }


def _write_sheet(
    sheet: "xlsxwriter.worksheet.Worksheet", report: Report, styles: dict[str, Any], remark: str
) -> None:
    template = template_for(report.period.kind)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 6, 18)
    sheet.set_column(7, 7, 45)
    last = 7
    sheet.merge_range(0, 0, 0, last, template.title, styles["title"])
    sheet.merge_range(1, 0, 1, last, template.due_note, styles["centered"])
    sheet.merge_range(2, 0, 2, last, report.period.label, styles["centered"])
    if remark:
        sheet.merge_range(3, 0, 3, last, remark, styles["centered"])
    sheet.write(4, 0, _("Tên đơn vị:"), styles["bold"])
    sheet.merge_range(4, 1, 4, last, _unit_name(report), styles["bold"])
    sheet.write_row(6, 0, headers(template), styles["header"])
    sheet.set_row(6, 60)

    row_index = 7
    for section in report.sections:
        rows = [r for r in section.rows if r.indicator.code in template.codes]
        if not rows:
            continue
        italic = report.period.kind == PeriodKind.MONTHLY and section.group == GROUP_I
        row_index = _write_group(
            sheet,
            row_index,
            section.group,
            template,
            styles["group_italic" if italic else "group"],
        )
        for row in rows:
            unit = template.unit_overrides.get(row.indicator.code, str(row.indicator.unit))
            number = styles["tonnes" if row.indicator.code == "II.2" else "number"]
            text, middle, percent = styles["text"], styles["middle"], styles["percent"]
            sheet.write_number(row_index, 0, row.indicator.number, middle)
            sheet.write_string(row_index, 1, str(row.indicator.label), text)
            if unit:
                sheet.write_string(row_index, 2, unit, middle)
            else:  # Appendix 03 leaves II.5's unit empty
                sheet.write_blank(row_index, 2, None, middle)
            _write_figure(sheet, row_index, 3, row.value, number, text)
            if row.value is not None and row.growth_pct is None:
                sheet.write_string(row_index, 4, "—", middle)
            else:
                _write_figure(sheet, row_index, 4, row.growth_pct, percent, text)
            _write_figure(sheet, row_index, 5, row.cumulative, number, text)
            _write_figure(sheet, row_index, 6, row.completion_pct, percent, text)
            sheet.write_string(row_index, 7, note_for(row, template), text)
            row_index += 1


def table_rows(report: Report) -> list[list[str]]:
    """The template's table as text cells (group rows included), for CSV and PDF."""
    template = template_for(report.period.kind)
    rows = [headers(template)]
    for section in report.sections:
        listed = [r for r in section.rows if r.indicator.code in template.codes]
        if not listed:
            continue
        rows.append([section.group.code, template.group_titles[section.group.code]])
        for row in listed:
            growth = "—" if row.value is not None and row.growth_pct is None else row.growth_pct
            rows.append(
                [
                    str(row.indicator.number),
                    str(row.indicator.label),
                    template.unit_overrides.get(row.indicator.code, str(row.indicator.unit)),
                    _cell_text(row.value),
                    _cell_text(growth),
                    _cell_text(row.cumulative),
                    _cell_text(row.completion_pct),
                    note_for(row, template),
                ]
            )
    return rows


def _cell_text(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def report_csv(report: Report) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark, so that Excel reads the marks right;
    numbers use a decimal comma as Vietnamese Excel expects, the separator is ";"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([exports.safe_text(_unit_name(report)), report.period.label])
    writer.writerows([[exports.safe_text(cell) for cell in row] for row in table_rows(report)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_pdf(report: Report, *, remark: str = "") -> bytes:
    """The same table laid out on an A4 landscape page."""
    # Imported here: WeasyPrint is heavy to load and only this export needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    template = template_for(report.period.kind)
    rows = table_rows(report)
    html = render_to_string(
        "monitoring/report_pdf.html",
        {
            "template": template,
            "report": report,
            "unit_name": _unit_name(report),
            "headers": rows[0],
            "rows": rows[1:],
            "remark": remark,
        },
    )
    # Self-contained: no protocol is allowed, so rendering fetches no URL.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=frozenset())).write_pdf()


def _unit_name(report: Report) -> str:
    if report.marketplace is None:
        return report.unit.name
    return _("%(unit)s – sàn %(marketplace)s") % {
        "unit": report.unit.name,
        "marketplace": report.marketplace.name,
    }


def _write_group(
    sheet: "xlsxwriter.worksheet.Worksheet",
    row_index: int,
    group: Group,
    template: Template,
    style: "xlsxwriter.format.Format",
) -> int:
    sheet.write_string(row_index, 0, group.code, style)
    sheet.merge_range(row_index, 1, row_index, 7, template.group_titles[group.code], style)
    return row_index + 1


def _write_figure(
    sheet: "xlsxwriter.worksheet.Worksheet",
    row_index: int,
    column: int,
    value: float | int | None,
    style: "xlsxwriter.format.Format",
    blank_style: "xlsxwriter.format.Format",
) -> None:
    if value is None:
        sheet.write_blank(row_index, column, None, blank_style)
    else:
        sheet.write_number(row_index, column, value, style)


def sheet_codes(kind: PeriodKind) -> Sequence[str]:
    """The indicator codes a template lists, in order."""
    return template_for(kind).codes
