from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from core import clock
from core.audit import audit_context
from core.demo import DEMO_APPS, DEMO_PASSWORD, DemoContext


def _analyze(app: str) -> None:
    """Fresh planner statistics for the tables an app just filled. The later apps' demo steps (screening,
    snapshots, coverage) query that data inside this same transaction, where autovacuum cannot have seen
    it: planned for empty tables, a dashboard query ran for many minutes on a 300-household demo."""
    tables = [model._meta.db_table for model in apps.get_app_config(app).get_models()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')  # noqa: S608 - table names from the models


class Command(BaseCommand):
    help = "Build a realistic demo county (Linxia city, Gansu). Deterministic for a given --seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--households", type=int, default=2000, help="How many households to register.")
        parser.add_argument(
            "--year", type=int, default=None, help="The current work year (default: this year)."
        )
        parser.add_argument("--reset", action="store_true", help="Delete all data first (flush).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when areas already exist.")

    def handle(
        self,
        *args: object,
        seed: int,
        households: int,
        year: int | None,
        reset: bool,
        if_empty: bool,
        **options: object,
    ) -> None:
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if apps.get_model(settings.AREA_MODEL).objects.exists():  # core names areas only by the setting
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError("The database already has data. Use --reset to rebuild the demo from scratch.")
        import random

        ctx = DemoContext(
            seed=seed,
            households=households,
            year=year or clock.today().year,
            rng=random.Random(seed),
            stdout=self.stdout,
        )
        with transaction.atomic(), audit_context(None, source="seed_demo"):
            for app in DEMO_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(ctx)
                _analyze(app)
        self.stdout.write(self.style.SUCCESS(f"Demo county ready. Users (password {DEMO_PASSWORD}):"))
        for username, user in ctx.users.items():
            self.stdout.write(f"  {username:<12} {user.get_role_display()} · {user.full_name}")
