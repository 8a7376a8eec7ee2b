"""Texts of the customer's rights on screen: consent, their own copy, anonymisation;
and reopening a dropped prospect."""

TEXTS = {
    # ---- db/privacy.py and db/archive.py
    "roles.action.export_own": ("为客户导出本人档案", "export a customer's own archive"),
    "card.anonymised_locked": ("这份档案已匿名化：客户、观察和联系信息不能再填写（车辆和工单仍可更正）。客户再来时，请在接待（F3）为其新建档案",
                               "This archive is anonymised: its customer, observation and contact fields can no longer be filled in (vehicles and work orders can still be corrected). If the customer comes back, open a new archive at reception (F3)"),
    "card.reveal_anonymised": ("这份档案已匿名化：手机号和身份证号都已清除，没有号码可以显示",
                               "This archive is anonymised: its mobile and ID number are erased, so there is no number to show"),
    "privacy.already_anonymised": ("这份档案已匿名化，个人信息已不存在", "This archive is anonymised: its personal data no longer exists"),
    "privacy.export_no_path": ("请填写导出文件的路径", "Enter the path of the file to write"),
    "privacy.export_exists": ("文件 {path} 已存在；请换一个文件名（不会覆盖已有文件）", "{path} already exists; choose another name (an existing file is never overwritten)"),
    "card.consent_contradiction": ("结果为“勿再联系”时，营销同意不能选“同意”", "With the outcome “do not call”, marketing consent cannot be “agrees”"),
    # ---- labels of fields named in the anonymisation's confirmation
    "card.field.marketing_consent": ("营销同意", "Marketing"),
    "card.field.birth_date": ("出生日期", "Birth date"),
    "card.field.sex": ("性别", "Sex"),
    "card.field.value_class_reason": ("价值分级说明", "Value class note"),
    "card.field.district": ("区域", "District"),
    "card.field.occupation_category": ("职业类别", "Occupation category"),
}
