from __future__ import annotations

from django import forms


class RevokeForm(forms.Form):
    reason = forms.CharField(label="注销理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写注销理由。", "max_length": "注销理由最多 300 个字。"})


class ImportForm(forms.Form):
    file = forms.FileField(label="证照文件（.xlsx、.xls、WPS .et、.ods 或 .csv）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.et,.ods,.csv"}))
    dry_run = forms.BooleanField(label="只检查，不写入", required=False)


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label="签章 PDF 文件", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
                           error_messages={"required": "请选择要核验的 PDF 文件。"})
