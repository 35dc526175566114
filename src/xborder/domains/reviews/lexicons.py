"""Hand-written word lists (English and Simplified Chinese): aspects, stop words, scenarios, needs, emotions.

Written for xborder (Apache-2.0); no third-party lexicon is copied. Aspect keywords are lemmas
(see :func:`xborder.domains.reviews.text.lemma`); Chinese keywords are matched as substrings.
"""

from __future__ import annotations

__all__ = [
    "ASPECTS",
    "ASPECT_NAMES_ZH",
    "CUE_NAMES_ZH",
    "EN_STOPWORDS",
    "ZH_STOPWORDS",
    "PHRASE_MODIFIERS",
    "SCENARIOS",
    "NEEDS",
    "EMOTIONS",
    "ZH_POSITIVE",
    "ZH_NEGATIVE",
    "ZH_NEGATORS",
]


# aspect -> (English lemmas or multi-word lemma phrases, Chinese substrings)
# fmt: off
ASPECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "size": (
        ("size", "small", "large", "big", "tiny", "huge", "petite", "xl", "xs", "runs small", "runs large",
         "size up", "size down", "dimension"),
        ("尺码", "尺寸", "大小", "偏大", "偏小", "码数", "太大", "太小"),
    ),
    "fit": (
        ("fit", "tight", "loose", "snug", "baggy", "boxy", "waist", "hip", "bust", "length", "short", "long",
         "inseam", "shoulder"),
        ("合身", "版型", "紧", "松", "腰", "袖", "裤长", "肩"),
    ),
    "material": (
        ("material", "fabric", "cotton", "polyester", "plastic", "metal", "wood", "leather", "silk", "wool",
         "linen", "thin", "thick", "sheer", "see through", "lining", "texture", "rubber", "glass"),
        ("材质", "面料", "布料", "塑料", "金属", "做工", "料子", "薄", "厚", "透"),
    ),
    "quality": (
        ("quality", "cheap", "cheaply", "well made", "poorly made", "defective", "flimsy", "sturdy", "solid",
         "construction", "stitching", "seam"),
        ("质量", "品质", "做工", "次品", "瑕疵", "假货", "正品"),
    ),
    "durability": (
        ("durable", "durability", "break", "broke", "broken", "crack", "tear", "rip", "fall apart",
         "stop working", "stopped working", "die", "died", "last", "wear out", "hole", "pill", "pilling",
         "fade", "faded"),
        ("坏了", "坏", "耐用", "断", "裂", "破", "掉色", "起球", "用了几天", "寿命"),
    ),
    "noise": (
        ("noise", "noisy", "loud", "quiet", "silent", "buzz", "hum", "rattle", "squeak"),
        ("噪音", "声音大", "吵", "静音", "响声", "异响"),
    ),
    "battery": (
        ("battery", "charge", "charger", "charging", "power", "recharge", "battery life", "drain"),
        ("电池", "充电", "续航", "待机", "耗电", "电量"),
    ),
    "sound": (
        ("sound", "speaker", "audio", "bass", "volume", "music"),
        ("音质", "音效", "音量", "喇叭"),
    ),
    "connectivity": (
        ("wifi", "wi fi", "bluetooth", "connect", "connection", "pair", "app", "setup", "set up", "signal",
         "internet", "network"),
        ("连接", "蓝牙", "网络", "信号", "无线"),
    ),
    "performance": (
        ("slow", "fast", "speed", "lag", "crash", "freeze", "responsive", "performance", "respond"),
        ("卡", "慢", "死机", "反应", "速度", "运行", "流畅"),
    ),
    "screen": (
        ("screen", "display", "resolution", "touchscreen", "brightness"),
        ("屏幕", "屏", "分辨率", "显示"),
    ),
    "delivery": (
        ("delivery", "deliver", "shipping", "ship", "arrive", "arrived", "late", "package arrive", "courier"),
        ("物流", "快递", "发货", "送货", "到货", "配送", "包邮"),
    ),
    "packaging": (
        ("packaging", "package", "box", "packed", "wrap", "wrapping", "damaged box"),
        ("包装", "盒子", "箱子", "外包装"),
    ),
    "price": (
        ("price", "expensive", "value", "worth", "overpriced", "money", "cost", "deal", "bargain",
         "affordable", "pricey", "sale"),
        ("价格", "价钱", "贵", "便宜", "性价比", "划算", "值得", "实惠"),
    ),
    "customer service": (
        ("customer service", "service", "support", "refund", "return", "returned", "seller", "warranty",
         "replacement", "exchange", "staff"),
        ("客服", "售后", "退货", "退款", "换货", "服务", "态度"),
    ),
    "ease of use": (
        ("easy", "easy to use", "difficult", "hard to use", "complicated", "instruction", "manual",
         "user friendly", "intuitive", "confusing", "install", "assemble", "assembly"),
        ("方便", "简单", "好用", "难用", "复杂", "说明书", "安装", "操作"),
    ),
    "comfort": (
        ("comfortable", "comfy", "uncomfortable", "soft", "itchy", "scratchy", "cozy", "breathable",
         "comfort"),
        ("舒服", "舒适", "柔软", "硬", "扎", "透气"),
    ),
    "smell": (
        ("smell", "odor", "odour", "scent", "stink", "fragrance", "chemical smell"),
        ("味道", "气味", "异味", "香味", "臭"),
    ),
    "appearance": (
        ("color", "colour", "look", "style", "design", "pattern", "print", "cute", "pretty", "beautiful",
         "ugly", "flattering", "picture", "photo"),
        ("颜色", "外观", "款式", "好看", "漂亮", "样子", "图片", "色差"),
    ),
    "taste": (
        ("taste", "flavor", "flavour", "fresh", "stale", "sweet", "sour"),
        ("口感", "味道", "新鲜", "好吃", "难吃", "甜", "酸"),
    ),
    "cleanliness": (
        ("clean", "dirty", "wash", "washing", "stain", "hygiene"),
        ("干净", "脏", "卫生", "清洗"),
    ),
    "heat": (
        ("hot", "heat", "warm", "overheat", "temperature", "cold"),
        ("发热", "发烫", "温度", "热水", "加热", "烫"),
    ),
}
# fmt: on

# Chinese aspect names (review_aspects.aspect_zh, improvement_opportunities.aspect_zh and the Chinese summaries):
# vocabulary the lexicons define, kept here as data; the sentences around them are in the message catalogue.
# fmt: off
ASPECT_NAMES_ZH: dict[str, str] = {
    "size": "尺码", "fit": "合身度", "material": "材质", "quality": "质量", "durability": "耐用性", "noise": "噪音",
    "battery": "电池续航", "sound": "音质", "connectivity": "连接", "performance": "性能", "screen": "屏幕",
    "delivery": "物流配送", "packaging": "包装", "price": "价格", "customer service": "客服售后",
    "ease of use": "易用性", "comfort": "舒适度", "smell": "气味", "appearance": "外观", "taste": "口味",
    "cleanliness": "清洁卫生", "heat": "温度发热",
}
# fmt: on

# Chinese names of the needs, scenarios and emotions below. Like ASPECT_NAMES_ZH these are vocabulary (data
# the lexicons define), not prose: sentences live in the message catalogue (domains/reviews/messages/).
CUE_NAMES_ZH: dict[str, str] = {
    "reliability": "可靠耐用",
    "right size / fit": "尺码合适",
    "comfort": "舒适",
    "good value": "性价比",
    "convenience": "方便",
    "quiet": "安静",
    "looks / style": "外观款式",
    "fast delivery": "快速送达",
    "long battery life": "续航长",
    "night / sleep": "夜间/睡眠",
    "travel": "旅行",
    "kitchen / cooking": "厨房烹饪",
    "work / office": "上班/办公",
    "children / family": "孩子/家人",
    "gift": "送礼",
    "outdoor / sport": "户外运动",
    "wedding / event": "婚礼/活动",
    "everyday use": "日常使用",
    "music / entertainment": "音乐娱乐",
    "delight": "喜悦",
    "disappointment": "失望",
    "frustration": "烦躁",
    "anger": "愤怒",
    "relief / trust": "放心/信任",
    "surprise": "惊讶",
}

# Words that may start or sit inside a phrase although they carry little meaning alone.
PHRASE_MODIFIERS = frozenset({"not", "no", "never", "too", "very", "so", "really", "cannot"})

EN_STOPWORDS = (
    frozenset(
        """a about above after again against all also am an and any are as at be because been before being
    below between bit both but by can could did didn't didnt do does doesn't doesnt doing don't dont
    down during each eight even few first five for four from further get got had has have having he
    her here hers herself him himself his how i i'd i'm i've id if im in into is isn't isnt it it's
    its itself ive just let like lot many may me might more most much must my myself nine nor now of
    off on once one only or other our ours ourselves out over own same second seven shall she should
    six some still such ten than that the their theirs them themselves then there these they thing
    this those three through to two under until up us wasn't wasnt way we were what when where which
    while who whom why will with would you your yours yourself yourselves""".split()
    )
    - PHRASE_MODIFIERS
)

ZH_STOPWORDS = frozenset(
    """一下 一个 一些 一样 一点 一直 与 东西 个 为 么 之 也 了 于 什么 从 他 以 们 但 但是 你 再 又 及
    只 可以 吗 吧 呀 呢 和 哦 啊 啦 嘛 因为 在 地 她 如果 它 对 就 就是 已经 并 很 得 怎么
    感觉 我 我们 所以 才 把 挺 时候 是 更 最 有 有点 比较 没有 然后 特别 的 真的 着 知道 给 而
    而且 自己 蛮 被 觉得 让 过 还 还是 还有 这 这个 这么 这样 那 那个 那么 都 非常""".split()
)

# usage scenario -> (English cues, Chinese cues)
# fmt: off
SCENARIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "night / sleep": (
        ("at night", "bedroom", "sleep", "bedtime"),
        ("晚上", "睡觉", "夜里", "卧室"),
    ),
    "travel": (
        ("travel", "trip", "vacation", "flight", "luggage"),
        ("旅行", "出差", "旅游", "出门"),
    ),
    "kitchen / cooking": (
        ("kitchen", "cook", "cooking", "recipe"),
        ("厨房", "做饭", "烹饪"),
    ),
    "work / office": (
        ("at work", "office", "meeting", "desk", "commute"),
        ("上班", "办公", "工作", "公司"),
    ),
    "children / family": (
        ("kid", "child", "children", "son", "daughter", "baby", "family"),
        ("孩子", "宝宝", "儿子", "女儿", "家人", "老人"),
    ),
    "gift": (
        ("gift", "present", "birthday", "christmas"),
        ("送人", "礼物", "生日", "送给"),
    ),
    "outdoor / sport": (
        ("outdoor", "hike", "hiking", "gym", "run", "workout", "beach"),
        ("户外", "运动", "跑步", "健身"),
    ),
    "wedding / event": (
        ("wedding", "party", "event", "occasion"),
        ("婚礼", "聚会", "派对"),
    ),
    "everyday use": (
        ("every day", "everyday", "daily"),
        ("每天", "日常", "平时"),
    ),
    "music / entertainment": (
        ("music", "movie", "tv", "game", "alexa"),
        ("音乐", "电影", "游戏", "看电视"),
    ),
}
# fmt: on

# what the buyer needed -> (English cues, Chinese cues)
# fmt: off
NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "reliability": (
        ("reliable", "work", "last", "durable", "sturdy"),
        ("耐用", "结实", "稳定", "靠谱"),
    ),
    "right size / fit": (
        ("fit", "size", "true to size"),
        ("合身", "尺码", "大小合适"),
    ),
    "comfort": (
        ("comfortable", "comfy", "soft"),
        ("舒服", "舒适", "柔软"),
    ),
    "good value": (
        ("price", "value", "worth", "cheap", "affordable"),
        ("性价比", "价格", "实惠", "划算"),
    ),
    "convenience": (
        ("easy", "convenient", "simple", "quick"),
        ("方便", "简单", "快捷", "省事"),
    ),
    "quiet": (
        ("quiet", "silent", "noise"),
        ("安静", "静音", "噪音"),
    ),
    "looks / style": (
        ("look", "style", "cute", "beautiful", "flattering"),
        ("好看", "漂亮", "外观", "款式"),
    ),
    "fast delivery": (
        ("arrive", "delivery", "shipping"),
        ("物流", "快递", "发货"),
    ),
    "long battery life": (
        ("battery", "charge"),
        ("电池", "续航", "充电"),
    ),
}
# fmt: on

# emotion -> (English cues, Chinese cues)
# fmt: off
EMOTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "delight": (
        ("love", "amazing", "awesome", "perfect", "excellent", "fantastic", "happy", "great"),
        ("喜欢", "满意", "开心", "完美", "超赞", "惊喜", "太好了"),
    ),
    "disappointment": (
        ("disappointed", "disappointing", "disappointment", "let down", "expected better"),
        ("失望", "不满意", "后悔", "郁闷"),
    ),
    "frustration": (
        ("frustrating", "frustrated", "annoying", "annoyed", "hate", "waste"),
        ("烦", "生气", "无语", "气死", "坑"),
    ),
    "anger": (
        ("angry", "furious", "scam", "ripoff", "rip off", "terrible", "horrible", "awful"),
        ("垃圾", "骗", "愤怒", "恶心", "差劲"),
    ),
    "relief / trust": (
        ("relieved", "trust", "peace of mind", "reassuring", "recommend"),
        ("放心", "信赖", "推荐"),
    ),
    "surprise": (
        ("surprised", "surprisingly", "unexpected", "wow"),
        ("没想到", "意外", "惊讶"),
    ),
}
# fmt: on

# A small Chinese polarity lexicon (fallback when no labelled Chinese reviews exist to learn from).
# fmt: off
ZH_POSITIVE = (
    "好", "不错", "满意", "喜欢", "推荐", "值得", "实惠", "划算", "漂亮", "好看", "舒服", "舒适", "方便", "快", "赞", "棒", "完美", "超值",
    "正品", "耐用", "结实", "清晰", "流畅", "好用", "好吃", "新鲜", "干净", "热情", "周到", "及时", "精美", "柔软", "合适", "合身", "给力",
    "支持", "惊喜", "物美价廉", "性价比高", "挺好",
)
# fmt: on

# fmt: off
ZH_NEGATIVE = (
    "差", "失望", "垃圾", "退货", "不满意", "坏", "慢", "贵", "假", "破", "脏", "臭", "难用", "难吃", "后悔", "骗", "问题", "投诉", "麻烦",
    "卡", "死机", "发热", "噪音", "太小", "太大", "掉色", "起球", "异味", "不值", "糟糕", "恶心", "坑", "无语", "退款", "瑕疵", "次品", "不好",
    "一般", "不行", "不能", "不会", "郁闷",
)
# fmt: on

# fmt: off
ZH_NEGATORS = (
    "不", "没", "没有", "别", "无", "非",
)
# fmt: on
