from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_online_channel'),
    ]

    operations = [
        migrations.AddField(
            model_name='trackingattempt',
            name='kind',
            field=models.CharField(choices=[('tracking', '办件查询失败'), ('apply', '网上申请提交'), ('seal_check', '电子证照核验')], default='tracking', max_length=20, verbose_name='类型'),
        ),
        migrations.AlterModelOptions(
            name='trackingattempt',
            options={'verbose_name': '公开页面访问限制记录', 'verbose_name_plural': '公开页面访问限制记录'},
        ),
    ]
