"""Synthetic business plans for rehearsals: varied, legible, and a few planted copies."""

import random

OPENINGS = ["我是{town}{village}人，", "本人家住{town}{village}，", "我是{village}的村民，"]  # no name: blind
SENTENCES = [
 "本村共有{n1}户、{n2}口人，外出务工的年轻人多，留守老人和儿童需要代购服务。",
 "村里种{crop}的有{n3}户，每年收了只能等贩子上门，价钱被压得很低。",
 "我打算在{place}开农村淘宝服务站，面积大约{n4}平方米。",
 "开业第一个月走访全村{n1}户，教会至少{n5}户用手机淘宝下单。",
 "每周{d}次到邻近的{village2}宣传，发放宣传单，现场演示下载APP。",
 "代收代发快递，和县里的{courier}合作，争取三天内送到村民手上。",
 "帮村民代缴电费、话费和新农合，每月预计服务{n6}人次。",
 "把本村的{crop}和{product}拍照上架，通过农村淘宝卖到城里。",
 "我在{job}干过{y}年，会用电脑，懂一些网店运营。",
 "家里人支持我做这件事，{relative}可以帮我看店。",
 "每月组织一次村民培训，讲网购防骗、退换货和手机支付。",
 "第一年的目标是月销售额达到{money}元，年底前服务站有{n7}个固定客户。",
 "对老人上门服务，帮他们买药、买化肥和日用品。",
 "利用村委会的大喇叭和微信群发布团购信息。",
 "和村里的{shop}合作，把服务站设在人来人往的地方。",
 "遇到村民退货，我负责帮他们联系卖家，保证不让村民吃亏。",
 "夏收时组织{crop}集中上网销售，争取比往年每斤多卖{p}毛钱。",
 "计划拉{n8}名年轻人一起做，在外的老乡也可以帮着宣传。",
]
VILLAGES = ["王庄村", "东于村", "孟封村", "西谷村", "柳杜村", "南尹村", "集义村", "马峪村", "仁义村", "高白村"]
CROPS = ["葡萄", "小米", "核桃", "红枣", "山药", "土豆", "苹果", "蘑菇"]
PRODUCTS = ["老陈醋", "手工布鞋", "土鸡蛋", "杂粮", "蜂蜜", "粉条"]
PLACES = ["村委会旁边", "村口的小卖部", "自家临街的门面", "学校对面", "村里的广场边"]
COURIERS = ["邮政", "中通", "圆通", "韵达", "申通"]
JOBS = ["超市", "手机店", "物流公司", "饭店", "工厂"]
RELATIVES = ["我爱人", "我父亲", "我母亲", "我哥哥", "我妹妹"]
SHOPS = ["小卖部", "农资店", "理发店", "卫生所"]

def plan_text(rng: random.Random, town: str) -> str:
    """Write one plausible plan: a village, its numbers and a pick of ideas (never a name)."""
    v = rng.choice(VILLAGES)
    fill = dict(town=town, village=v, village2=rng.choice([x for x in VILLAGES if x != v]),
                n1=rng.randint(120, 600), n2=rng.randint(400, 2400), n3=rng.randint(20, 200),
                n4=rng.randint(20, 80), n5=rng.randint(20, 80), n6=rng.randint(30, 300),
                n7=rng.randint(30, 200), n8=rng.randint(2, 6), d=rng.randint(1, 3), y=rng.randint(2, 10),
                crop=rng.choice(CROPS), product=rng.choice(PRODUCTS), place=rng.choice(PLACES),
                courier=rng.choice(COURIERS), job=rng.choice(JOBS), relative=rng.choice(RELATIVES),
                shop=rng.choice(SHOPS), money=rng.choice([3000, 5000, 8000, 10000, 20000]), p=rng.randint(1, 5))
    picks = rng.sample(SENTENCES, rng.randint(10, 14))  # 300+ characters: above MIN_TEXT
    return "我的农村淘宝项目计划书\n" + rng.choice(OPENINGS).format(**fill) + "".join(s.format(**fill) for s in picks)


def copied(rng: random.Random, source: str) -> str:
    """Copy another candidate's plan with one idea added (plagiarism)."""
    return source + rng.choice(SENTENCES).format_map(_Blank())


class _Blank(dict):
    """Fill any placeholder of an added sentence with a plain word."""

    def __missing__(self, key: str) -> str:
        return "几" if key[0] in "npdy" or key == "money" else "本地"
