"""The category tree: farm produce and production inputs (extendable in the admin).

Each entry: (slug, name, keywords that suggest it from a product name, shelf life in hours or None
for goods that do not spoil, needs a registration number), children.
"""

from django.db import migrations

PRODUCE = [
    ("trai-cay", "Trái cây", "trai cay, hoa qua", 120, False, [
        ("vai-nhan-chom-chom", "Vải, nhãn, chôm chôm", "vai, vai thieu, nhan, nhan long, chom chom", 48, False),
        ("na-mit-sau-rieng", "Na, mít, sầu riêng", "na, mang cau, mit, sau rieng, mang cut", 72, False),
        ("xoai-bo-chuoi", "Xoài, bơ, chuối, đu đủ", "xoai, bo, chuoi, du du, oi, hong", 120, False),
        ("cam-buoi-quyt", "Cam, bưởi, quýt, chanh", "cam, buoi, quyt, chanh, tac", 336, False),
        ("dua-thanh-long", "Dứa, thanh long, dưa", "dua, thom, khom, thanh long, dua hau, dua luoi", 168, False),
        ("man-dao-dau", "Mận, đào, dâu, trái cây ôn đới", "man, dao, dau tay, le, tao, nho", 72, False),
    ]),
    ("rau-cu", "Rau, củ, nấm", "rau, cu", 72, False, [
        ("rau-an-la", "Rau ăn lá", "rau, cai, xa lach, rau muong, bap cai, cai thao", 48, False),
        ("cu-qua", "Củ, quả", "cu, khoai, ca rot, bi, ca chua, hanh, toi, gung, ot, su hao", 240, False),
        ("nam", "Nấm", "nam, nam huong, nam linh chi", 72, False),
    ]),
    ("lua-gao-ngu-coc", "Lúa gạo, ngũ cốc", "gao, lua, ngu coc", None, False, [
        ("gao", "Gạo", "gao, gao nep, nep, st25, tam", 4320, False),
        ("ngo-khoai-san", "Ngô, khoai, sắn", "ngo, bap, khoai mi, san", 720, False),
        ("dau-lac-vung", "Đậu, lạc, vừng", "dau, lac, dau phong, vung, me, dau xanh, dau tuong", 4320, False),
    ]),
    ("ca-phe-che-ca-cao", "Cà phê, chè, ca cao, hồ tiêu", "ca phe, che, tra, ca cao", None, False, [
        ("ca-phe", "Cà phê", "ca phe, robusta, arabica", 4320, False),
        ("che", "Chè (trà)", "che, tra, shan tuyet, tra xanh", 4320, False),
        ("ca-cao", "Ca cao", "ca cao, cacao, socola", 4320, False),
        ("tieu-gia-vi", "Hồ tiêu, gia vị", "tieu, ho tieu, hoi, que, hoa hoi, gia vi, mac khen", 8760, False),
        ("hat-dieu-mac-ca", "Hạt điều, mắc ca", "hat dieu, dieu, mac ca", 4320, False),
    ]),
    ("thuy-san", "Thủy sản", "thuy san, hai san", 24, False, [
        ("tom-cua", "Tôm, cua", "tom, cua, ghe, tom su, tom hum", 24, False),
        ("ca", "Cá", "ca, ca tra, ca basa, ca ro, ca chep", 24, False),
        ("ngheu-so-oc", "Nghêu, sò, hàu, ốc", "ngheu, so, hau, oc, ngao", 24, False),
        ("thuy-san-kho", "Thủy sản khô", "kho, tom kho, ca kho, muc kho", 2160, False),
    ]),
    ("chan-nuoi", "Chăn nuôi, gia cầm", "thit, chan nuoi", 24, False, [
        ("thit", "Thịt lợn, bò, dê", "thit, lon, heo, bo, de, trau", 24, False),
        ("gia-cam", "Gà, vịt, ngan", "ga, vit, ngan, ga doi, ga ta", 24, False),
        ("trung", "Trứng", "trung, trung ga, trung vit", 336, False),
        ("mat-ong", "Mật ong", "mat ong, ong", 8760, False),
    ]),
    ("che-bien-ocop", "Sản phẩm chế biến, OCOP", "ocop, dac san, che bien", 2160, False, [
        ("dac-san-kho", "Đặc sản khô, sấy", "say, kho, mut, o mai, mien, mi, banh da", 2160, False),
        ("nuoc-mam-gia-vi", "Nước mắm, gia vị", "nuoc mam, mam, tuong, xi dau", 8760, False),
        ("banh-keo", "Bánh, kẹo, mứt", "banh, keo, mut", 720, False),
        ("duoc-lieu", "Dược liệu, trà thảo mộc", "duoc lieu, sam, dinh lang, tra thao moc", 8760, False),
    ]),
    ("hoa-cay-canh", "Hoa, cây cảnh", "hoa, cay canh", 72, False, [
        ("hoa-tuoi", "Hoa tươi", "hoa, hoa cuc, hoa hong, hoa ly, lan", 72, False),
        ("cay-canh", "Cây cảnh", "cay canh, bonsai, mai, dao", None, False),
    ]),
]

INPUTS = [
    ("phan-bon", "Phân bón", "phan bon, phan", None, True, [
        ("phan-huu-co", "Phân hữu cơ, vi sinh", "huu co, vi sinh, phan chuong", None, True),
        ("phan-vo-co", "Phân vô cơ (NPK, đạm, lân, kali)", "npk, dam, ure, lan, kali", None, True),
        ("phan-bon-la", "Phân bón lá", "bon la, phan bon la", None, True),
    ]),
    ("giong", "Giống cây trồng, con giống", "giong, hat giong, cay giong", None, False, [
        ("hat-giong", "Hạt giống", "hat giong", None, False),
        ("cay-giong", "Cây giống", "cay giong, ghep", 168, False),
        ("con-giong", "Con giống", "con giong, ga giong, ca giong, tom giong", 48, False),
    ]),
    ("thuoc-bvtv", "Thuốc bảo vệ thực vật", "thuoc, tru sau, tru benh, bvtv, diet co", None, True, []),
    ("thuc-an-chan-nuoi", "Thức ăn chăn nuôi, thủy sản", "thuc an, cam", 2160, False, []),
    ("dung-cu", "Dụng cụ, máy nông nghiệp", "binh xit, may, keo, cuoc, luoi, dung cu", None, False, [
        ("dung-cu-cam-tay", "Dụng cụ cầm tay", "cuoc, xeng, keo, dao", None, False),
        ("may-nong-nghiep", "Máy nông nghiệp nhỏ", "may, binh xit, may cat co", None, False),
        ("vat-tu-tuoi", "Vật tư tưới, màng phủ, lưới", "tuoi, ong, mang phu, luoi", None, False),
    ]),
]


def load(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for kind, tree in (("produce", PRODUCE), ("input", INPUTS)):
        for position, (slug, name, keywords, hours, registration, children) in enumerate(tree):
            parent, _ = Category.objects.update_or_create(
                slug=slug,
                defaults={
                    "kind": kind,
                    "name": name,
                    "keywords": keywords,
                    "shelf_life_hours": hours,
                    "requires_registration": registration,
                    "position": position * 10 + (0 if kind == "produce" else 500),
                    "parent": None,
                },
            )
            for index, (c_slug, c_name, c_keywords, c_hours, c_registration) in enumerate(children):
                Category.objects.update_or_create(
                    slug=c_slug,
                    defaults={
                        "kind": kind,
                        "name": c_name,
                        "keywords": c_keywords,
                        "shelf_life_hours": c_hours,
                        "requires_registration": c_registration,
                        "position": index,
                        "parent": parent,
                    },
                )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
