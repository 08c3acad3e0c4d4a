"""The `tongban` console script, run for real."""
import os
import subprocess
import sys

import pytest

from tongban.cli import chinese_argparse_message


def test_a_missing_argument_is_explained_in_chinese():
    result = subprocess.run([sys.executable, "-m", "tongban.cli", "workdays", "add", "2025-09-26"],
                            capture_output=True, text=True, timeout=120, env={**os.environ})
    assert result.returncode == 2
    assert "缺少必填参数：n" in result.stderr


@pytest.mark.parametrize(("english", "chinese"), [
    ("the following arguments are required: file", "缺少必填参数：file"),
    ("unrecognized arguments: --oops", "无法识别的参数：--oops"),
    ("argument --date: invalid date value: '2026-02-30'", "参数 --date 的值 '2026-02-30' 格式不正确"),
])
def test_argparse_errors_are_translated(english, chinese):
    assert chinese_argparse_message(english) == chinese
