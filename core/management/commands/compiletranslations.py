from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file to .mo in pure Python (no GNU gettext needed on the machine)."

    def handle(self, *args: object, **options: object) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS] + [
            Path(settings.BASE_DIR) / app for app in settings.PROJECT_APPS
        ]
        count = 0
        for root in roots:
            for po_path in root.glob("**/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"Compiled {count} translation catalogue(s).")
