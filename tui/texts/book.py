"""Texts of the appointment book that only the interface and the shell show."""

TEXTS = {
    "book.channel.phone": ("电话", "phone"),
    "book.channel.walk_in": ("到店", "walk-in"),
    "book.channel.call_list": ("回访名单", "call list"),
    "book.channel.wechat": ("微信", "WeChat"),
}
