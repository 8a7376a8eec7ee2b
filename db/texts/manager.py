"""Texts of the manager's desk: roles, PINs, privacy, the audit log and the report."""

TEXTS = {
    # ---- roles
    "roles.advisor": ("服务顾问", "Advisor"),
    "roles.manager": ("服务经理", "Service manager"),
    "roles.not_signed_in": ("尚未登录，无法执行此操作", "Nobody is signed in; this needs a signed-in advisor"),
    "roles.forbidden": ("{name}，{action}只能由服务经理操作；请找服务经理办理", "{name}, only a service manager may {action}; please ask your service manager"),
    "roles.action.manage": ("这项管理操作", "do this"),
    "roles.action.settings": ("修改系统设置", "change settings"),
    "roles.action.advisors": ("管理顾问名单", "manage the advisors"),
    "roles.action.audit": ("查看操作日志", "read the audit log"),
    "roles.action.merge": ("合并档案", "merge archives"),
    "roles.action.anonymise": ("匿名化档案", "anonymise an archive"),
    "roles.action.export_unmasked": ("导出未遮蔽的个人信息", "export unmasked personal data"),
    "roles.pin_rule": ("PIN 为 4 到 8 位数字", "A PIN is 4 to 8 digits"),
    "roles.pin_needed": ("{name} 设有 PIN，请输入 PIN", "{name} has a PIN: enter it"),
    "roles.pin_wrong": ("{name} 的 PIN 不对，请重新输入", "That is not {name}'s PIN; try again"),
    "roles.retired_cannot_sign_in": ("{name} 已停用，不能登录；如需恢复请找服务经理", "{name} is retired and cannot sign in; a service manager can bring them back"),
    "roles.unknown_advisor": ("没有名为 {name} 的顾问；请服务经理先把您加入顾问名单", "There is no advisor called {name}; ask a service manager to add you"),
    "roles.name_taken": ("已有名为 {name} 的顾问", "There is already an advisor called {name}"),
    "roles.bad_role": ("角色只能是服务顾问或服务经理", "The role is advisor or service manager"),
    "roles.last_manager": ("这是最后一位在岗的服务经理，不能停用或降为顾问；请先指定另一位经理", "This is the last active service manager: name another manager first"),
    "setting.advisors.self_register": ("新姓名登录时自动建立顾问账号", "A new name at sign-in creates an advisor"),
    "setting.report.reminder_return_days": ("保养提醒后多少天内来站算作回厂", "A visit within this many days of a maintenance reminder counts as its return"),
    # ---- sign-in with a PIN
    "signin.other_name": ("换个姓名", "Another name"),
    "signin.pin_placeholder": ("PIN（4–8 位数字）", "PIN (4–8 digits)"),
    "signin.pin_help": ("该顾问设有 PIN：输入后按回车。PIN 只保存为加盐散列。", "This advisor has a PIN: type it and press Enter. PINs are kept only as salted hashes."),
    # ---- privacy
    "privacy.export_format": ("导出文件的扩展名应为：{formats}", "The export file must end in one of: {formats}"),
    "privacy.export_failed": ("无法写入 {path}：{reason}", "Cannot write {path}: {reason}"),
    "privacy.xlsx_missing": ("导出 xlsx 需要 openpyxl；请改用 .json 或 .csv", "xlsx export needs openpyxl; use .json or .csv"),
    "privacy.consent_yes": ("已记录：客户同意接收营销信息", "Recorded: the customer agrees to marketing"),
    "privacy.consent_no": ("已记录：客户不接收营销信息，已移出营销清单", "Recorded: no marketing; the customer has left the marketing lists"),
    "privacy.anonymised": ("档案已匿名化：个人信息已清除，工单和费用保留", "The archive is anonymised: personal data erased, work orders and fees kept"),
    "privacy.exported": ("已导出客户本人档案：{path}（{rows} 项）", "The customer's own archive was exported: {path} ({rows} values)"),
}
TEXTS.update({
    "report.bad_period": ("结束日期 {end} 早于开始日期 {start}", "The end date {end} is before the start date {start}"),
})
