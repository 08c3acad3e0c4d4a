from django.db import migrations, models


class Migration(migrations.Migration):
    """网上回访 links (feedback) count their wrong tries apart from the tracking page's failed lookups."""

    dependencies = [
        ('cases', '0008_fixb_attempt_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='trackingattempt',
            name='kind',
            field=models.CharField(choices=[('tracking', '办件查询失败'), ('apply', '网上申请提交'), ('seal_check', '电子证照核验'), ('callback', '网上回访链接错误')], default='tracking', max_length=20, verbose_name='类型'),
        ),
    ]
