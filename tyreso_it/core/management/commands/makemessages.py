"""`makemessages` that reads the Jinja2 fragments (`jinja2/**/*.jinja`) as well.

Django's own command extracts messages from Python files and Django templates only. A Jinja2
template is handed to xgettext the way Django hands it a Django template: as a Python file
written beside it for the run, here with one gettext call per message on the template's own
line, so the catalogue's references point at the template and its lines.
"""

from __future__ import annotations

from django.core.management.commands import makemessages
from django.template import engines
from django.utils.functional import cached_property

JINJA_EXTENSION = ".jinja"

#: Jinja2's name of each gettext function and the arguments xgettext reads from it.
_CALLS = {
    "gettext": ("gettext", 1),
    "_": ("gettext", 1),
    "ngettext": ("ngettext", 2),
    "pgettext": ("pgettext", 2),
    "npgettext": ("npgettext", 3),
}


def jinja_messages_as_python(source: str) -> str:
    """Python source that calls gettext with each message of the Jinja2 `source`, each on
    the line where the template has it."""
    env = engines["jinja2"].env
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in env.extract_translations(source):
        name, count = _CALLS.get(function, (None, 0))
        if name is None:
            continue
        parts = message if isinstance(message, tuple) else (message,)
        arguments = [repr(part) for part in parts[:count] if part is not None]
        if name in {"ngettext", "npgettext"}:
            arguments.append("n")
        call = f"{name}({', '.join(arguments)})"
        lines[lineno - 1] = f"{lines[lineno - 1]}; {call}" if lines[lineno - 1] else call
    return "\n".join(lines) + "\n"


class BuildFile(makemessages.BuildFile):
    @cached_property
    def is_jinja(self) -> bool:
        return self.domain == "django" and self.translatable.file.endswith(JINJA_EXTENSION)

    @cached_property
    def is_templatized(self) -> bool:
        return self.is_jinja or super().is_templatized

    def preprocess(self) -> None:
        if not self.is_jinja:
            super().preprocess()
            return
        with open(self.path, encoding="utf-8") as template:
            content = jinja_messages_as_python(template.read())
        with open(self.work_path, "w", encoding="utf-8") as shim:
            shim.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args, **options):
        if not options.get("extensions"):
            options["extensions"] = ["html", "txt", "py", JINJA_EXTENSION.lstrip(".")]
        return super().handle(*args, **options)


__all__ = ["Command", "jinja_messages_as_python"]
