from django import forms


class NominateForm(forms.Form):
    subject = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="提名理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    award = forms.TypedChoiceField(label="决定", choices=[("1", "授予"), ("0", "不授予")], coerce=lambda v: v == "1",
                                   widget=forms.RadioSelect)
    decision_note = forms.CharField(label="决定意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class TraitsForm(forms.Form):
    staff = forms.IntegerField(label="工作人员", widget=forms.Select)
    party_member = forms.BooleanField(label="中共党员", required=False)
    female = forms.BooleanField(label="女性", required=False)
