"""The ``advisor`` command: opens the program, or runs one of its shell commands.

Commands live one per module in ``tui/commands/`` (``NAME``, ``HELP_KEY``,
``add_arguments(parser)``, ``run(args) -> int``) and are found at start, so adding one
touches no other file. ``--db``, ``--today`` and ``--lang`` work before or after the
command's name. Only the interactive program imports Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType

from db.errors import AdvisorError
from db.i18n import set_language, t


def _early_language(argv: list[str]) -> None:
    """Help texts are translated, so the language is needed before parsing."""
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang)


# argparse's own messages (usage, errors, headings) by their English text, as its gettext
# calls them: said in the interface language through the catalogue.
_ARGPARSE_TEXTS = {
    'usage: ': "cli.argparse.usage",
    '%(prog)s: error: %(message)s\n': "cli.argparse.error",
    'argument %(argument_name)s: %(message)s': "cli.argparse.argument",
    'invalid choice: %(value)r (choose from %(choices)s)': "cli.argparse.invalid_choice",
    'invalid %(type)s value: %(value)r': "cli.argparse.invalid_value",
    'the following arguments are required: %s': "cli.argparse.required",
    'unrecognized arguments: %s': "cli.argparse.unrecognized",
    'one of the arguments %s is required': "cli.argparse.one_of",
    'not allowed with argument %s': "cli.argparse.not_allowed",
    'ignored explicit argument %r': "cli.argparse.ignored",
    'expected one argument': "cli.argparse.expected_one",
    'expected at most one argument': "cli.argparse.expected_at_most_one",
    'expected at least one argument': "cli.argparse.expected_at_least_one",
    'expected %s argument': "cli.argparse.expected_n",
    'expected %s arguments': "cli.argparse.expected_n_plural",
    'ambiguous option: %(option)s could match %(matches)s': "cli.argparse.ambiguous",
    'unknown parser %(parser_name)r (choices: %(choices)s)': "cli.argparse.unknown_parser",
    "can't open '%(filename)s': %(error)s": "cli.argparse.cant_open",
    'positional arguments': "cli.argparse.positionals",
    'options': "cli.argparse.options",
    'show this help message and exit': "cli.argparse.help",
}


def _argparse_text(message: str) -> str:
    key = _ARGPARSE_TEXTS.get(message)
    return t(key) if key else message


def _argparse_ntext(singular: str, plural: str, n: int) -> str:
    return _argparse_text(singular if n == 1 else plural)


def _speak_argparse() -> None:
    """argparse looks its messages up through its module's ``_``/``ngettext`` each time."""
    argparse._ = _argparse_text  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ntext  # type: ignore[attr-defined]


def _add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="PATH|URL", default=default, help=t("cli.db"))
    parser.add_argument("--today", metavar="YYYY-MM-DD", default=default, help=t("cli.today"))
    parser.add_argument("--lang", choices=("zh", "en"), default=default, help=t("cli.lang"))


def command_modules() -> list[ModuleType]:
    from tui import commands

    found = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"tui.commands.{info.name}")
        if hasattr(module, "NAME"):
            found.append(module)
    return found


def build_parser() -> argparse.ArgumentParser:
    _speak_argparse()
    parser = argparse.ArgumentParser(prog="advisor", description=t("cli.description"))
    _add_common(parser, suppress=False)
    parser.add_argument("--advisor", metavar="NAME", default=None, help=t("cli.advisor"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        cmd = sub.add_parser(module.NAME, help=t(module.HELP_KEY), description=t(module.HELP_KEY))
        _add_common(cmd, suppress=True)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _early_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang)
    try:
        from db.clock import pin_today

        if args.today:
            pin_today(args.today)
        elif os.environ.get("ADVISOR_TODAY"):
            pin_today(os.environ["ADVISOR_TODAY"])
        run = getattr(args, "run", None)
        if run is None:
            from tui.commands._app import run_app

            return run_app(args)
        return int(run(args) or 0)
    except AdvisorError as exc:
        print(t("cli.error", message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `advisor find … | head`
        return 0
