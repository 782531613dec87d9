"""`manage.py makemessages`: Django's, with this project's defaults.

Run from the project root, it updates every app's catalogue (`<app>/locale/zh_Hans/`) and the project
templates' (`locale/`). Without source locations (`#: file.py:123`) the catalogues change only where a
string does, so two branches that add strings rarely conflict.
"""

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages

# The creation date would differ on every run and make every branch's catalogue conflict.
_CREATED = re.compile(r'^"POT-Creation-Date: [^"]*\\n"$', re.M)
FIXED_CREATED = r'"POT-Creation-Date: 2026-01-01 00:00+0800\n"'


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        options["no_location"] = True
        options["locale"] = options.get("locale") or ["zh_Hans"]
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), "bench/*", "tests/*"]
        super().handle(*args, **options)
        root = Path(settings.BASE_DIR)
        for po in [
            *root.glob("*/locale/*/LC_MESSAGES/django.po"),
            *root.glob("locale/*/LC_MESSAGES/django.po"),
        ]:
            po.write_text(_CREATED.sub(lambda _: FIXED_CREATED, po.read_text()))
