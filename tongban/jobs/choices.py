"""Choices of the jobs app: English codes, Chinese labels, colours for badges."""
from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"  # 立即运行 pressed; waiting for the worker
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"
    SKIPPED = "skipped", "无需运行"


RUN_STATUS_COLORS = {
    RunStatus.QUEUED: "info",
    RunStatus.RUNNING: "primary",
    RunStatus.SUCCEEDED: "success",
    RunStatus.FAILED: "danger",
    RunStatus.SKIPPED: "secondary",
}

# A run in one of these states is done for its period: running it again does no work (unless forced).
FINAL_STATUSES = (RunStatus.SUCCEEDED, RunStatus.SKIPPED)


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "定时"
    CLI = "cli", "命令行手动"
    WEB = "web", "网页手动"


class Outcome(models.TextChoices):
    """What one call to run a job did; the CLI prints one line per job with this label."""

    RAN = "ran", "已运行"
    ALREADY_DONE = "already_done", "已完成过，未重复运行"
    SKIPPED = "skipped", "跳过（本周期无需运行）"
    BUSY = "busy", "跳过（正在其他进程中运行）"
    NOT_DUE = "not_due", "跳过（今天不是运行日）"
    FAILED = "failed", "失败"
