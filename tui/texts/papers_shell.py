"""Texts of the papers' shell commands: ``advisor order`` and ``advisor health-record``."""

TEXTS = {
    "cli.order.help": ("打印工单的接车单或结算单（PDF 文件或门店打印机）",
                       "print a work order's reception order or settlement statement (a PDF file or the station's printer)"),
    "cli.order.work_order": ("工单号", "the work-order number"),
    "cli.order.settlement": ("结算单（未结算的工单此时结算：编号与日期）",
                             "the settlement statement (a work order not yet settled is settled now: number and date)"),
    "cli.order.pdf": ("写成这个 PDF 文件；不写则送到设置的打印机或打印目录",
                      "write this PDF file; without it, to the printer or print folder set in the settings"),
    "cli.order.paper.order": ("接车单", "Reception order"),
    "cli.order.paper.settlement": ("结算单", "Settlement statement"),
    "cli.order.written": ("{paper}已存为 {path}", "{paper} saved as {path}"),
    "cli.order.printed": ("{paper}已送到打印机 {printer}", "{paper} sent to the printer {printer}"),
    "cli.health.help": ("导出维修电子健康档案（已结算的工单，仅限经理）",
                        "export the repair health record (settled work orders; managers only)"),
    "cli.health.file": ("输出文件，.csv 或 .json", "the output file, .csv or .json"),
    "cli.health.from": ("结算日期从这天起", "settled on or after this day"),
    "cli.health.to": ("结算日期到这天止", "settled on or before this day"),
    "cli.health.done": ("已导出 {visits} 次结算（{rows} 行）到 {path}", "{visits} settled visits ({rows} rows) exported to {path}"),
    "cli.health.no_company": ("注意：设置里没有门店名称（store.name），“企业名称”一栏为空",
                              "Note: no store name is set (store.name), so the company column is empty"),
}
