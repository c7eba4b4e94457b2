"""``ssp import-areas``, ``import-population``, ``list-areas`` and ``compose-area``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from dashboard.cli.base import ssp_cli
from dashboard.state import app_state
from data.areas.layers import (
    IMPORT_LEVELS,
    AreaImportError,
    compose_area,
    import_areas,
    read_area_layer,
    read_bytes_limited,
)
from data.areas.listing import area_rows
from data.areas.population import import_population, parse_population_csv
from data.privacy.csv_safe import csv_text
from data.storage.db import unit_of_work
from data.vocabulary import AREA_LEVELS, codes

MAX_POPULATION_BYTES = 20 * 1024 * 1024


def _cli_progress(fraction: float, step: str) -> None:
    click.echo(f"[{fraction:4.0%}] {step}", err=True)


@ssp_cli.command("import-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", required=True, type=click.Choice(IMPORT_LEVELS), help="Area level.")
@click.option("--code-field", required=True, help="Field with the area code (e.g. deso).")
@click.option("--name-field", required=True, help="Field with the area name.")
@click.option("--parent-field", default=None, help="Field with the parent's code (e.g. regso).")
@click.option(
    "--parent-name-field",
    default=None,
    help="Field with the parent's name: creates missing parents from their parts.",
)
@click.option("--crs", default=None, help="CRS of a file that has none, e.g. EPSG:3006.")
@with_appcontext
def import_areas_command(
    file: Path,
    level: str,
    code_field: str,
    name_field: str,
    parent_field: str | None,
    parent_name_field: str | None,
    crs: str | None,
) -> None:
    """Import an area layer (GeoJSON, GeoPackage, zipped Shapefile, GeoParquet), all or nothing."""
    try:
        layer = read_area_layer(
            file,
            code_field=code_field,
            name_field=name_field,
            parent_field=parent_field,
            parent_name_field=parent_name_field,
            crs=crs,
            progress=_cli_progress,
        )
        with unit_of_work(app_state().sessions) as session:
            summary = import_areas(
                session,
                layer,
                level=level,
                parent_name_field=parent_name_field,
                progress=_cli_progress,
            )
    except AreaImportError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    for line in summary.messages:
        click.echo(line)


@ssp_cli.command("import-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code-field", default=None, help="Column with the area code.")
@click.option("--value-field", default=None, help="Column with the number aged 10–19.")
@click.option("--skip-unknown", is_flag=True, help="Ignore codes that are not areas here.")
@with_appcontext
def import_population_command(
    file: Path, code_field: str | None, value_field: str | None, skip_unknown: bool
) -> None:
    """Import population aged 10–19 per area from an SCB-style CSV, all or nothing."""
    try:
        values = parse_population_csv(
            read_bytes_limited(file, MAX_POPULATION_BYTES),
            code_field=code_field,
            value_field=value_field,
        )
        with unit_of_work(app_state().sessions) as session:
            updated, unknown = import_population(session, values, skip_unknown=skip_unknown)
    except AreaImportError as error:
        raise click.ClickException(f"Ingenting importerades. {error}") from None
    click.echo(f"Befolkning 10–19 år uppdaterad för {updated} områden.")
    if unknown:
        click.echo(f"{len(unknown)} okända koder hoppades över: {', '.join(unknown[:10])}")


@ssp_cli.command("list-areas")
@click.option(
    "--level", default=None, type=click.Choice(codes(AREA_LEVELS)), help="Only this level."
)
@click.option("--kommun", "kommun_code", default=None, help="Only this kommun, e.g. 0191.")
@with_appcontext
def list_areas_command(level: str | None, kommun_code: str | None) -> None:
    """Print areas as CSV: code,name,level,parent_code,population_10_19."""
    with unit_of_work(app_state().sessions) as session:
        rows = area_rows(session, level=level, kommun_code=kommun_code)
    header = ("code", "name", "level", "parent_code", "population_10_19")
    click.echo(csv_text(header, rows, delimiter=","), nl=False)


@ssp_cli.command("compose-area")
@click.argument("code")
@click.option("--name", required=True, help="Name of the own area, e.g. 'Gottsunda/Valsätra'.")
@click.option("--member", "members", multiple=True, required=True, help="DeSO/RegSO code.")
@with_appcontext
def compose_area_command(code: str, name: str, members: tuple[str, ...]) -> None:
    """Create or update an own area as the union of DeSO/RegSO areas."""
    try:
        with unit_of_work(app_state().sessions) as session:
            area = compose_area(session, code=code, name=name, member_codes=members)
            summary = f"Eget område {area.code} ({area.name}) av {len(members)} delområden."
    except AreaImportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(summary)
