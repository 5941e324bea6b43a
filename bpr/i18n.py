"""One message catalog: every message, help text and summary bpr prints, in one language per run.

Messages are written in English in the code, as gettext message ids, and said in Japanese by the
catalog ``bpr/locale/ja/LC_MESSAGES/bpr.mo``, compiled by Babel from the ``.po`` sources beside it
(``python scripts/catalog.py compile``; docs/messages.md). Japanese is the default; ``--lang en`` or
``BPR_LANG=en`` chooses English, which is the message ids themselves.

The rules for code that speaks to a user:

- wrap the English text in ``_()`` where it is said, never at import time (the language is chosen
  when a run starts): ``_("no such file or folder: {paths}").format(paths=...)``, never an f-string
  inside ``_()``, which the catalog cannot hold;
- a constant defined at module level is marked with ``N_()`` and translated where it is used;
- a count uses ``ngettext(singular, plural, n)``.

The documents bpr writes for the city (the workbooks, the HTML report, the diagrams) are Japanese
whatever the language of the run: they are read by section chiefs, not at the terminal. A sentence the
analysis makes for both (a shortfall of the roadmap, a gap in a life event's journey) is a `Phrase`: said
in Japanese for the documents and in the run's language at the terminal, from one message id.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"
LANGUAGE_ENV = "BPR_LANG"
DOMAIN = "bpr"
LOCALE_DIR = Path(__file__).parent / "locale"

_translations: dict[str, gettext.NullTranslations] = {}
_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


class UnknownLanguage(ValueError):
    """A language bpr does not speak."""


def _catalog(language: str) -> gettext.NullTranslations:
    found = _translations.get(language)
    if found is None:
        if language == "en":
            found = gettext.NullTranslations()
        else:
            path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            with path.open("rb") as handle:
                found = gettext.GNUTranslations(handle)
        _translations[language] = found
    return found


def normalise(language: str) -> str:
    """Return the language a name means ('ja', 'ja_JP.UTF-8', 'EN' …), or raise UnknownLanguage."""
    code = language.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    if code not in LANGUAGES:
        raise UnknownLanguage(language)
    return code


def language_from_environment() -> str:
    """Return BPR_LANG's language when it names one bpr speaks, else Japanese."""
    value = os.environ.get(LANGUAGE_ENV, "").strip()
    if not value:
        return DEFAULT_LANGUAGE
    try:
        return normalise(value)
    except UnknownLanguage:
        return DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Speak this language from now on ('ja' or 'en')."""
    global _active, _language
    code = normalise(language)
    _active = _catalog(code)
    _language = code


def current_language() -> str:
    """Return the language in force."""
    return _language


def _(message: str) -> str:
    """Return a message in the language of the run."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Return the singular or plural form of a message for a count, in the language of the run."""
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it (a constant said later through `_`)."""
    return message


def _translator(language: str | None) -> gettext.NullTranslations:
    return _active if language is None else _catalog(normalise(language))


def translate(message: str, language: str | None = None) -> str:
    """Return a message in a language ('ja', 'en'), or in the run's language when None; no fields filled in."""
    return _translator(language).gettext(message)


class Sayable(Protocol):
    """Something said in a language: a phrase, a list of them, a fiscal year."""

    def say(self, language: str | None = None) -> str:
        """Return it in a language ('ja', 'en'), or in the run's language when None."""
        ...


def say(value: object, language: str | None = None, *, names: bool = False) -> str:
    """Return a value as words: a Sayable in the language, anything else as str().

    `names` is for the documents: a `Named` thing of the inventory is said by its name (「記入」), not by
    the id a terminal user types in YAML ('write').
    """
    if isinstance(value, Phrase | Listed | Named):
        return value.say(language, names=names)
    speak = getattr(value, "say", None)
    return speak(language) if callable(speak) else str(value)


_QUOTED_NAME = N_('"{name}"')


@dataclass(frozen=True)
class Named:
    """A thing of the inventory (a step, a procedure, an attachment): its id at the terminal, its name in documents.

    An id is quoted as the English shows it ('write') in every language, so that a reader finds it in the
    YAML; a name is quoted as the language quotes it (「記入」).
    """

    key: str
    name: str

    def say(self, language: str | None = None, *, names: bool = False) -> str:
        """Return the quoted id (or, with `names`, the quoted name) in a language."""
        if names:
            return _translator(language).gettext(_QUOTED_NAME).format(name=self.name)
        return f"'{self.key}'"


@dataclass(frozen=True)
class Phrase:
    """A sentence made once and said in any language: an English message id and its fields.

    Fields may be Sayable themselves (a measure's name, a fiscal year, a list), said in the same
    language. `str()` is the Japanese, which documents show.
    """

    msgid: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def say(self, language: str | None = None, *, names: bool = False) -> str:
        """Return the sentence in a language ('ja', 'en'), or in the run's language when None."""
        values = {key: say(value, language, names=names) for key, value in self.fields.items()}
        return _translator(language).gettext(self.msgid).format(**values)

    def __str__(self) -> str:
        return self.say("ja")

    def to_data(self) -> dict[str, object]:
        """Return the phrase as JSON data (for the parse cache): its fields must be text, numbers or Named."""
        fields: dict[str, object] = {}
        for key, value in self.fields.items():
            if isinstance(value, Named):
                fields[key] = [value.key, value.name]
            elif isinstance(value, Phrase):
                fields[key] = value.to_data()
            elif isinstance(value, str | int | float):
                fields[key] = value
            else:
                raise TypeError(f"a field of a stored phrase cannot be {type(value).__name__}")
        return {"msgid": self.msgid, "fields": fields}


def phrase_from_data(data: object) -> Phrase:
    """Return the phrase of `Phrase.to_data()`; raise ValueError when the data is not one."""
    if not isinstance(data, dict) or set(data) != {"msgid", "fields"}:
        raise ValueError("not a stored phrase")
    msgid, raw = data["msgid"], data["fields"]
    if not isinstance(msgid, str) or not isinstance(raw, dict):
        raise ValueError("not a stored phrase")
    fields: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
            fields[key] = Named(value[0], value[1])
        elif isinstance(value, dict):
            fields[key] = phrase_from_data(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            fields[key] = value
        else:
            raise ValueError("not a stored phrase")
    return Phrase(msgid, fields)


def phrase(msgid: str, **fields: object) -> Phrase:
    """Return a Phrase of a message id (marked with N_ where it is written) and its fields."""
    return Phrase(msgid, fields)


_PATTERN_FIELD = re.compile(r"\{(\w+)\}")


def joined(items: Iterable[str], pattern: str = "{list}, {item}", language: str | None = None) -> str:
    """Return items joined one at a time by a list pattern of the catalog, '' for none.

    A pattern names the list so far first and the next item second: '{list}, {item}' (、 in Japanese),
    '{steps}, {step}', '{parts}; {part}'. Its fields are read from the pattern itself.
    """
    head, tail = _PATTERN_FIELD.findall(pattern)
    said = _translator(language).gettext(pattern)
    text: str | None = None
    for item in items:
        text = item if text is None else said.format_map({head: text, tail: item})
    return text or ""


@dataclass(frozen=True)
class Listed:
    """A list said in a language: items joined by the catalog's pattern ('{list}, {item}' → 、)."""

    items: Sequence[object]
    pattern: str = "{list}, {item}"

    def say(self, language: str | None = None, *, names: bool = False) -> str:
        """Return the items joined in a language, or in the run's language when None."""
        return joined((say(item, language, names=names) for item in self.items), self.pattern, language)


set_language(language_from_environment())
