"""`tongban demo`: build (or complete) the demo county and print the demo logins. Safe to run again."""
from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand

from tongban.org.demo import DEMO_PASSWORD, PERSONAS, build_demo_county, run_app_demos
from tongban.org.models import Unit


class Command(BaseCommand):
    help = "生成演示县（XX县行政审批服务中心及其股室、进驻部门、乡镇、网点、窗口、人员和演示账号），可重复运行。"

    def handle(self, *args, **options):
        started = time.monotonic()
        county = build_demo_county()
        extended = run_app_demos(county)
        seconds = time.monotonic() - started
        if county.created:
            self.stdout.write(f"演示县已生成：新建 {county.created} 条组织机构记录（{seconds:.1f} 秒）。")
        else:
            self.stdout.write(f"演示县的组织机构已存在，未做修改（{seconds:.1f} 秒）。")
        for app_name, result in extended:
            # an app may return a Chinese sentence to show; anything else is not for users' eyes
            self.stdout.write(f"已补充演示数据：{app_name}" + (f"（{result}）" if isinstance(result, str) else "") + "。")
        self.stdout.write("")
        self.stdout.write(self.logins_table(county))
        self.stdout.write("")
        self.stdout.write(f"演示密码：{DEMO_PASSWORD}（仅在新建账号时设置，已修改的密码不会被重置）")

    def logins_table(self, county) -> str:
        rows = [("账号", "角色", "所在单位", "能看到")]
        for username, staff_no, sees in PERSONAS:
            staff = county.staff.get(staff_no)
            user = county.users.get(username)
            if staff is None or user is None or getattr(user, "staff", None) != staff:
                continue  # the login belongs to someone else in this database; do not advertise it
            visible = Unit.objects.visible_to(user).count()
            rows.append((username, staff.get_role_display(), staff.unit.name, f"{sees}，可见 {visible} 个单位"))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(_pad(cell, width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def _width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
