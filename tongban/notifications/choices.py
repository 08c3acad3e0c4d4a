"""Choices of the notifications app: English codes, Chinese labels, colours for badges."""
from django.db import models


class ChannelKind(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信网关"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已送达"
    FAILED = "failed", "发送失败（已停止重试）"


DELIVERY_STATUS_COLORS = {
    DeliveryStatus.PENDING: "warning",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "danger",
}
