"""The sandbox lender, so that applications work out of the box (LENDING_LENDER_CODE=sandbox)."""

from django.db import migrations


def load(apps, schema_editor):
    Lender = apps.get_model("lending", "Lender")
    Lender.objects.get_or_create(
        code="sandbox",
        defaults={
            "name": "Quỹ tín dụng thử nghiệm",
            "min_amount": 5_000_000,
            "max_amount": 50_000_000,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("lending", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
