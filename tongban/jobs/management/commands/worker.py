"""`tongban worker`: the job worker (Huey's consumer, as `tongban run_huey`) that stops promptly.

On SIGINT it finishes the task in hand, waiting at most HUEY_SHUTDOWN_TIMEOUT seconds (then it gives the task
up), and ends as soon as the consumer has stopped (`jobs.shutdown.exit_now`). Task modules named in
HUEY_EXTRA_TASK_MODULES are loaded as well as every app's `tasks.py`. `tongban serve` runs this command.
"""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

from tongban.jobs.shutdown import exit_now


class Command(RunHueyCommand):
    help = "运行后台任务进程（Huey）：Ctrl-C 时做完手头任务（最多等待 HUEY_SHUTDOWN_TIMEOUT 秒）后立即退出。"

    def handle(self, *args, **options):
        for module in settings.HUEY_EXTRA_TASK_MODULES:
            import_module(module)
        super().handle(*args, **options)  # returns once the consumer has stopped
        if getattr(self, "_called_from_command_line", False):
            exit_now(0)
