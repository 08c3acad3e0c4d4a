"""Schedule files for the import tests, written as real files on disk."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

# A plausible 2027 schedule (the real one is published by the State Council late in 2026).
SCHEDULE_2027 = [
    ("日期", "类型", "名称"),
    ("2027-01-01", "法定节假日", "元旦"),
    ("2027-02-05", "节假日", "春节"),
    ("2027-02-06", "节假日", "春节"),
    ("2027-02-07", "节假日", "春节"),
    ("2027-02-08", "节假日", "春节"),
    ("2027-02-09", "节假日", "春节"),
    ("2027-02-10", "节假日", "春节"),
    ("2027-02-11", "节假日", "春节"),
    ("2027-02-12", "节假日", "春节"),
    ("2027-02-20", "调休", "春节"),
    ("2027-10-01", "holiday", "国庆节"),
    ("2027-10-09", "makeup_workday", "国庆节"),
]


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, name: str = "安排.csv", encoding: str = "utf-8-sig") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding=encoding) as handle:
            csv.writer(handle).writerows(rows)
        return path

    return write


@pytest.fixture
def schedule_2027(write_csv) -> Path:
    return write_csv(SCHEDULE_2027, "2027年节假日安排.csv")
