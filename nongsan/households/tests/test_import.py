"""Importing household lists: messy files, exact counts, error files, idempotence, pages, scope."""

import csv
import datetime as dt
import io
import random
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from nongsan.accounts.models import Role, User
from nongsan.accounts.tests import factories as account_factories
from nongsan.core.errors import ApplicationError
from nongsan.geo.models import Commune
from nongsan.households import importing, services, urls_import
from nongsan.households import urls as household_urls
from nongsan.households.models import Household, ImportJob, Milestone
from nongsan.households.tests import factories, import_data

pytestmark = pytest.mark.django_db

# The URLs these tests use: the households URLs with the import pages spliced in (whether or not
# households/urls.py includes them yet) ahead of the whole site, which is included by name so the
# households app does not import the apps above it. The first "households" namespace wins.
_wired = {pattern.name for pattern in household_urls.urlpatterns}
urlpatterns = [
    path(
        "ho/",
        include(
            (
                [
                    *household_urls.urlpatterns,
                    *(p for p in urls_import.urlpatterns if p.name not in _wired),
                ],
                "households",
            )
        ),
    ),
    path("", include("nongsan.urls")),
]


@pytest.fixture(autouse=True)
def _import_settings(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def sa_ly():
    """Xã Sa Lý, Bắc Ninh: where the legacy Bắc Giang communes Phong Minh and Sa Lý went."""
    return Commune.objects.get(province__short_name="Bắc Ninh", name="Xã Sa Lý")


@pytest.fixture
def agent(sa_ly):
    return factories.agent_for(sa_ly)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def excel_serial(day: dt.date) -> float:
    return float((day - dt.date(1899, 12, 30)).days)


def xlsx(rows, *, title: str | None = None, sheets: dict | None = None) -> bytes:
    """A workbook with `rows` (header first) on one sheet, cells written with their types."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, sheet_rows in (sheets or {"Danh sách": rows}).items():
        sheet = book.add_worksheet(name)
        start = 0
        if title and name == next(iter(sheets or {"Danh sách": 0})):
            sheet.write_string(0, 0, title)
            start = 2
        for r, row in enumerate(sheet_rows, start=start):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, book.add_format({"num_format": "dd/mm/yyyy"}))
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def run_import(actor, data: bytes, name: str = "danh-sach.xlsx", **options) -> ImportJob:
    """Upload, accept the guessed mapping (or the one given), confirm consent, run the job."""
    job = importing.import_job_create(actor=actor, upload=SimpleUploadedFile(name, data))
    mapping = options.pop("mapping", None) or {int(i): k for i, k in job.mapping.items()}
    options.setdefault("consent", True)
    importing.import_job_start(actor=actor, job=job, mapping=mapping, **options)
    return importing.import_job_run(job_id=job.pk)


def counts(job: ImportJob) -> dict[str, int]:
    return {
        "new": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "blank": job.blank_count,
        "duplicate": job.duplicate_count,
    }


# --- The messy list -------------------------------------------------------------------------

MESSY_HEADER = [
    "TT",
    "Ho ten chu ho",
    "CMND/CCCD",
    "Ngày sinh",
    "Giới tính",
    "SĐT",
    "Tỉnh/TP",
    "Huyện",
    "Xã/Phường",
    "Thôn/Xóm",
    "Sản phẩm chính",
    "Diện tích (sào)",
    "Đồng ý",
]


def row(person: tuple, address: tuple = ()) -> list:
    """A list row: the head's cells (TT to SĐT), then the address and the rest."""
    return [*person, *address]


def messy_rows() -> list[list]:
    """Rows 4 to 20 of the list (a title on row 1, the header on row 3)."""
    bn, sl = "Bắc Ninh", "Sa Lý"
    mai = (nfd("Nông Thị Mai"), "0241 8500 1234", "02/03/1985", "Nữ", 912345678)
    mai_rest = (
        "Bắc Giang",
        "Huyện Lục Ngạn",
        "Xã Phong Minh",
        "Thôn Kép",
        "Vải thiều, gà",
        5,
        "Có",
    )
    blank_rest = ("", "", "", "")
    return [
        # 4: NFD name, CCCD with spaces, 9-digit phone as a number, legacy province/district/ward.
        row((1, *mai), mai_rest),
        # 5: name in capitals, CCCD that lost its leading zeros (a number), date cell, +84.
        row(
            (2, "LƯƠNG VĂN HÙNG", 1085012345, dt.date(1985, 6, 1), "nam", "+84 987 654 321"),
            (bn, "", sl, "  Thôn   Chũ ", "lua", "", ""),
        ),
        # 6: old 11-digit mobile, d/m/yy, legacy names without diacritics.
        row(
            (3, "Hà Thị Hoa", "033190000111", "5/6/90", "F", "01689 123 456"),
            ("bac giang", "luc ngan", "sa ly", "", "Na (mãng cầu)", "2,5", "x"),
        ),
        # 7: blank.
        [""] * 13,
        # 8: row 4 again.
        row((5, *mai), mai_rest),
        # 9: a bad CCCD.
        row((6, "Lò Văn Páo", "12345", "", "Nam", "0977000111"), (bn, "", sl, *blank_rest)),
        # 10: resolves to Xã Biên Sơn, outside the agent's commune.
        row(
            (7, "Vi Văn Khánh", "024080000222", "", "Nam", "0977000222"),
            ("Bắc Giang", "Lục Ngạn", "Xã Phong Vân", *blank_rest),
        ),
        # 11: the CCCD says a woman.
        row((8, "Đinh Thị Nga", "024192000333", "", "Nam", ""), (bn, "", sl, *blank_rest)),
        # 12: an Excel serial date whose year is not the CCCD's.
        row(
            (9, "Triệu Văn Sơn", "024075000444", excel_serial(dt.date(1976, 1, 1)), "", ""),
            (bn, "", sl, *blank_rest),
        ),
        # 13: a landline.
        row(
            (10, "Phạm Văn Lộc", "024088000555", "", "", "0243 825 1234"), (bn, "", sl, *blank_rest)
        ),
        # 14: the CCCD of row 5 with another phone.
        row(
            (11, "Lương Văn Hùng", "001085012345", "", "", "0912 000 999"),
            (bn, "", sl, *blank_rest),
        ),
        # 15: yyyy-mm-dd, M, dotted phone, NFD address, area with its own unit.
        row(
            (12, "Trần Minh Tuấn", "001079000777", "1979-12-31", "M", "0912.000.777"),
            (nfd(bn), "", nfd("Xã Sa Lý"), "Xóm Chợ", "heo; Bưởi", "1.200 m2", ""),
        ),
        # 16: a serial date, 0 for Nữ.
        row(
            (13, "Nguyễn Thị Lan", "001190000888", excel_serial(dt.date(1990, 7, 15)), "0"),
            ("0363000888", bn, "", sl, "", "", "", "Có"),
        ),
        # 17: consent refused.
        row((14, "Bùi Văn Vinh", "024086000999", "", "", ""), (bn, "", sl, "", "", "", "Không")),
        # 18: an unknown product.
        row((15, "Đỗ Văn Thắng", "024087000123", "", "", ""), (bn, "", sl, "", "Cây lạ", "", "")),
        # 19: only the row number.
        row((16,), ("",) * 12),
        # 20: no name.
        row((17, "", "024089000321", "", "", ""), (bn, "", sl, *blank_rest)),
    ]


def messy_xlsx() -> bytes:
    return xlsx([MESSY_HEADER, *messy_rows()], title="DANH SÁCH HỘ ĐĂNG KÝ LÊN SÀN TMĐT")


EXPECTED_REASONS = {
    7: "Dòng trống, bỏ qua.",
    8: "Trùng với dòng 4.",
    9: "Số CCCD phải có đúng 12 chữ số (nhận được 5 chữ số).",
    10: "Xã Biên Sơn (Tỉnh Bắc Ninh) không thuộc địa bàn bạn phụ trách.",
    11: "Giới tính không khớp với số CCCD (chữ số thứ 4 cho biết chủ hộ là nữ).",
    12: "Năm sinh 1976 không khớp với năm sinh 1975 ghi trong số CCCD.",
    13: "Số “0243 825 1234” là số máy bàn, không phải số di động; hãy nhập số di động.",
    14: ("Số CCCD này đã có ở dòng 5 của tệp với thông tin khác; hãy giữ lại một dòng đúng."),
    17: "Cần chủ hộ đồng ý cho xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP).",
    18: ("Không nhận ra sản phẩm “Cây lạ”; hãy dùng tên trong trang Danh mục của tệp mẫu."),
    19: "Dòng trống, bỏ qua.",
    20: "Họ tên chủ hộ đang để trống.",
}
MESSY_COUNTS = {"new": 5, "updated": 0, "unchanged": 0, "rejected": 9, "blank": 2, "duplicate": 1}


@pytest.mark.parametrize("chunk_size", [importing.CHUNK_SIZE, 3])
def test_messy_list_imports_the_good_rows_and_reports_every_other(
    agent, sa_ly, monkeypatch, chunk_size
):
    monkeypatch.setattr(importing, "CHUNK_SIZE", chunk_size)  # 3: duplicates across chunks
    job = run_import(agent, messy_xlsx())

    assert job.status == ImportJob.Status.DONE, job.failure
    assert (job.header_row, job.total_rows, job.processed_rows) == (3, 17, 17)
    assert counts(job) == MESSY_COUNTS
    assert dict(job.sample_errors) == EXPECTED_REASONS

    mai = Household.objects.get(head_cccd="024185001234")
    assert (mai.head_name, mai.head_name_key) == ("Nông Thị Mai", "nong thi mai")
    assert (mai.head_phone, mai.head_gender) == ("+84912345678", "female")
    assert mai.head_birth_date == dt.date(1985, 3, 2)
    assert (mai.commune, mai.village) == (sa_ly, "Thôn Kép")
    assert sorted(mai.produce.values_list("code", flat=True)) == ["ga", "vai-thieu"]
    assert (mai.farming_area, mai.farming_area_unit) == (Decimal(5), "sao_north")
    assert mai.registered_by == agent and mai.consent_recorded_by == agent
    assert mai.consent_at == job.consent_confirmed_at
    assert mai.user.phone == "+84912345678" and mai.user.role == Role.HOUSEHOLD
    assert not mai.user.has_usable_password()
    assert list(mai.milestones.values_list("kind", "source", "commune")) == [
        ("registered", f"import:{job.pk}", sa_ly.pk)
    ]

    hung = Household.objects.get(head_cccd="001085012345")
    assert (hung.head_name, hung.head_phone, hung.village) == (
        "Lương Văn Hùng",
        "+84987654321",
        "Thôn Chũ",
    )
    assert (hung.head_gender, hung.head_birth_date) == ("male", dt.date(1985, 6, 1))
    assert list(hung.produce.values_list("code", flat=True)) == ["lua-gao"]
    assert hung.farming_area is None

    hoa = Household.objects.get(head_cccd="033190000111")
    assert (hoa.head_phone, hoa.head_birth_date) == ("+84389123456", dt.date(1990, 6, 5))
    assert (hoa.farming_area, hoa.farming_area_unit, hoa.commune) == (
        Decimal("2.5"),
        "sao_north",
        sa_ly,
    )

    tuan = Household.objects.get(head_cccd="001079000777")
    assert (tuan.farming_area, tuan.farming_area_unit) == (Decimal(1200), "m2")
    assert sorted(tuan.produce.values_list("code", flat=True)) == ["buoi", "lon"]
    assert (tuan.head_birth_date, tuan.head_phone) == (dt.date(1979, 12, 31), "+84912000777")

    lan = Household.objects.get(head_cccd="001190000888")
    assert (lan.head_birth_date, lan.head_gender) == (dt.date(1990, 7, 15), "female")

    assert Household.objects.count() == 5
    assert Milestone.objects.filter(kind="registered").count() == 5


def test_error_files_hold_the_original_rows_and_the_reason(agent):
    job = run_import(agent, messy_xlsx())
    book = openpyxl.load_workbook(job.error_xlsx.open("rb"))
    assert book.sheetnames == ["Dòng chưa nhập", "Tóm tắt"]
    rows = list(book["Dòng chưa nhập"].iter_rows(values_only=True))
    assert list(rows[0]) == [*MESSY_HEADER, "Dòng trong tệp gốc", "Lỗi"]
    by_row = {row[-2]: row for row in rows[1:]}
    assert {number: row[-1] for number, row in by_row.items()} == EXPECTED_REASONS
    # The cells are the file's own, as typed: the CCCD with its spaces, the name.
    assert by_row[8][1:3] == ("Nông Thị Mai", "0241 8500 1234")
    assert by_row[9][1:3] == ("Lò Văn Páo", "12345")
    assert by_row[12][3] == excel_serial(dt.date(1976, 1, 1))
    assert by_row[10][8] == "Xã Phong Vân"
    summary = dict(book["Tóm tắt"].iter_rows(values_only=True))
    assert summary["Hộ mới"] == 5 and summary["Dòng bị từ chối"] == 9

    text = job.error_csv.open("rb").read().decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    assert csv_rows[0][-2:] == ["Dòng trong tệp gốc", "Lỗi"]
    assert {int(row[-2]): row[-1] for row in csv_rows[1:]} == EXPECTED_REASONS
    assert csv_rows[1 + list(EXPECTED_REASONS).index(10)][5] == "0977000222"


def test_reimporting_the_same_file_changes_nothing(agent):
    run_import(agent, messy_xlsx())
    before = (Household.objects.count(), Milestone.objects.count(), User.objects.count())
    updated_at = dict(Household.objects.values_list("pk", "updated_at"))

    again = run_import(agent, messy_xlsx())

    assert counts(again) == {**MESSY_COUNTS, "new": 0, "unchanged": 5}
    assert again.changed_fields == {}
    assert (Household.objects.count(), Milestone.objects.count(), User.objects.count()) == before
    assert dict(Household.objects.values_list("pk", "updated_at")) == updated_at


def test_existing_households_take_only_the_new_non_empty_values(agent, sa_ly):
    run_import(agent, messy_xlsx())
    update = xlsx(
        [
            ["Số CCCD", "Điện thoại", "Thôn/Xóm", "Họ và tên", "Giới tính"],
            ["024185001234", "0912 999 888", "", "", ""],  # a new phone; blanks erase nothing
            ["001085012345", "0987654321", "Thôn Chũ", "Lương Văn Hùng", "Nam"],  # as stored
            ["024190000456", "", "Thôn Mới", "Hoàng Thị Yến", "Nữ"],  # new, default commune
        ]
    )
    job = run_import(agent, update, default_commune=sa_ly)

    assert counts(job) == {
        "new": 1,
        "updated": 1,
        "unchanged": 1,
        "rejected": 0,
        "blank": 0,
        "duplicate": 0,
    }
    assert job.changed_fields == {"head_phone": 1}
    assert importing.changed_field_labels(job) == [("số điện thoại", 1)]
    mai = Household.objects.get(head_cccd="024185001234")
    assert (mai.head_phone, mai.head_name, mai.village) == (
        "+84912999888",
        "Nông Thị Mai",
        "Thôn Kép",
    )
    assert mai.milestones.count() == 1
    yen = Household.objects.get(head_cccd="024190000456")
    assert (yen.commune, yen.head_gender, yen.user) == (sa_ly, "female", None)


def test_a_row_moves_a_household_and_replaces_its_products(agent, sa_ly):
    other = Commune.objects.filter(province=sa_ly.province).exclude(pk=sa_ly.pk).order_by("code")[0]
    agent.communes.add(other)
    run_import(agent, messy_xlsx())
    job = run_import(
        agent,
        xlsx(
            [
                ["Số CCCD", "Tỉnh", "Xã", "Sản phẩm", "Diện tích", "Đơn vị"],
                ["024185001234", "Bắc Ninh", other.name, "Nhãn", "0,5", "ha"],
            ]
        ),
    )
    assert counts(job)["updated"] == 1
    assert job.changed_fields == {
        "commune_id": 1,
        "produce": 1,
        "farming_area": 1,
        "farming_area_unit": 1,
    }
    mai = Household.objects.get(head_cccd="024185001234")
    assert mai.commune == other
    assert list(mai.produce.values_list("code", flat=True)) == ["nhan"]
    assert (mai.farming_area, mai.farming_area_unit) == (Decimal("0.50"), "ha")


def registration_error(agent, commune, **fields) -> str:
    fields.setdefault("head_name", "Nông Văn Dũng")
    fields.setdefault("head_gender", "male")
    fields.setdefault("consent", True)
    with pytest.raises(ApplicationError) as caught:
        services.household_register(actor=agent, commune=commune, **fields)
    return caught.value.message


@pytest.mark.parametrize(
    ("register", "row"),
    [
        ({"head_cccd": "12345"}, {"CCCD": "12345"}),
        ({"head_cccd": "003185001234"}, {"CCCD": "003185001234"}),
        (
            {"head_cccd": "024085001234", "head_birth_date": dt.date(1990, 1, 1)},
            {"CCCD": "024085001234", "Ngày sinh": "01/01/1990"},
        ),
        (
            {"head_cccd": "024085001234", "head_birth_date": dt.date(2999, 1, 1)},
            {"CCCD": "024085001234", "Ngày sinh": "01/01/2999"},
        ),
        ({"head_cccd": "024185001234", "head_gender": "male"}, {"CCCD": "024185001234"}),
        ({"head_cccd": "024085001234", "head_phone": "12345"}, {"SĐT": "12345"}),
        ({"head_cccd": "024085001234", "head_phone": "0243 825 1234"}, {"SĐT": "0243 825 1234"}),
        ({"head_cccd": "024085001234", "head_name": " "}, {"Họ tên": ""}),
        ({"head_cccd": "024085001234", "consent": False}, {"Đồng ý": "Không"}),
    ],
)
def test_rows_are_refused_with_the_words_of_the_registration_form(agent, sa_ly, register, row):
    expected = registration_error(agent, sa_ly, **register)
    cells = {
        "Họ tên": register.get("head_name", "Nông Văn Dũng"),
        "CCCD": "024085001234",
        "Giới tính": "Nam",
        "Ngày sinh": "",
        "SĐT": "",
        "Đồng ý": "Có",
        **row,
    }
    job = run_import(agent, xlsx([list(cells), list(cells.values())]), default_commune=sa_ly)
    assert job.rejected_count == 1
    assert job.sample_errors == [[2, expected]]


def test_a_cccd_registered_outside_the_agents_area_is_refused(agent, sa_ly):
    bien_son = Commune.objects.get(province__short_name="Bắc Ninh", name="Xã Biên Sơn")
    factories.household(commune=bien_son, head_cccd="024185001234", female=True)
    job = run_import(
        agent,
        xlsx([["Họ tên", "CCCD", "Xã"], ["Nông Thị Mai", "024185001234", "Sa Lý"]]),
        default_province=sa_ly.province,
    )
    assert job.sample_errors == [
        [2, "Hộ có số CCCD này đã được đăng ký ở một xã/phường ngoài địa bàn bạn phụ trách."]
    ]
    assert Household.objects.get().commune == bien_son


def test_accounts_follow_the_rules_of_registration(agent, sa_ly):
    buyer = account_factories.user(Role.BUYER, phone="0911000001")
    factories.household(commune=sa_ly, head_phone="0911000002")
    rows = [
        ["Họ tên", "CCCD", "Giới tính", "SĐT"],
        ["Hộ Một", "024080000001", "Nam", "0911000001"],  # a buyer's phone: the buyer becomes it
        ["Hộ Hai", "024080000002", "Nam", "0911000002"],  # logs in for another household
        ["Hộ Ba", "024080000003", "Nam", "0911000003"],  # new account
        ["Hộ Bốn", "024080000004", "Nam", "0911000003"],  # the same phone: first row keeps it
        ["Hộ Năm", "024080000005", "Nam", agent.phone],  # a staff phone is never linked
    ]
    job = run_import(agent, xlsx(rows), default_commune=sa_ly)
    assert job.created_count == 5
    users = dict(
        Household.objects.filter(head_cccd__startswith="0240800000").values_list(
            "head_cccd", "user"
        )
    )
    buyer.refresh_from_db()
    assert users["024080000001"] == buyer.pk and buyer.role == Role.HOUSEHOLD
    assert users["024080000002"] is None
    new = User.objects.get(phone="+84911000003")
    assert users["024080000003"] == new.pk and new.role == Role.HOUSEHOLD
    assert new.full_name == "Hộ Ba" and not new.has_usable_password()
    assert (new.is_active, new.is_staff, new.is_superuser, new.email) == (True, False, False, None)
    assert job.started_at <= new.date_joined <= job.finished_at
    assert users["024080000004"] is None and users["024080000005"] is None
    agent.refresh_from_db()
    assert agent.role == Role.FIELD_AGENT


def test_generated_lists_come_out_exactly_as_planted(sa_ly):
    minister = account_factories.user(Role.MINISTRY_OFFICIAL)
    rng = random.Random(3)
    places = import_data.places(rng, provinces=["Bắc Ninh", "Lạng Sơn"], per_province=4)
    messy = import_data.messy_list(rng, count=400, places=places, error_rate=0.05)
    job = run_import(minister, import_data.to_xlsx(messy.rows))
    assert counts(job) == {
        "new": messy.valid_rows,
        "updated": 0,
        "unchanged": 0,
        "rejected": messy.planted_errors,
        "blank": messy.planted_blanks,
        "duplicate": messy.planted_duplicates,
    }
    assert Milestone.objects.filter(source=f"import:{job.pk}").count() == messy.valid_rows


# --- CSV ----------------------------------------------------------------------------------------


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tones combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    clusters: list[list[str]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    written = ""
    for base, *marks in clusters:
        shape = [mark for mark in marks if mark not in tones]
        written += unicodedata.normalize("NFC", base + "".join(shape))
        written += "".join(mark for mark in marks if mark in tones)
    return written.encode("cp1258")


def test_csv_in_windows_1258_with_semicolons(agent, sa_ly):
    lines = [
        "Họ và tên;Số CCCD;Điện thoại;Tỉnh/Thành phố;Xã/Phường;Thôn/Xóm",
        "Nguyễn Thị Lành;024185007001;0912 345 001;Bắc Ninh;Xã Sa Lý;Thôn Đồng Bành",
        ";;;;;",
        "Trần Văn Bảy;024080007002;;Bắc Giang;Phong Minh;",  # legacy, no district needed
        "Lò Văn Tâm;024080OO7003;;Bắc Ninh;Sa Lý;",
        "Họ và tên;Số CCCD;Điện thoại;Tỉnh/Thành phố;Xã/Phường;Thôn/Xóm",  # printed page 2
    ]
    data = cp1258("\r\n".join(lines))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    job = run_import(agent, data, "danh-sach.csv")
    assert counts(job) == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "blank": 2,
        "duplicate": 0,
    }
    lanh = Household.objects.get(head_cccd="024185007001")
    assert (lanh.head_name, lanh.village) == ("Nguyễn Thị Lành", "Thôn Đồng Bành")
    assert Household.objects.get(head_cccd="024080007002").commune == sa_ly
    assert job.sample_errors == [
        [3, "Dòng trống, bỏ qua."],
        [5, "Số CCCD “024080OO7003” chỉ được gồm chữ số."],
        [6, "Dòng tiêu đề lặp lại, bỏ qua."],
    ]


def test_csv_in_utf8_with_bom_and_commas_and_quoted_cells(agent, sa_ly):
    text = (
        '"Họ tên chủ hộ","CCCD","SĐT","Sản phẩm chính","Xã"\n'
        '"Lê Văn Hùng","024080007003","+84912345003","Vải thiều, Gà","Sa Lý"\n'
    )
    job = run_import(agent, text.encode("utf-8-sig"), "ds.csv", default_province=sa_ly.province)
    assert job.created_count == 1, job.sample_errors
    assert sorted(Household.objects.get().produce.values_list("code", flat=True)) == [
        "ga",
        "vai-thieu",
    ]
    assert job.error_xlsx.name == ""  # nothing to report


def test_utf16_tab_separated_text_from_excel(agent, sa_ly):
    text = "Họ tên\tSố CCCD\tXã/Phường\r\nVũ Thị Thu\t024190007004\tSa Lý\r\n"
    job = run_import(agent, text.encode("utf-16"), "ds.txt", default_province=sa_ly.province)
    assert job.created_count == 1
    assert Household.objects.get().head_name == "Vũ Thị Thu"


# --- Reading the file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Họ và tên", "head_name"),
        ("Ho ten chu ho", "head_name"),
        ("Tên chủ hộ", "head_name"),
        (nfd("Họ tên chủ hộ"), "head_name"),
        ("Số CCCD", "head_cccd"),
        ("CMND/CCCD", "head_cccd"),
        ("Số CCCD/CMND của chủ hộ", "head_cccd"),
        ("SĐT", "head_phone"),
        ("Điện thoại", "head_phone"),
        ("Xã/Phường", "commune"),
        ("Huyện", "district"),
        ("Quận/Huyện", "district"),
        ("Tỉnh/TP", "province"),
        ("Thôn/Xóm", "village"),
        ("Ngày sinh", "head_birth_date"),
        ("Năm sinh", "head_birth_date"),
        ("Giới tính", "head_gender"),
        ("Sản phẩm chính", "produce"),
        ("Diện tích", "farming_area"),
        ("Diện tích (ha)", "farming_area"),
        ("Đơn vị diện tích", "farming_area_unit"),
        ("Số nhân khẩu", "members_count"),
        ("Đồng ý xử lý dữ liệu", "consent"),
        ("STT", None),
        ("Ghi chú", None),
        ("Lỗi", None),
    ],
)
def test_headers_are_recognised_whatever_their_wording(header, field):
    assert importing.column_for_header(header) == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/1985", dt.date(1985, 3, 5)),
        ("5/3/85", dt.date(1985, 3, 5)),
        ("1/1/05", dt.date(2005, 1, 1)),
        ("05-03-1985", dt.date(1985, 3, 5)),
        ("1985-03-05", dt.date(1985, 3, 5)),
        (dt.datetime(1985, 3, 5, 0, 0), dt.date(1985, 3, 5)),
        (dt.date(1985, 3, 5), dt.date(1985, 3, 5)),
        (31111.0, dt.date(1985, 3, 5)),
        ("31111", dt.date(1985, 3, 5)),
        (1985.0, 1985),
        ("", None),
    ],
)
def test_birth_dates_in_every_spelling(value, expected):
    assert importing.parse_birth_date(value, today=dt.date(2026, 1, 1)) == expected


@pytest.mark.parametrize("value", ["31/02/1985", "ngày 5", "5/3"])
def test_unreadable_birth_dates_say_how_to_write_them(value):
    with pytest.raises(ApplicationError, match="ngày/tháng/năm"):
        importing.parse_birth_date(value, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nam", "male"),
        ("nam", "male"),
        ("M", "male"),
        (1.0, "male"),
        ("1", "male"),
        ("Nữ", "female"),
        (nfd("Nữ"), "female"),
        ("nu", "female"),
        ("F", "female"),
        ("0", "female"),
        ("", ""),
    ],
)
def test_genders(value, expected):
    assert importing.parse_gender(value) == expected


def test_unknown_gender_is_refused():
    with pytest.raises(ApplicationError, match="Nam hoặc Nữ"):
        importing.parse_gender("khác")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.5, (Decimal("2.50"), "")),
        ("2,5", (Decimal("2.50"), "")),
        ("1.200 m2", (Decimal("1200.00"), "m2")),
        ("1,234.5", (Decimal("1234.50"), "")),
        ("0.5 ha", (Decimal("0.50"), "ha")),
        ("5 sào", (Decimal("5.00"), "sao")),
        ("3 sào Trung Bộ", (Decimal("3.00"), "sao_central")),
        ("2 công", (Decimal("2.00"), "cong")),
        ("", (None, "")),
    ],
)
def test_areas(value, expected):
    assert importing.parse_area(value) == expected


@pytest.mark.parametrize("value", ["-3", "nhiều", "5 mẫu"])
def test_bad_areas_are_refused(value):
    with pytest.raises(ApplicationError):
        importing.parse_area(value)


def test_sao_follows_the_region_of_the_commune():
    hue = Commune.objects.filter(province__short_name="Huế").order_by("code").first()
    minister = account_factories.user(Role.MINISTRY_OFFICIAL)
    job = run_import(
        minister,
        xlsx(
            [
                ["Họ tên", "CCCD", "Tỉnh", "Xã", "Diện tích"],
                ["Lê Văn Một", "046080000001", "Huế", hue.name, "4 sào"],
                ["Lê Văn Hai", "024080000002", "Bắc Ninh", "Sa Lý", "4 sào"],
            ]
        ),
    )
    assert job.created_count == 2, job.sample_errors
    units = dict(Household.objects.values_list("head_cccd", "farming_area_unit"))
    assert units == {"046080000001": "sao_central", "024080000002": "sao_north"}


def test_two_row_header_under_a_merged_address_cell(agent, sa_ly):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ và tên", "Số CCCD"])
    sheet.merge_range(0, 2, 0, 4, "Địa chỉ")
    sheet.write_row(1, 2, ["Tỉnh", "Xã", "Thôn"])
    sheet.write_row(2, 0, ["Lý Văn Sơn", "024080007005", "Bắc Ninh", "Sa Lý", "Bản Hố"])
    book.close()
    job = importing.import_job_create(
        actor=agent, upload=SimpleUploadedFile("ds.xlsx", buffer.getvalue())
    )
    assert (job.header_row, job.header_depth) == (1, 2)
    assert job.mapping == {
        "0": "head_name",
        "1": "head_cccd",
        "2": "province",
        "3": "commune",
        "4": "village",
    }
    importing.import_job_start(
        actor=agent, job=job, mapping={int(i): k for i, k in job.mapping.items()}, consent=True
    )
    job = importing.import_job_run(job_id=job.pk)
    assert (job.total_rows, job.created_count) == (1, 1)
    assert Household.objects.get().village == "Bản Hố"


def test_the_sheet_holding_the_list_is_chosen(agent):
    data = xlsx(
        [],
        sheets={
            "Ghi chú": [["Danh sách do xã lập ngày 1/3/2026"]],
            "Hộ": [["Họ tên", "CCCD", "Xã"], ["Lý Văn Sơn", "024080007005", "Sa Lý"]],
        },
    )
    job = importing.import_job_create(actor=agent, upload=SimpleUploadedFile("ds.xlsx", data))
    assert job.sheet_name == "Hộ"
    preview = importing.import_preview(job=job)
    assert preview.sheets == ["Ghi chú", "Hộ"]
    assert preview.rows == [(2, ["Lý Văn Sơn", "024080007005", "Sa Lý"])]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("ds.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel"),
        ("ds.xlsx", b"not a workbook", "Không đọc được tệp Excel"),
        ("ds.csv", b"", "không có dòng dữ liệu"),
    ],
)
def test_unreadable_uploads_are_refused_with_a_reason(agent, name, data, reason):
    with pytest.raises(ApplicationError, match=reason):
        importing.import_job_create(actor=agent, upload=SimpleUploadedFile(name, data))
    assert not ImportJob.objects.exists()


def test_start_checks_the_mapping_consent_and_area(agent, sa_ly):
    job = importing.import_job_create(
        actor=agent, upload=SimpleUploadedFile("d.xlsx", messy_xlsx())
    )
    mapping = {int(i): k for i, k in job.mapping.items()}

    def start(**options):
        options = {"mapping": mapping, "consent": True, **options}
        with pytest.raises(ApplicationError) as caught:
            importing.import_job_start(actor=agent, job=job, **options)
        return caught.value

    assert start(consent=False).field == "consent"
    assert "Số CCCD chủ hộ" in start(mapping={1: "head_name", 8: "commune"}).message
    assert "cùng được chọn" in start(mapping={**mapping, 9: "head_name"}).message
    no_address = {i: k for i, k in mapping.items() if k not in ("province", "district", "commune")}
    assert start(mapping=no_address).field == "default_commune"
    elsewhere = account_factories.commune("Lạng Sơn", 0)
    assert start(default_commune=elsewhere).field == "default_commune"
    minister = account_factories.user(Role.MINISTRY_OFFICIAL)
    with pytest.raises(ApplicationError, match="Chỉ người tải"):
        importing.import_job_start(actor=minister, job=job, mapping=mapping, consent=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED and job.consent_confirmed_at is None


def test_a_job_runs_once_and_fails_visibly(agent, sa_ly):
    job = importing.import_job_create(
        actor=agent, upload=SimpleUploadedFile("d.xlsx", messy_xlsx())
    )
    importing.import_job_start(
        actor=agent, job=job, mapping={int(i): k for i, k in job.mapping.items()}, consent=True
    )
    agent.role = Role.BUYER  # lost the right to register before the worker picked the job up
    agent.save(update_fields=["role"])
    job = importing.import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.failure == "Bạn không có quyền nhập danh sách hộ."
    assert importing.import_job_run(job_id=job.pk).status == ImportJob.Status.FAILED
    assert not Household.objects.exists()


# --- Template -------------------------------------------------------------------------------


def test_template_has_the_headers_the_importer_reads_and_instructions(client, agent, sa_ly):
    client.force_login(agent)
    response = client.get(reverse("households:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "mau-danh-sach-ho.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Danh sách hộ", "Hướng dẫn", "Danh mục"]
    sheet = book["Danh sách hộ"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column[0] for column in importing.TEMPLATE_COLUMNS]
    mapped = importing.guess_mapping(headers)
    assert sorted(mapped.values()) == sorted(importing.FIELD_ORDER)
    cccd_column = headers.index("Số CCCD") + 1
    assert (
        sheet.column_dimensions[openpyxl.utils.get_column_letter(cccd_column)].number_format == "@"
    )
    guide = " ".join(
        str(value)
        for row in book["Hướng dẫn"].iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "Văn bản" in guide and "Nghị định 13/2023" in guide
    products = [row[0] for row in book["Danh mục"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "Vải thiều" in products

    # Filled in as a commune would, it imports.
    sheet.append([1, "Hoàng Thị Yến", "024190000456", "05/03/1990", "Nữ", "0912345678", 3])
    for column, value in {"Tỉnh/Thành phố": "Bắc Ninh", "Xã/Phường": "Sa Lý"}.items():
        sheet.cell(row=2, column=headers.index(column) + 1, value=value)
    filled = io.BytesIO()
    book.save(filled)
    job = run_import(agent, filled.getvalue(), "mau.xlsx")
    assert job.created_count == 1, job.sample_errors
    assert Household.objects.get().members_count == 3


# --- Pages ----------------------------------------------------------------------------------


def test_agent_uploads_checks_columns_confirms_and_reads_the_report(
    client, agent, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    assert client.get(reverse("households:import_upload")).status_code == 200
    response = client.post(
        reverse("households:import_upload"),
        {"file": SimpleUploadedFile("Danh sách xã Sa Lý.xlsx", messy_xlsx())},
    )
    job = ImportJob.objects.get()
    preview_url = reverse("households:import_preview", args=[job.pk])
    assert response.url == preview_url
    response = client.get(preview_url)
    page = response.content.decode()
    assert "Nông Thị Mai" in page and "Ho ten chu ho" in page
    form = response.context["form"]
    assert form["col_1"].initial == "head_name" and form["col_2"].initial == "head_cccd"
    data = {name: form[name].initial for name in form.column_names}
    data.update({"sheet": "Danh sách", "header_row": 3, "action": "import"})

    response = client.post(preview_url, data)  # consent not confirmed
    assert response.status_code == 200
    assert "Nghị định 13/2023" in str(response.context["form"].errors["consent"])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url, {**data, "consent": "on"})
    job_url = reverse("households:import_job", args=[job.pk])
    assert response.url == job_url
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and counts(job) == MESSY_COUNTS
    page = client.get(job_url).content.decode()
    assert "Đã nhập xong" in page and 'http-equiv="refresh"' not in page
    assert "Xã Biên Sơn (Tỉnh Bắc Ninh) không thuộc địa bàn bạn phụ trách." in page
    assert client.get(preview_url).url == job_url  # a started job is not configured again

    response = client.get(reverse("households:import_errors_xlsx", args=[job.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 1 + len(EXPECTED_REASONS)
    response = client.get(reverse("households:import_errors_csv", args=[job.pk]))
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    assert job.source_name in client.get(reverse("households:import_upload")).content.decode()


def test_rereading_from_another_header_row_guesses_the_columns_again(client, agent):
    client.force_login(agent)
    job = importing.import_job_create(
        actor=agent, upload=SimpleUploadedFile("d.xlsx", messy_xlsx())
    )
    url = reverse("households:import_preview", args=[job.pk])
    response = client.post(url, {"sheet": "Danh sách", "header_row": 1, "action": "reread"})
    assert response.url == url
    job.refresh_from_db()
    assert (job.header_row, job.mapping) == (1, {})
    client.post(url, {"sheet": "Danh sách", "header_row": 3, "action": "import"})  # changed row
    job.refresh_from_db()
    assert job.header_row == 3 and job.mapping["2"] == "head_cccd"
    assert job.status == ImportJob.Status.UPLOADED


def test_a_running_job_shows_a_progress_bar_that_refreshes_itself(client, agent):
    job = importing.import_job_create(
        actor=agent, upload=SimpleUploadedFile("d.xlsx", messy_xlsx())
    )
    importing.import_job_start(
        actor=agent, job=job, mapping={int(i): k for i, k in job.mapping.items()}, consent=True
    )  # queued: the worker has not taken it (on_commit never fires inside a test transaction)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, total_rows=17, processed_rows=6
    )
    client.force_login(agent)
    url = reverse("households:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="17" value="6"' in page and "35%" in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "<progress" in fragment


def test_other_agents_and_officials_cannot_see_a_job(client, agent, sa_ly):
    job = run_import(agent, messy_xlsx())
    urls = [
        reverse("households:import_job", args=[job.pk]),
        reverse("households:import_preview", args=[job.pk]),
        reverse("households:import_errors_xlsx", args=[job.pk]),
        reverse("households:import_errors_csv", args=[job.pk]),
    ]
    neighbour = factories.agent_for(
        Commune.objects.get(province=sa_ly.province, name="Xã Biên Sơn")
    )
    official = account_factories.user(Role.PROVINCE_OFFICIAL, province=sa_ly.province)
    for outsider in (neighbour, official):
        client.force_login(outsider)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
        assert (
            job.source_name not in client.get(reverse("households:import_upload")).content.decode()
        )
    # The error files hold full CCCDs: not even national officials open someone else's job.
    client.force_login(account_factories.user(Role.MINISTRY_OFFICIAL))
    assert client.get(urls[0]).status_code == 404
    client.force_login(agent)
    assert [client.get(url).status_code for url in urls] == [200, 302, 200, 200]


@pytest.mark.parametrize("role", [Role.BUYER, Role.HOUSEHOLD, Role.CARRIER_STAFF])
@pytest.mark.parametrize("name", ["households:import_upload", "households:import_template"])
def test_import_pages_are_for_registrars_only(client, role, name):
    client.force_login(account_factories.user(role))
    assert client.get(reverse(name)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("households:import_upload"))
    assert response.status_code == 302 and "next=" in response.url
