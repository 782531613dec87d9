from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from areas.services import areas_import, read_area_rows


class Command(BaseCommand):
    help = "Load or update the area tree from a CSV or xlsx file (columns: code,name,level,parent_code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--population-year", type=int, help="Year of the rural_population column, if present."
        )

    def handle(self, *args: object, path: Path, population_year: int | None, **options: object) -> None:
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            result = areas_import(rows=read_area_rows(path), user=None, population_year=population_year)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Areas: {result.created} created, {result.updated} updated; "
                f"{result.populations} population figures."
            )
        )
