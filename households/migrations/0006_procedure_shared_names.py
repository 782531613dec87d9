"""The identification procedure's tables take the shared names of core.procedures (renames keep every
row and every history event): a sign-off's role, an objection's decision."""

from django.db import migrations


def renames(model: str) -> list:
    return [
        migrations.RenameField(model_name=model, old_name="resolution", new_name="decision_reason"),
        migrations.RenameField(model_name=model, old_name="resolved_by", new_name="decided_by"),
        migrations.RenameField(model_name=model, old_name="resolved_at", new_name="decided_at"),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_importledger_job_index"),
    ]

    operations = [
        migrations.RenameField(model_name="identificationstep", old_name="signer_role", new_name="role"),
        migrations.RenameField(model_name="identificationstepevent", old_name="signer_role", new_name="role"),
        *renames("noticeobjection"),
        *renames("noticeobjectionevent"),
    ]
