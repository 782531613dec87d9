"""pghistory_context (who, which URL, which address: the attribution of every audit event) becomes
append-only once committed.

pghistory's `_pgh_attach_context()` upserts the row of the current context on each audited write
(INSERT ... ON CONFLICT (id) DO UPDATE SET metadata, updated_at WHERE metadata differs): within one
transaction the metadata of a context may still grow (the request's user is known once DRF has
authenticated it). So an UPDATE is allowed only on a row created by the current transaction
(created_at is the transaction's NOW(), set by that function), and only of metadata and updated_at.
A committed row is never updated, and no row is ever deleted. Blocks that need other metadata take
a context of their own (core.audit.audit_context).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_audit_context_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'pghistory_context is append-only: a context row cannot be deleted';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR OLD.created_at IS DISTINCT FROM NOW() THEN
        RAISE EXCEPTION 'pghistory_context is append-only: a committed context row cannot be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_audit_context_append_only ON pghistory_context;
CREATE TRIGGER core_audit_context_append_only
    BEFORE UPDATE OR DELETE ON pghistory_context
    FOR EACH ROW EXECUTE FUNCTION core_audit_context_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_audit_context_append_only ON pghistory_context;
DROP FUNCTION IF EXISTS core_audit_context_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_sensitive_access_append_only"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
