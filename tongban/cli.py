"""The `tongban` console script: every Django management command with the project settings."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban", *sys.argv[1:]])


if __name__ == "__main__":
    main()
