"""What the demo station is made of: names, places, cars, jobs and parts.

The station is a 一汽-大众 dealership in 成都. Its own cars carry the brand; customers
also bring other brands bought elsewhere. Weights are rough shares, not statistics.
Everything here is data; ``db.demo.people``/``cars``/``visits`` draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY = "成都市"

# Surname, weight (per mille, roughly the national shares). Heteronyms (单, 曾, 解, 仇,
# 乐, 查, 翟, 瞿, 覃) exercise the pinyin keys' surname readings.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 20), ("吴", 19), ("周", 19), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13),
    ("胡", 12), ("郭", 11), ("何", 11), ("林", 10), ("罗", 10), ("高", 10), ("郑", 8),
    ("梁", 8), ("谢", 7), ("宋", 7), ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6),
    ("曹", 6), ("彭", 6), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5), ("袁", 5), ("潘", 4),
    ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3),
    ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 2),
    ("廖", 2), ("贾", 2), ("夏", 2), ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2),
    ("孟", 2), ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2),
    ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2),
    ("武", 2), ("戴", 2), ("覃", 1), ("莫", 1), ("孔", 1), ("向", 1), ("汤", 1),
    ("单", 0.5), ("解", 0.5), ("仇", 0.3), ("乐", 0.3), ("查", 0.3), ("翟", 0.5), ("瞿", 0.3),
    # compound surnames (复姓)
    ("欧阳", 1.2), ("司马", 0.5), ("诸葛", 0.5), ("上官", 0.5), ("东方", 0.3), ("皇甫", 0.3),
    ("尉迟", 0.2), ("长孙", 0.2), ("令狐", 0.2), ("慕容", 0.2), ("司徒", 0.3), ("夏侯", 0.2),
    ("公孙", 0.2), ("端木", 0.1),
)

# Given names: one character, or a first character and a last one. ``GIVEN_NAMES`` keeps a
# fixed few hundred per sex, as real names repeat: a million customers then share some
# 40,000 full names, whose pinyin keys stay in db.search's cache.
GIVEN_LAST = {
    "M": "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文海东峰亮成博",
    "F": "芳娜敏静丽艳娟霞秀英玲婷雪慧颖琳晶洁燕红梅兰倩丹萍蓉欣悦怡佳璐瑶琪月莉薇",
}
GIVEN_FIRST = {
    "M": "建志文晓小海永子俊宇浩一嘉天明国春学家德金振",
    "F": "晓小雨佳思梓欣嘉一秀玉春丽美雪婉诗梦可海",
}

GIVEN_PER_SEX = 180


def _given_names(sex: str) -> tuple[str, ...]:
    last, first = GIVEN_LAST[sex], GIVEN_FIRST[sex]
    doubles = [f + l for f in first for l in last if f != l]
    step = max(1, len(doubles) // (GIVEN_PER_SEX - len(last)))
    return tuple(last) + tuple(doubles[::step][: GIVEN_PER_SEX - len(last)])


GIVEN_NAMES = {sex: _given_names(sex) for sex in GIVEN_LAST}

# 成都's districts: (name, ID-number region code, streets)
DISTRICTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("锦江区", "510104", ("春熙路", "东大街", "书院街", "静安路", "锦华路")),
    ("青羊区", "510105", ("人民中路", "金河路", "光华大道", "青华路", "顺城大街")),
    ("金牛区", "510106", ("一环路北段", "沙湾路", "茶店子路", "营门口路", "金府路")),
    ("武侯区", "510107", ("科华北路", "玉林路", "倪家桥路", "武侯大道", "佳灵路")),
    ("成华区", "510108", ("建设路", "二仙桥东路", "双林路", "府青路", "龙潭路")),
    ("龙泉驿区", "510112", ("驿都大道", "龙都南路", "星光东路", "平安路")),
    ("青白江区", "510113", ("大弯路", "凤凰大道", "华严路")),
    ("新都区", "510114", ("新都大道", "蜀龙大道", "桂湖路", "斑竹园路")),
    ("温江区", "510115", ("柳城大道", "光华大道三段", "凤溪大道", "德通桥路")),
    ("双流区", "510116", ("棠湖路", "航空港大道", "东升街", "双楠大道")),
    ("郫都区", "510117", ("望丛路", "创智路", "德源大道", "红光大道")),
    ("新津区", "510118", ("五津路", "兴园大道", "希望路")),
)
DISTRICT_WEIGHTS = (11, 12, 12, 16, 12, 7, 3, 7, 6, 8, 4, 2)

# People born elsewhere keep the region code of their birthplace.
OTHER_REGIONS = ("510703", "510603", "511302", "511102", "500103", "500112", "530102",
                 "610113", "520102", "420106", "110105", "440305", "330106", "410105",
                 "430104", "620102", "511602", "513401")
LOCAL_BIRTH_SHARE = 0.72

# Mobile prefixes in the current number plan.
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "153", "155", "157", "158", "159", "166", "173", "176",
                   "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                   "191", "198", "199", "147", "178")


@dataclass(frozen=True)
class Job:
    """An occupation with where such people work; usage: the use their car mostly has."""

    occupation: str
    employers: tuple[str, ...]
    weight: float
    usage: str = "private"


OCCUPATIONS: tuple[Job, ...] = (
    Job("教师", ("成都市第七中学", "四川大学", "成都市实验小学", "西南财经大学"), 7),
    Job("医生", ("四川大学华西医院", "成都市第三人民医院", "四川省人民医院"), 4),
    Job("护士", ("四川省人民医院", "成都市妇女儿童中心医院"), 3),
    Job("工程师", ("中国电子科技集团第十研究所", "成都京东方光电", "中铁二局", "东方电气"), 9),
    Job("软件工程师", ("腾讯成都分公司", "字节跳动成都", "华为成都研究所", "极米科技"), 7),
    Job("销售经理", ("成都红旗连锁", "四川长虹", "通威集团", "新希望集团"), 7),
    Job("会计", ("成都银行", "四川华信会计师事务所", "成都地铁"), 5),
    Job("律师", ("泰和泰律师事务所", "北京中伦（成都）律师事务所"), 2),
    Job("银行职员", ("中国银行成都分行", "成都农商银行", "招商银行成都分行"), 4),
    Job("公务员", ("成都市武侯区人民政府", "成都市税务局", "四川省交通运输厅"), 5),
    Job("个体经营", ("自营火锅店", "自营茶馆", "自营建材店", "自营服装店"), 10),
    Job("企业主", ("成都锦程商贸有限公司", "四川蜀道建材有限公司", "成都天府印务有限公司"), 5),
    Job("设计师", ("成都知几设计", "中国建筑西南设计研究院"), 3),
    Job("自由职业", ("",), 4),
    Job("退休", ("",), 5),
    Job("行政主管", ("四川省交通运输厅", "成都市国有资产投资公司", "中国电信成都分公司"), 4, "official"),
    Job("公司司机", ("成都兴城集团", "四川能投集团", "成都市公安局武侯分局"), 5, "official"),
    Job("出租车司机", ("成都出租汽车有限公司", "成都新蜀都出租车公司"), 4, "commercial"),
    Job("网约车司机", ("滴滴出行（加盟）", "T3出行（加盟）", "曹操出行（加盟）"), 4, "commercial"),
    Job("物流司机", ("顺丰速运成都分公司", "京东物流成都", "德邦物流"), 2, "commercial"),
)

HOBBIES = ("钓鱼", "自驾游", "摄影", "篮球", "羽毛球", "登山", "打麻将", "喝茶", "跑步", "烹饪",
           "读书", "高尔夫", "游泳", "露营", "书法", "看球赛")
EDUCATION = (("初中", 8), ("高中", 16), ("中专", 8), ("大专", 24), ("本科", 34), ("硕士", 8),
             ("博士", 2))
INCOME = (("月收入5千以下", 12), ("月收入5千–1万", 38), ("月收入1万–2万", 32),
          ("月收入2万–5万", 14), ("月收入5万以上", 4))
INTERESTS = ("保养套餐", "延保", "钣金喷漆", "美容装饰", "二手车置换", "续保", "代步车",
             "上门取送车", "轮胎优惠", "新车试驾")
# Payment methods (codes): how a customer usually pays; account = company monthly account.
PAY_PRIVATE = (("wechat", 40), ("alipay", 25), ("card", 25), ("cash", 10))
PAY_OFFICIAL = (("account", 60), ("transfer", 25), ("card", 15))
PAY_COMMERCIAL = (("wechat", 55), ("alipay", 30), ("cash", 15))
CONSENT_CHANNELS = ("desk", "paper", "wechat")

COLORS = (("白色", 34), ("黑色", 24), ("银色", 12), ("灰色", 13), ("蓝色", 7), ("红色", 5),
          ("棕色", 3), ("绿色", 2))


@dataclass(frozen=True)
class CarModel:
    brand: str
    model: str
    wmi: str
    vds: str  # positions 4-8 of the VIN, distinct per model
    vehicle_class: str  # economy | mid | premium
    energy: str  # petrol | hybrid (F plate) | electric (D plate)
    engine: str  # engine-number prefix
    gearbox: str  # transmission-number prefix
    own: float  # weight among cars sold here (0: not sold by this station)
    other: float  # weight among cars bought elsewhere
    fleet: float = 0  # weight among commercial (taxi, ride-hailing) cars


MODELS: tuple[CarModel, ...] = (
    CarModel("一汽-大众", "宝来", "LFV", "2A1BU", "economy", "petrol", "DJS", "DQ200", 15, 8, 3),
    CarModel("一汽-大众", "速腾", "LFV", "2A2BS", "mid", "petrol", "DTA", "DQ200", 17, 8, 1),
    CarModel("一汽-大众", "高尔夫", "LFV", "2A3GF", "mid", "petrol", "DLF", "DQ200", 6, 3),
    CarModel("一汽-大众", "探歌", "LFV", "2B1TG", "mid", "petrol", "DTA", "DQ200", 6, 2),
    CarModel("一汽-大众", "探岳", "LFV", "2B2TY", "mid", "petrol", "DKX", "DQ381", 9, 4),
    CarModel("一汽-大众", "迈腾", "LFV", "3A1MT", "premium", "petrol", "DKX", "DQ381", 11, 5),
    CarModel("一汽-大众", "CC", "LFV", "3A2CC", "premium", "petrol", "DKV", "DQ381", 3, 1),
    CarModel("一汽-大众", "探岳GTE", "LFV", "2B3GE", "mid", "hybrid", "DJZ", "DQ400E", 2, 1),
    CarModel("一汽-大众", "ID.4 CROZZ", "LFV", "4E1D4", "mid", "electric", "EBJ", "EQ400", 5, 1, 1),
    CarModel("一汽-大众", "ID.6 CROZZ", "LFV", "4E2D6", "premium", "electric", "EBJ", "EQ400", 1, 0.5),
    CarModel("一汽-大众", "捷达", "LFV", "1A1JD", "economy", "petrol", "CLS", "MQ200", 0, 6, 3),
    CarModel("一汽奥迪", "A4L", "LFV", "5A4LA", "premium", "petrol", "DTA", "DL382", 0, 5),
    CarModel("上汽大众", "朗逸", "LSV", "AB41L", "economy", "petrol", "CSS", "DQ200", 0, 8, 3),
    CarModel("比亚迪", "秦PLUS DM-i", "LC0", "C4CRP", "economy", "hybrid", "BYD", "EHS", 0, 5, 3),
    CarModel("比亚迪", "汉EV", "LC0", "C8EHN", "mid", "electric", "TZ220", "BYDEV", 0, 2, 2),
    CarModel("特斯拉", "Model 3", "LRW", "3E7M3", "premium", "electric", "3D3", "TSLA1", 0, 3),
    CarModel("广汽丰田", "凯美瑞", "LVG", "B1KMR", "mid", "petrol", "A25A", "UB80E", 0, 4),
    CarModel("东风日产", "轩逸", "LGB", "F2XY1", "economy", "petrol", "HR16", "CVT8", 0, 6, 4),
    CarModel("吉利汽车", "帝豪", "LB3", "7DH15", "economy", "petrol", "JLC", "CVT25", 0, 4, 1),
    CarModel("长安汽车", "CS75", "LS5", "A3C75", "economy", "petrol", "JL476", "6AT", 0, 3),
    CarModel("华晨宝马", "3系", "LBV", "5R3SB", "premium", "petrol", "B48", "ZF8HP", 0, 3),
    CarModel("北京奔驰", "C级", "LE4", "ZF4CJ", "premium", "petrol", "M264", "9GT", 0, 3),
    CarModel("上汽通用五菱", "宏光MINIEV", "LZW", "ADAM1", "economy", "electric", "ZM", "EVT1", 0, 2),
)
# Official cars favour these models.
OFFICIAL_MODELS = ("迈腾", "A4L", "凯美瑞", "速腾", "探岳", "ID.4 CROZZ")

# Plates: (prefix, weight); 川A is 成都.
PLATE_PREFIXES = (("川A", 780), ("川B", 20), ("川F", 25), ("川R", 10), ("川J", 10),
                  ("渝A", 25), ("渝B", 15), ("京A", 8), ("沪A", 5), ("粤A", 8), ("粤B", 6),
                  ("陕A", 15), ("贵A", 15), ("云A", 15), ("甘A", 8), ("鄂A", 10),
                  ("浙A", 10), ("苏A", 8), ("湘A", 7))

# ---------------------------------------------------------------- work and parts
# Prices in yuan for a mid-class car; class factors scale them.
CLASS_PRICE = {"economy": 0.8, "mid": 1.0, "premium": 1.7}

# (name, quantity, unit price)
OIL_CHANGE = (("机油（5W-30 全合成）", 4, 78.0), ("机油滤清器", 1, 45.0))
AIR_FILTERS = (("空气滤清器", 1, 85.0), ("空调滤清器", 1, 95.0))
LONG_SERVICE = (("火花塞", 4, 68.0), ("制动液", 1, 138.0))
EV_SERVICE = (("空调滤清器", 1, 95.0), ("冷却液检测补充", 1, 60.0))

# Repairs: (asked for, work done, parts, labour)
REPAIRS: tuple[tuple[str, str, tuple[tuple[str, int, float], ...], int], ...] = (
    ("刹车有异响", "更换前刹车片，清洁制动卡钳", (("前刹车片（套）", 1, 480.0),), 200),
    ("早上无法启动", "检测电瓶亏电，更换蓄电池", (("蓄电池 60Ah", 1, 650.0),), 50),
    ("空调不制冷", "检漏，更换膨胀阀，加注冷媒", (("膨胀阀", 1, 380.0), ("R134a 冷媒", 1, 150.0)), 300),
    ("轮胎鼓包", "更换轮胎并做动平衡", (("轮胎 215/55 R17", 1, 720.0),), 80),
    ("雨刮刮不干净", "更换前雨刮片", (("雨刮片", 2, 85.0),), 0),
    ("发动机故障灯亮", "读取故障码，更换点火线圈", (("点火线圈", 1, 420.0),), 260),
    ("过减速带底盘异响", "更换前减震器", (("前减震器", 2, 780.0),), 600),
    ("换挡顿挫", "更换变速箱油并做自适应匹配", (("变速箱油", 6, 98.0),), 380),
    ("右后车窗升降异常", "更换玻璃升降器", (("玻璃升降器", 1, 520.0),), 240),
    ("左前大灯不亮", "更换大灯灯泡", (("大灯灯泡", 1, 120.0),), 50),
    ("方向盘跑偏", "四轮定位", (), 260),
    ("冷却液报警", "更换水泵，补充冷却液", (("水泵", 1, 680.0), ("冷却液", 2, 65.0)), 450),
)
# Accidents: (asked for, work done, parts, body work from, to)
ACCIDENTS = (
    ("前保险杠刮擦", "前保险杠钣金喷漆", (), 450, 900),
    ("倒车撞到柱子，后保险杠破损", "更换后保险杠并喷漆", (("后保险杠", 1, 1300.0),), 600, 1100),
    ("左侧车门凹陷", "左前门钣金喷漆", (), 500, 1200),
    ("追尾，前大灯碎裂", "更换前大灯与中网，前部喷漆", (("前大灯总成", 1, 2600.0), ("中网", 1, 680.0)), 900, 1500),
)
OTHER_JOBS = (
    ("代办年检", "年检预检并代办", 0, 200),
    ("洗车打蜡", "精洗并打蜡", 0, 180),
    ("全车检测", "出行前安全检查", 0, 0),
)
DECLINED = ("建议更换刹车片（剩余约 3 毫米），客户暂不更换", "建议做四轮定位，客户下次再做",
            "建议清洗节气门，客户暂不需要", "建议更换轮胎（胎纹接近磨损标记），客户自行购买",
            "建议更换蓄电池（电压偏低），客户暂不更换", "建议更换制动液（含水量超标），客户下次再做")

# ---------------------------------------------------------------- contacts
TRAITS = ("说话直接，重视价格", "时间紧，希望快修快取", "爱车细心，每次都问得很细",
          "喜欢微信沟通，不爱接电话", "对服务环境要求高", "信任固定的服务顾问", "好说话，容易沟通",
          "对报价敏感，常比价", "关注保养套餐优惠", "注重安全，重视检测结果")
EVENTS = ("等车时间过长曾投诉，已道歉并赠送洗车", "送来感谢信表扬服务", "雨天道路救援及时，客户很满意",
          "推荐朋友来店购车", "对一次维修结果不满意，返修后满意", "生日当天来店，赠送小礼品")
TAGS = ("价格敏感", "时间紧", "爱车", "微信优先", "老客户", "要求高", "公司车", "介绍人", "需代步车")
FOLLOW_UP_NOTES = ("对本次服务满意", "满意，提醒下次保养时间", "反映等待时间偏长", "车辆使用正常",
                   "对洗车质量有意见", "非常满意，表扬服务顾问")

# ---------------------------------------------------------------- prospects
PROSPECT_CARS = ("丰田 卡罗拉 2019款", "本田 雅阁 2018款", "大众 朗逸 2020款", "日产 轩逸 2021款",
                 "别克 英朗 2017款", "哈弗 H6 2019款", "大众 速腾 2016款", "宝马 3系 2018款")
PROSPECT_SOURCES = ("小区推广活动", "朋友介绍", "抖音广告", "路过门店", "车友会", "保险公司推荐")
PROSPECT_INTERESTS = ("保养套餐", "钣金喷漆", "二手车置换", "延保", "续保优惠", "轮胎优惠")
PROSPECT_STEPS = ("电话介绍保养套餐", "发送到店礼券", "邀请参加车主讲堂", "预约到店检测")

ADVISORS = ("刘晓燕", "陈志强", "王俊", "赵婷", "黄海峰", "周敏", "杨帆", "李娜")
