"""`bpr config`: print the built-in defaults, or check and print the config in force."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bpr.cli import ConfigOption, emit
from bpr.cli.common import CommandError, exit_with


def config(
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Print the commented built-in defaults (a bpr.yaml to start from).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Print the configuration: the commented defaults, or the one in force (bpr.yaml or --config) as JSON."""
    from bpr.cli import EXIT_USAGE
    from bpr.config import ConfigError, config_as_dict, defaults_text, load_config, resolve_config_path

    if defaults:
        emit(lambda stream: stream.write(defaults_text()))
        return
    try:
        if config is not None and not config.is_file():
            raise CommandError(f"bpr: no such configuration file: {config}", EXIT_USAGE)
        loaded = load_config(resolve_config_path(config))
    except ConfigError as exc:
        exit_with(CommandError(str(exc), EXIT_USAGE))
    except CommandError as error:
        exit_with(error)
    emit(lambda stream: stream.write(json.dumps(config_as_dict(loaded), ensure_ascii=False, indent=2) + "\n"))
