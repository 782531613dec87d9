"""An exit objection's date takes the shared name of core.procedures (the rename keeps every row and
every history event)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exits", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="exitobjection", old_name="received_on", new_name="raised_on"),
        migrations.RenameField(model_name="exitobjectionevent", old_name="received_on", new_name="raised_on"),
    ]
