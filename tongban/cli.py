"""The `tongban` console script: every Django management command with the project settings."""
import os
import re
import sys

# argparse has no Chinese catalogue: the errors office staff most often meet, in Chinese.
ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.+)", "缺少必填参数：{0}"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"argument (\S+): invalid choice: '?([^' ]+)'? \(choose from (.+)\)", "参数 {0} 的取值“{1}”无效，可选：{2}"),
    (r"argument (\S+): invalid (\w+) value: (.+)", "参数 {0} 的值 {2} 格式不正确"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要跟一个值"),
    (r"invalid choice: '?([^' ]+)'? \(choose from (.+)\)", "无效的子命令“{0}”，可选：{1}"),
]


def chinese_argparse_message(message: str) -> str:
    for pattern, template in ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message.strip())
        if match:
            return template.format(*match.groups())
    return message


def _install_chinese_parser_errors() -> None:
    from django.core.management.base import CommandError, CommandParser

    original = CommandParser.error

    def error(self, message):
        # Called from the command line, argparse prints usage and exits; from call_command it raises.
        if getattr(self, "called_from_command_line", False):
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：{chinese_argparse_message(message)}\n（用 --help 查看用法）\n")
        raise CommandError(f"参数错误：{chinese_argparse_message(message)}")

    CommandParser.error = error
    CommandParser._tongban_original_error = original


# Commands that serve requests or run jobs: each request / task names its own person.
SERVER_COMMANDS = {"serve", "runserver", "run_huey", "runserver_plus"}


def _named_user(argv: list[str]) -> tuple[str, list[str]]:
    """`tongban --user NAME <command> …` (or TONGBAN_USER=NAME): whose changes the command makes."""
    name = os.environ.get("TONGBAN_USER", "")
    rest = list(argv)
    if rest and rest[0] == "--user" and len(rest) > 1:
        name, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("--user="):
        name, rest = rest[0].split("=", 1)[1], rest[1:]
    return name, rest


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django
    from django.core.management import execute_from_command_line

    _install_chinese_parser_errors()
    name, argv = _named_user(sys.argv[1:])
    if argv and argv[0] in SERVER_COMMANDS:
        return execute_from_command_line(["tongban", *argv])
    django.setup()
    from tongban.core.audit import acting_as

    user = None  # without a named user the command's changes are the system account's
    if name:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            sys.stderr.write(f"tongban：没有名为“{name}”的在用账号（--user / TONGBAN_USER）。\n")
            raise SystemExit(2)
    with acting_as(user):
        execute_from_command_line(["tongban", *argv])


if __name__ == "__main__":
    main()
