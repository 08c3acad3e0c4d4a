"""The form of a unit's message channel. Secrets (the 钉钉 signing secret, the SMS token, and the key inside a
webhook address) are never sent back to the browser: left blank on an edit, the stored value is kept."""
from __future__ import annotations

from django import forms

from tongban.core.forms import style_fields
from tongban.notifications.models import Channel
from tongban.org.models import Unit


class ChannelForm(forms.ModelForm):
    url = forms.URLField(label="地址", max_length=500, assume_scheme="https",
                         help_text=Channel._meta.get_field("url").help_text,
                         widget=forms.URLInput(attrs={"autocomplete": "off"}))

    class Meta:
        model = Channel
        fields = ["unit", "kind", "name", "url", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user).filter(is_active=True).order_by("path")
        self.fields["unit"].queryset = units
        if self.instance.pk:
            self.initial["url"] = ""  # never echoed: the address holds the robot's key
            self.fields["url"].required = False
            self.fields["url"].help_text = f"现为 {self.instance.masked_url}；留空则不变。"
            if self.instance.secret:
                self.fields["secret"].help_text = f"现为 {self.instance.masked_secret}；留空则不变。"
        self.user = user
        style_fields(self)

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if not self.user.has_perm("notifications.manage_channels", unit):
            raise forms.ValidationError("您不能为该单位配置消息渠道。")
        return unit

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            for name in ("url", "secret"):
                if not data.get(name):
                    data[name] = getattr(self.instance, name)
        return data
