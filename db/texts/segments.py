"""Texts of the six classifications: each segment's name, what its customers are like, how
to treat them (domain.md, restated in the program's own words)."""

TEXTS = {
    # ---- the six ways of dividing customers
    "segment.kind.age": ("车龄", "Vehicle age"),
    "segment.kind.use": ("用途", "Use"),
    "segment.kind.value": ("价值", "Value"),
    "segment.kind.occupation": ("职业", "Occupation"),
    "segment.kind.region": ("区域", "Region"),
    "segment.kind.class": ("档次", "Class"),
    # ---- vehicle age
    "segment.age.warranty": ("保修期内", "In warranty"),
    "segment.age.warranty.traits": (
        "新车在手，非常在意车况；保养维修几乎都回本站做，对本站依赖大",
        "The car is new and dear to them; nearly all their servicing is done here and they lean on the station"),
    "segment.age.warranty.hint": (
        "本站的基本盘：从第一次保养起养成按时回站的习惯，用每次接待建立信任",
        "The station's base: build the habit of coming back on time from the first service, and earn trust at every visit"),
    "segment.age.mid": ("出保 5 年内", "Out of warranty, ≤5 yrs"),
    "segment.age.mid.traits": (
        "按时保养一年比一年松懈，故障和维修花费却在增加；看重服务质量、流程透明和价格，对积分与优惠有反应",
        "Regular servicing slips year by year while faults and bills grow; they weigh quality, a clear process and price, and answer to points and offers"),
    "segment.age.mid.hint": (
        "营销重点：主动联系，把服务做好，用积分和活动赢得忠诚",
        "The main marketing target: reach out first, serve them well, win loyalty with points and campaigns"),
    "segment.age.old": ("车龄 5 年以上", "Over 5 years old"),
    "segment.age.old.traits": (
        "车接近使用末期，花费降到最低；但遇到大故障或事故，仍会先想到本站",
        "The car nears the end of its life and spending is at its lowest, yet a big fault or an accident still brings them here first"),
    "segment.age.old.hint": (
        "不能放弃：发掘新的兴趣点和更深的需求（如置换、延保、安全检查）",
        "Don't let them go: look for new interests and deeper needs (trade-in, extended cover, safety checks)"),
    # ---- use
    "segment.use.private": ("私家车", "Private car"),
    "segment.use.private.traits": (
        "对质量和价格都敏感；希望服务清楚明白，希望被理解、被尊重",
        "Sensitive to quality and price; wants a service they can follow, and to be understood and respected"),
    "segment.use.private.hint": (
        "用有新意、因人而异的服务打动他们：说明每一项工作和费用",
        "Win them with fresh, personal service: explain every job and every charge"),
    "segment.use.official": ("公务车", "Official car"),
    "segment.use.official.traits": (
        "最看重维修质量，也在意环境、舒适度和员工的礼仪",
        "Repair quality matters most; surroundings, comfort and staff manners matter too"),
    "segment.use.official.hint": (
        "精细作业、严格质检、加做车辆检查，并保持密切的个人联系",
        "Careful work, strict quality checks, extra vehicle checks and close personal contact"),
    "segment.use.commercial": ("营运车", "Commercial car"),
    "segment.use.commercial.traits": (
        "价格、时间和效率第一；对礼仪和环境上的不足比较宽容",
        "Price, time and speed come first; forgiving about manners or surroundings"),
    "segment.use.commercial.hint": (
        "快修快走、价格公道：预约时段、当天交车",
        "Be quick and fairly priced: booked slots, same-day return"),
    # ---- value class
    "segment.value.A": ("A 类·忠诚", "A · loyal"),
    "segment.value.A.traits": (
        "消费多、来得勤、认品牌、付款守信、对偶尔的质量问题能包容",
        "Spends much, comes often, loyal to the brand, pays reliably, forgives the odd quality slip"),
    "segment.value.A.hint": (
        "本站最重要的资源：优先安排，固定顾问跟进，重要节点亲自联系",
        "The station's most important resource: serve first, keep one advisor, call in person at key moments"),
    "segment.value.B": ("B 类·普通", "B · ordinary"),
    "segment.value.B.traits": (
        "按需来站，消费和频次一般，忠诚度还在形成",
        "Comes when needed; average spending and frequency; loyalty still forming"),
    "segment.value.B.hint": (
        "把定期保养变成习惯：提醒准时、推荐保养套餐，争取升为 A 类",
        "Turn regular servicing into a habit: timely reminders, maintenance packages, aim for class A"),
    "segment.value.C": ("C 类·低价值", "C · low value"),
    "segment.value.C.traits": (
        "来得少、花得少，容易流向别处",
        "Comes rarely and spends little; easily drawn elsewhere"),
    "segment.value.C.hint": (
        "问清少来的原因，给出有针对性的优惠，防止流失",
        "Find out why they come so rarely and make a targeted offer before they drift off"),
    "segment.value.D": ("D 类·久未到店", "D · no visit in a year"),
    "segment.value.D.traits": (
        "一年以上没有来站，可能已转去别处",
        "Has not come for over a year; may have gone elsewhere"),
    "segment.value.D.hint": (
        "挽回电话：了解原因，邀请回站做一次免费检查",
        "Win-back call: learn the reason, invite them for a free check"),
    "segment.value.manual": ("手设 {manual}（算得 {computed}）：{reason}", "Set to {manual} (computed {computed}): {reason}"),
    "segment.value.none": ("无", "none"),
    # ---- occupation categories
    "segment.occupation.civil": ("机关事业", "Public sector"),
    "segment.occupation.civil.traits": ("作息规律，重视规范和票据", "Regular hours; values proper procedure and receipts"),
    "segment.occupation.civil.hint": ("预约安排在工作时间外，票据清楚完整", "Book outside office hours; keep invoices complete"),
    "segment.occupation.manager": ("企业管理", "Manager"),
    "segment.occupation.manager.traits": ("时间紧，重视效率和体面", "Short of time; values efficiency and good standing"),
    "segment.occupation.manager.hint": ("预约直达、取送车服务，汇报简明", "Booked slots, pick-up and delivery, brief reports"),
    "segment.occupation.owner": ("经商个体", "Business owner"),
    "segment.occupation.owner.traits": ("精打细算，车常兼作生意用车", "Counts every yuan; the car often works for the business"),
    "segment.occupation.owner.hint": ("讲清性价比，优惠套餐，尽量不耽误生意", "Show value for money, offer packages, keep downtime short"),
    "segment.occupation.professional": ("专业技术", "Professional"),
    "segment.occupation.professional.traits": ("爱问原因，重视专业和透明", "Asks why; values expertise and openness"),
    "segment.occupation.professional.hint": ("讲明检测结果和依据，给出可选方案", "Explain findings and reasons, offer options"),
    "segment.occupation.driver": ("司机运输", "Driver / transport"),
    "segment.occupation.driver.traits": ("车就是收入，停一天少一天钱", "The car is their income; a day off the road is a day unpaid"),
    "segment.occupation.driver.hint": ("早晚时段、快修快保，价格公道", "Early or late slots, fast service, fair prices"),
    "segment.occupation.staff": ("职员工人", "Employee"),
    "segment.occupation.staff.traits": ("在意价格，周末才方便来站", "Price-minded; weekends suit them best"),
    "segment.occupation.staff.hint": ("周末预约，保养套餐和积分", "Weekend bookings, packages and points"),
    "segment.occupation.student": ("学生", "Student"),
    "segment.occupation.student.traits": ("预算有限，常用家里的车", "Small budget; often drives the family car"),
    "segment.occupation.student.hint": ("讲清必要项目，联系车主本人", "Explain what is necessary; involve the car's owner"),
    "segment.occupation.retired": ("退休", "Retired"),
    "segment.occupation.retired.traits": ("时间充裕，重视安全和耐心的讲解", "Has time; values safety and patient explanation"),
    "segment.occupation.retired.hint": ("工作日预约，多做安全检查，讲解耐心", "Weekday bookings, extra safety checks, patient explanations"),
    "segment.occupation.other": ("其他职业", "Other occupation"),
    "segment.occupation.other.traits": ("职业信息不足以归类", "Occupation does not fit a category"),
    "segment.occupation.other.hint": ("接待时多了解客户的工作和用车习惯", "Learn more about their work and driving at the next visit"),
    # ---- region and class
    "segment.region": ("{district}", "{district}"),
    "segment.region.traits": ("住在或工作在 {district}", "Lives or works in {district}"),
    "segment.region.hint": ("按区域安排上门服务、区域活动和路线", "Plan mobile service, local events and routes by district"),
    "segment.class.economy": ("经济型", "Economy"),
    "segment.class.economy.traits": ("车价不高，对维修价格最敏感", "A modest car; most sensitive to repair prices"),
    "segment.class.economy.hint": ("透明报价、经济配件可选、保养套餐", "Clear quotes, economy parts on offer, packages"),
    "segment.class.mid": ("中级车", "Mid-range"),
    "segment.class.mid.traits": ("兼顾品质和价格", "Balances quality and price"),
    "segment.class.mid.hint": ("原厂品质加合理价格，推荐延保", "Genuine quality at fair prices; suggest extended cover"),
    "segment.class.premium": ("豪华车", "Premium"),
    "segment.class.premium.traits": ("期待与车价相称的体验", "Expects an experience worthy of the car"),
    "segment.class.premium.hint": ("专人接待、取送车、休息区和细致交车", "Personal reception, pick-up and delivery, lounge, careful hand-over"),
    # ---- manual value class
    "segment.value.bad_class": ("价值类别只能是 A、B、C、D", "The value class is one of A, B, C, D"),
    "segment.value.reason_needed": ("手动设定价值类别时请写明理由", "Give a reason when setting the value class by hand"),
    "segment.unknown": ("未知的分类：{spec}", "Unknown segment: {spec}"),
    "segment.none": ("还没有选择细分：请至少选择一个", "No segment chosen: choose at least one"),
}
