"""The list of produce kinds households pick from (extendable in the admin)."""

import unicodedata

from django.db import migrations

PRODUCE = {
    "crop": [
        ("lua-gao", "Lúa gạo"), ("ngo", "Ngô (bắp)"), ("san", "Sắn (khoai mì)"),
        ("khoai-lang", "Khoai lang"), ("vai-thieu", "Vải thiều"), ("nhan", "Nhãn"),
        ("na", "Na (mãng cầu)"), ("bo", "Bơ"), ("sau-rieng", "Sầu riêng"), ("xoai", "Xoài"),
        ("thanh-long", "Thanh long"), ("buoi", "Bưởi"), ("cam", "Cam"), ("quyt", "Quýt"),
        ("chuoi", "Chuối"), ("dua", "Dứa (thơm, khóm)"), ("mit", "Mít"),
        ("chom-chom", "Chôm chôm"), ("mang-cut", "Măng cụt"), ("dua-hau", "Dưa hấu"),
        ("ca-phe", "Cà phê"), ("che", "Chè (trà)"), ("ho-tieu", "Hồ tiêu"), ("dieu", "Điều"),
        ("ca-cao", "Ca cao"), ("mac-ca", "Mắc ca"), ("rau-an-la", "Rau ăn lá"),
        ("rau-cu", "Rau củ, quả"), ("nam", "Nấm"), ("hoa-cay-canh", "Hoa, cây cảnh"),
        ("duoc-lieu", "Dược liệu"), ("lac", "Lạc (đậu phộng)"), ("dau-tuong", "Đậu tương"),
        ("hoi", "Hồi"), ("que", "Quế"),
    ],
    "livestock": [
        ("lon", "Lợn (heo)"), ("bo-thit", "Bò"), ("trau", "Trâu"), ("ga", "Gà"), ("vit", "Vịt"),
        ("de", "Dê"), ("ong-mat", "Ong mật"),
    ],
    "aquaculture": [
        ("tom", "Tôm"), ("ca-tra", "Cá tra"), ("ca-nuoc-ngot", "Cá nước ngọt"),
        ("ca-bien", "Cá biển"), ("cua", "Cua"), ("ngheu-so-hau", "Nghêu, sò, hàu"),
    ],
    "forestry": [("go-rung-trong", "Keo, gỗ rừng trồng"), ("tre-mang", "Tre, măng")],
}


def _fold(text):
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").lower().split())


def load(apps, schema_editor):
    ProduceKind = apps.get_model("households", "ProduceKind")
    for group, items in PRODUCE.items():
        for code, name in items:
            ProduceKind.objects.update_or_create(
                code=code, defaults={"name": name, "group": group, "key": _fold(name)}
            )


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
