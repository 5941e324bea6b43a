"""`bpr config`: print the built-in defaults, or check and print the config in force."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bpr.cli import ConfigOption, emit, load_config_or_exit
from bpr.i18n import N_


def config(
    defaults: Annotated[
        bool, typer.Option("--defaults", help=N_("Print the commented built-in defaults (a bpr.yaml to start from)."))
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Print the configuration: the commented defaults, or the one in force (bpr.yaml or --config) as JSON."""
    from bpr.config import config_as_dict, defaults_text

    if defaults:
        emit(lambda stream: stream.write(defaults_text()), utf8=True)
        return
    loaded = load_config_or_exit(config)
    emit(
        lambda stream: stream.write(json.dumps(config_as_dict(loaded), ensure_ascii=False, indent=2) + "\n"), utf8=True
    )
