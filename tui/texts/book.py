"""Texts of the appointment book that only the interface and the shell show."""

TEXTS = {
    "book.channel.phone": ("电话", "phone"),
    "book.channel.walk_in": ("到店", "walk-in"),
    "book.channel.call_list": ("回访名单", "call list"),
    "book.channel.wechat": ("微信", "WeChat"),
    "book.any_advisor": ("任一顾问", "any advisor"),
    # ---- shell
    "cli.book.help": ("预约：把一辆车约到某个时段", "Book a car into a slot"),
    "cli.book.at": ("预约时间，写成“年-月-日 时:分”", "the slot's start, “YYYY-MM-DD HH:MM”"),
    "cli.book.for": ("约给哪位顾问（不写：任一顾问）", "the advisor it is booked for (any when left out)"),
    "cli.book.note": ("客户的要求", "what the customer asks for"),
    "cli.book.json": ("以 JSON 输出", "print JSON"),
    "cli.appointments.help": ("某天的预约；或取消一个预约", "A day's appointments, or cancel one"),
    "cli.appointments.day": ("哪一天（默认今天）", "which day (default today)"),
    "cli.appointments.cancel": ("取消这个编号的预约", "cancel the appointment with this number"),
    "cli.appointments.reason": ("取消的原因", "why it is cancelled"),
    "cli.appointments.none": ("{day} 没有预约", "No appointments on {day}"),
}
