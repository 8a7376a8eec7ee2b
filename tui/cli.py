"""The ``advisor`` command: opens the program, or runs one of its shell commands.

Commands live one per module in ``tui/shell/`` (``NAME``, ``HELP_KEY``,
``add_arguments(parser)``, ``run(args) -> int``, and ``CREATES = True`` for the few that
may create a missing archive) and are found at start, so adding one touches no other
file; only the module of the command named is imported. ``--db``, ``--today`` and
``--lang`` work before or after the command's name. Only the interactive program imports Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
from types import ModuleType

from db.errors import AdvisorError
from db.i18n import set_language, t
from db.safe_text import LINES, json_visible


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


def _module_names() -> list[str]:
    from tui import shell

    return sorted(info.name for info in pkgutil.iter_modules(shell.__path__) if not info.name.startswith("_"))


def command_modules(only: str | None = None) -> list[ModuleType]:
    """The command modules (``only``: the one whose NAME that is, if any)."""
    found = []
    for name in _module_names():
        if only is not None and _command_name(name) != only:
            continue
        module = importlib.import_module(f"tui.shell.{name}")
        if hasattr(module, "NAME"):
            found.append(module)
    return found


def _command_name(module_name: str) -> str:
    """A command's NAME as its module is named: ``import_`` is ``import``, ``migrate_to``
    ``migrate-to`` (tests/test_cli.py checks that every module keeps to this)."""
    return module_name.rstrip("_").replace("_", "-")


_TAKES_VALUE = ("--db", "--today", "--lang", "--advisor")


def _named_command(argv: list[str]) -> str | None:
    """The command ``argv`` names, "" for none (the interactive program), None when every
    command is needed: help asked for, or a word that is no command (argparse's message
    lists them all)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-h", "--help"):
            return None
        elif arg in _TAKES_VALUE:
            skip = True
        elif not arg.startswith("-"):
            known = {_command_name(name) for name in _module_names()}
            return arg if arg in known else None
    return ""


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv``, with only the command it names (the interactive start
    imports no command module), else with every command."""
    _speak_argparse()
    parser = argparse.ArgumentParser(prog="advisor", description=t("cli.description"))
    _add_common(parser, suppress=False)
    parser.add_argument("--advisor", metavar="NAME", default=None, help=t("cli.advisor"))
    # An `advisor serve` session: the descriptor of the pipe holding its one-time ticket.
    parser.add_argument("--ticket-fd", type=int, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    only = None if argv is None else _named_command(argv)
    for module in ([] if only == "" else command_modules(only)):
        cmd = sub.add_parser(module.NAME, help=t(module.HELP_KEY), description=t(module.HELP_KEY))
        _add_common(cmd, suppress=True)
        module.add_arguments(cmd)
        # A command creates an archive only when it says so (demo, import): the others
        # refuse a missing path instead of leaving an empty archive there.
        cmd.set_defaults(run=module.run, creates=getattr(module, "CREATES", False))
    return parser


class SafeOutput:
    """A shell command's stdout or stderr with ``db.safe_text``'s rule applied to all
    that is written: whatever a command prints (a name, a sheet's header, a path, a
    report line), a control or invisible character reaches the terminal as a visible
    escape, never raw. Line breaks and tabs pass (tab-separated lists, whose fields are
    made visible by the command itself); so does a carriage return on stderr, where
    progress lines rewrite themselves. The escapes are JSON's (``\\u001b``): inside a
    ``--json`` output that missed ``db.safe_text.dumps`` they mean the very character,
    so the output stays valid JSON with exact values, and anywhere else they are as
    visible as ``\\x1b``."""

    def __init__(self, stream, keep: str) -> None:
        self._stream, self._keep = stream, keep

    def write(self, text: str) -> int:
        return self._stream.write(json_visible(text, self._keep))

    def __getattr__(self, name: str):  # flush, isatty, fileno, encoding, buffer…
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_output():
    """Guard stdout and stderr while a shell command runs (not the interactive program:
    Textual draws its own screen, guarded by ``tui.app``)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeOutput(sys.stdout, LINES), SafeOutput(sys.stderr, LINES + "\r")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _early_language(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    set_language(args.lang)
    if getattr(args, "run", None) is None:
        return _main(args)
    from db.connection import creating

    with safe_output(), creating(args.creates):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        from db.clock import pin_today
        from db.validate import date as valid_date

        if args.today:
            pin_today(valid_date(args.today, "today"))
        elif os.environ.get("ADVISOR_TODAY"):
            pin_today(valid_date(os.environ["ADVISOR_TODAY"], "today"))
        run = getattr(args, "run", None)
        if run is None:
            from tui.shell._app import run_app

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
