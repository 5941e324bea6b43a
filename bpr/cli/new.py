"""`bpr new`: write a commented starter file for a new counter from the template bpr ships (bpr/templates/counter.yaml)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated

import typer

from bpr.cli import emit, fail, os_reason
from bpr.cli.session import is_quiet
from bpr.i18n import N_, _

# Package data, so that it is found however bpr was installed (a checkout, a wheel, `pip install --user`,
# a Windows user site): data-files under sys.prefix were not found by a user install.
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "counter.yaml"
SCHEMA_FILE = Path("schema") / "inventory.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="
DEFAULT_NAME = "〇〇課 窓口"
DEFAULT_SECTION = "〇〇課"

CounterIdArgument = Annotated[
    str, typer.Argument(metavar="COUNTER_ID", help=N_("The new counter's id, a slug such as 'shimin' or 'kosodate'."))
]
DirOption = Annotated[
    Path, typer.Option("--dir", "-o", metavar="DIR", help=N_("Folder to write COUNTER_ID.yaml into."), file_okay=False)
]
# The defaults are placeholders in Japanese, as the template's; the help says so rather than showing them.
NameOption = Annotated[
    str,
    typer.Option(
        "--name", help=N_("The counter's name (窓口名). Default: a placeholder to replace."), show_default=False
    ),
]
SectionOption = Annotated[
    str,
    typer.Option(
        "--section",
        help=N_("The section (課) the counter belongs to. Default: a placeholder to replace."),
        show_default=False,
    ),
]


def render_template(template: str, counter_id: str, name: str, section: str, folder: Path) -> str:
    """Return the starter file: the template with the counter filled in and the schema modeline relative to folder."""
    text = (
        template.replace("__COUNTER_ID__", counter_id)
        .replace("__COUNTER_NAME__", _yaml_string(name))
        .replace("__SECTION__", _yaml_string(section))
    )
    if SCHEMA_FILE.is_file():
        relative = Path(os.path.relpath(SCHEMA_FILE, folder)).as_posix()
        text = re.sub(rf"^{re.escape(MODELINE_PREFIX)}.*$", MODELINE_PREFIX + relative, text, count=1, flags=re.M)
    return text


def _yaml_string(value: str) -> str:
    # Plain text stays plain; anything YAML could misread is written as a double-quoted (JSON) string.
    if re.fullmatch(r"[^\s\"'#:{}\[\],&*!|>%@`-][^#:{}\[\],]*", value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def new(
    counter_id: CounterIdArgument,
    folder: DirOption = Path("inventories"),
    name: NameOption = DEFAULT_NAME,
    section: SectionOption = DEFAULT_SECTION,
) -> None:
    """Write a commented starter file COUNTER_ID.yaml for a new counter; it never overwrites a file."""
    from bpr.inventory.enums import SLUG_PATTERN

    if not re.fullmatch(SLUG_PATTERN, counter_id):
        fail(
            _(
                "'{counter_id}' is not a valid counter id: use lower-case letters, digits, '-' and '_' (e.g. 'shimin')"
            ).format(counter_id=counter_id)
        )
    if not name.strip() or not section.strip():
        fail(_("--name and --section cannot be empty"))
    try:
        template = TEMPLATE.read_text(encoding="utf-8")
    except OSError as exc:
        fail(_("cannot read the template {path}: {reason}").format(path=TEMPLATE, reason=os_reason(exc)))
    target = folder / f"{counter_id}.yaml"
    text = render_template(template, counter_id, name, section, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        fail(_("{path} already exists: bpr new never overwrites a file").format(path=target))
    except OSError as exc:
        fail(_("cannot write {output}: {reason}").format(output=target, reason=os_reason(exc)))
    if is_quiet():
        return
    done = _("wrote {path}: replace its placeholders with the real facts, then run `bpr validate {path}`").format(
        path=target
    )
    emit(lambda stream: stream.write(done + "\n"))
