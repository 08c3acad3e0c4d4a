"""`tongban licences import FILE [--dry-run]`, `tongban licences seal-cert -o FILE.p12 --name 单位名`
(a self-signed seal certificate, for trials only), `tongban licences verify FILE.pdf` and `tongban licences
seal-pending` (seal now what decisions left 待签章, as the worker's retry does)."""
from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "电子证照导入、电子印章证书（试用自签名）与签章 PDF 核验。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,seal-cert,verify,seal-pending}")
        importing = actions.add_parser("import", help="导入外部电子证照（.xlsx/.xls/.ods/.csv）：全部成功或一行不改，按证照编号去重。")
        importing.add_argument("file")
        importing.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        cert = actions.add_parser("seal-cert", help="生成自签名印章证书（PKCS#12），仅供试用；口令取自 TONGBAN_SEAL_PASSPHRASE。")
        cert.add_argument("-o", "--output", required=True)
        cert.add_argument("--name", required=True, help="证书上的单位名称")
        verify = actions.add_parser("verify", help="核验一个签章 PDF：谁盖的章、何时、盖章后是否被改动。")
        verify.add_argument("file")
        actions.add_parser("seal-pending", help="立即为待签章的证照和决定书签章（与后台任务的重试相同，包括未到重试时间的）。")

    def handle(self, *args, action: str, **options):
        try:
            if action == "import":
                from tongban.licences.imports import ImportRejected, import_licences

                try:
                    report = import_licences(options["file"], name=options["file"], dry_run=options["dry_run"])
                except ImportRejected as refused:
                    for e in refused.errors:
                        self.stderr.write(f"{e['sheet']} 第 {e['row']} 行 {e['column']}：{e['message']}")
                    raise CommandError(refused.message)
                self.stdout.write(report.summary())
            elif action == "seal-cert":
                from tongban.licences.sealing import make_self_signed

                path = make_self_signed(Path(options["output"]), os.environ.get("TONGBAN_SEAL_PASSPHRASE", ""),
                                        options["name"])
                self.stdout.write(f"已生成 {path}（自签名，仅供试用）：设置 TONGBAN_SEAL_CERT={path} 与 TONGBAN_SEAL_PASSPHRASE 后生效。")
            elif action == "seal-pending":
                from tongban.licences.models import SealRequest
                from tongban.licences.services import seal_waiting_now

                from django.utils import timezone

                done = seal_waiting_now()
                left = SealRequest.objects.filter(sealed_at__isnull=True)
                busy = left.filter(leased_until__gt=timezone.now()).count()
                problem = left.exclude(problem="").values_list("problem", flat=True).first()
                self.stdout.write(f"已签章 {done['sealed']} 份，失败 {done['seal_failed']} 份"
                                  + (f"；仍待签章（{problem}）" if problem else "")
                                  + (f"；{busy} 份正由后台任务签章，未重复领取" if busy else ""))
                if done["seal_failed"]:
                    raise CommandError("部分文书签章失败")
            else:
                from tongban.licences import sealing

                result = sealing.provider().verify(Path(options["file"]).read_bytes())
                self.stdout.write(("印章有效，文件未被改动" if result.ok else f"核验未通过：{result.problem}")
                                  + (f"；盖章单位 {result.signer}，时间 {result.signed_at:%Y-%m-%d %H:%M:%S}" if result.sealed else ""))
                if not result.ok:
                    raise CommandError("核验未通过")
        except ValidationError as exc:
            raise CommandError(exc.messages[0])
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}")
