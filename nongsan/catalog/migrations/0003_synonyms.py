"""Regional words for the same produce, so that a buyer anywhere finds it (editable in the admin)."""

from django.db import migrations

SYNONYMS = [
    ("na, mãng cầu, mãng cầu ta", False, "Bắc: na; Nam: mãng cầu"),
    ("dứa, thơm, khóm", False, "Bắc: dứa; Nam: thơm, khóm"),
    ("lạc, đậu phộng", False, "Bắc: lạc; Nam: đậu phộng"),
    ("ngô, bắp", False, "Bắc: ngô; Nam: bắp"),
    ("quả, trái", True, "Bắc: quả; Nam: trái; tên sản phẩm thường bỏ đi"),
    ("lợn, heo", False, "Bắc: lợn; Nam: heo"),
    ("vừng, mè", False, "Bắc: vừng; Nam: mè"),
    ("sắn, khoai mì", False, "Bắc: sắn; Nam: khoai mì"),
    ("chè, trà", False, ""),
    ("đậu tương, đậu nành", False, ""),
    ("hoa hồi, đại hồi, hồi", False, ""),
    ("dưa chuột, dưa leo", False, "Bắc: dưa chuột; Nam: dưa leo"),
    ("mướp đắng, khổ qua", False, "Bắc: mướp đắng; Nam: khổ qua"),
    ("rau mùi, ngò", False, ""),
    ("cà chua, cà tô mát", False, ""),
    ("bí đỏ, bí ngô", False, ""),
    ("ngan, vịt xiêm", False, ""),
]


def load(apps, schema_editor):
    Synonym = apps.get_model("catalog", "Synonym")
    for words, is_classifier, note in SYNONYMS:
        Synonym.objects.update_or_create(
            words=words, defaults={"is_classifier": is_classifier, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_categories")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
