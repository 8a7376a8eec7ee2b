"""Texts of the appointment book (预约) that db/ itself shows: refusals, states, settings."""

TEXTS = {
    # ---- states and channels
    "book.status.booked": ("已预约", "booked"),
    "book.status.confirmed": ("已确认", "confirmed"),
    "book.status.arrived": ("已到店", "arrived"),
    "book.status.no_show": ("未到店", "no-show"),
    "book.status.cancelled": ("已取消", "cancelled"),
    "book.moved": ("改期", "moved"),
    # ---- refusals
    "book.at_bad": ("预约时间“{text}”应写成 年-月-日 时:分，例如 2026-12-01 09:00",
                    "Write the time as YYYY-MM-DD HH:MM, e.g. 2026-12-01 09:00 (not “{text}”)"),
    "book.off_grid": ("{at} 不是时段的开始：每 {minutes} 分钟一个时段", "{at} does not start a slot: slots are {minutes} minutes long"),
    "book.closed": ("{at} 不在营业时间内（{opens}–{closes}）", "{at} is outside opening hours ({opens}–{closes})"),
    "book.past": ("{at} 已经过去，不能预约", "{at} has passed: it cannot be booked"),
    "book.full": ("{at} 已约满（每个时段 {cars} 辆）。最近的空位：{free}", "{at} is full ({cars} cars a slot). Nearest free: {free}"),
    "book.advisor_full": ("{name} 在 {day} 已约满（每天 {cars} 辆）。最近的空位：{free}",
                          "{name} is fully booked on {day} ({cars} cars a day). Nearest free: {free}"),
    "book.none_free": ("近几天没有空位", "none in the days around it"),
    "book.channel_bad": ("未知的预约方式：{channel}", "Unknown booking channel: {channel}"),
    "book.no_car": ("这辆车已不在档案中", "That car is no longer in the archive"),
    "book.no_owner": ("{plate} 没有登记车主，不能预约", "{plate} has no owner on file: it cannot be booked"),
    "book.not_found": ("没有编号为 {id} 的预约", "There is no appointment number {id}"),
    "book.state_bad": ("预约 {id} {status}，不能再改为“{to}”", "Appointment {id} is {status}: it cannot become “{to}”"),
    "book.query_none": ("“{query}”没有找到车辆", "No car found for “{query}”"),
    "book.query_several": ("“{query}”找到 {count} 辆车（{cars}）：请写得更具体，例如完整车牌",
                           "“{query}” finds {count} cars ({cars}): be more precise, e.g. the whole plate"),
    "book.advisor_unknown": ("没有名为“{name}”的在职顾问", "No active advisor is called “{name}”"),
    "book.car_booked": ("{plate} 已约在 {at}：要换时间请改期", "{plate} is already booked at {at}: move that booking instead"),
    "book.action.overbook": ("超额预约", "overbook a slot"),
    # ---- audit
    "audit.action.appointment": ("预约", "Booking"),
    # ---- settings
    "setting.book.slot_minutes": ("预约：每个时段的分钟数", "Booking: minutes per slot"),
    "setting.book.opens": ("预约：开始营业（时:分）", "Booking: opening time (HH:MM)"),
    "setting.book.closes": ("预约：结束营业（时:分）", "Booking: closing time (HH:MM)"),
    "setting.book.cars_per_slot": ("预约：每个时段可接几辆车", "Booking: cars per slot"),
    "setting.book.per_advisor_day": ("预约：每位顾问每天可接几辆车", "Booking: cars per advisor per day"),
    "setting.book.confirm_from_days": ("预约确认：提前几天起列入", "Confirmations: from this many days ahead"),
    "setting.book.confirm_to_days": ("预约确认：最多提前几天", "Confirmations: up to this many days ahead"),
    "setting.book.no_show_minutes": ("超过预约时间几分钟未到算爽约", "Minutes after the slot before a booking is a no-show"),
    "setting.book.free_days_searched": ("约满时在前后几天内找空位", "A full slot: look for free slots this many days either side"),
}
