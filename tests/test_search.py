"""Search quality and behaviour, measured on the dev set, our own demo queries and CrossWOZ."""

from __future__ import annotations

import json

import pytest

from kiosk.catalog import validate_catalog
from kiosk.search import SearchEngine

from .conftest import DATA, EVAL


def _queries(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _rates(engine: SearchEngine, rows) -> tuple[float, float, int, int]:
    top1 = top3 = n = oos_matched = 0
    for row in rows:
        r = engine.search(row["q"], top=3)
        ids = [h.matter.id for h in r.hits]
        if row["expect"]:
            n += 1
            top1 += bool(r.matched and ids[:1] and ids[0] in row["expect"])
            top3 += any(i in row["expect"] for i in ids)
        else:
            oos_matched += r.matched
    return top1 / max(n, 1), top3 / max(n, 1), n, oos_matched


def test_dev_set_targets(dev_engine):
    top1, top3, n, oos = _rates(dev_engine, _queries(EVAL / "dev_queries.jsonl"))
    assert n == 52
    assert top1 >= 0.95 and top3 >= 0.98
    assert oos == 0


def test_crosswoz_out_of_scope(dev_engine):
    rows = _queries(EVAL / "out_of_scope_crosswoz.jsonl")
    assert len(rows) == 1000
    assert _rates(dev_engine, rows)[3] <= 10


def test_demo_catalog_queries(demo_engine):
    """Queries written against the demo catalog before tuning: a check on generalization."""
    top1, top3, n, oos = _rates(demo_engine, _queries(DATA / "demo_queries.jsonl"))
    assert n >= 40 and top1 >= 0.9 and top3 >= 0.95 and oos == 0


def test_poverty_certificate_first(demo_engine):
    r = demo_engine.search("贫困证明")
    assert r.matched and r.hits[0].matter.id == "mz-001"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("公鸡金 查询", "gjj-001"),  # homophone from a recognizer
        ("设保 缴费 记录", "si-001"),
        ("平困 证明", "mz-001"),  # in/ing merged, lexicon by sound
        ("gongjijin chaxun", "gjj-001"),  # full toneless pinyin
        ("GJJCX", "gjj-001"),  # initials keypad, any case
        ("gongjijincx", "gjj-001"),  # syllables then initials
        ("我想 帮我 查一下 公积金 怎么办", "gjj-001"),  # fillers
        ("证明 困难", "mz-001"),  # word order
        ("煤气 充值", "gy-001"),  # colloquial names via the lexicon
        ("驾照 丢 了", "jt-003"),
        ("新农合 交 钱", "mi-002"),
        ("五保户 申请", "mz-003"),
        ("准生证", "wj-003"),
    ],
)
def test_resident_phrasings(demo_engine, query, expected):
    r = demo_engine.search(query)
    assert r.hits and r.hits[0].matter.id == expected, [h.matter.id for h in r.hits]
    assert r.matched


@pytest.mark.parametrize(
    "query",
    [
        "今天 天气 怎么样",
        "讲个笑话",
        "附近的饭店",
        "打车去火车站",
        "啊",
        "",
        "   ",
        "？？？",
        "123456",
        "qwxz",
    ],
)
def test_out_of_scope_is_not_matched(demo_engine, query):
    assert not demo_engine.search(query).matched


def test_result_shape(demo_engine):
    r = demo_engine.search("社保", top=4)
    assert len(r.hits) <= 4
    scores = [h.score for h in r.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    data = r.to_json()
    assert set(data) == {"q", "matched", "ms", "results"} and data["ms"] >= 0
    assert set(data["results"][0]) == {"id", "name", "score"}


def test_disabled_matters_are_never_found(demo_engine):
    assert all(h.matter.id != "old-001" for h in demo_engine.search("合作医疗证补办", top=20).hits)


def test_lexicon_is_general_not_catalog_bound():
    """The same lexicon serves a catalog it has never seen (names unlike the demo's)."""
    cat = validate_catalog(
        {
            "version": "x",
            "matters": [
                {
                    "id": "g1",
                    "name": "管道燃气缴费",
                    "department": "燃气公司",
                    "category": "缴费",
                    "kind": "payment",
                },
                {
                    "id": "h1",
                    "name": "户籍信息证明",
                    "department": "派出所",
                    "category": "户籍",
                    "kind": "certificate",
                },
            ],
        }
    )
    engine = SearchEngine(cat)
    assert engine.search("交 煤气 费").hits[0].matter.id == "g1"
    assert engine.search("开 户口 证明").hits[0].matter.id == "h1"


def test_empty_catalog():
    engine = SearchEngine(validate_catalog({"version": "empty", "matters": []}))
    r = engine.search("公积金")
    assert r.hits == [] and not r.matched


def test_one_character_lists_suggestions_never_matches(demo_engine):
    r = demo_engine.search("税", top=10)
    assert not r.matched and len(r.hits) >= 5
    for h in r.hits:
        assert "税" in h.matter.name + "".join(h.matter.aliases + h.matter.keywords)


def test_keypad_results_while_typing(demo_engine):
    """Each letter pressed narrows the list: gjj shows 公积金 matters before the whole word."""
    r = demo_engine.search("gjj", top=5)
    assert r.hits and all("公积金" in h.matter.name for h in r.hits)
    full = demo_engine.search("gjjtq", top=5)  # 公积金提取
    assert full.hits[0].matter.id.startswith("gjj-")


def test_real_catalogs_names_only():
    """Names only, no aliases: 广安区's published list and the national standard names; queries
    written before tuning (issue 12: top-1 >= 0.90, top-3 >= 0.95, nothing out of scope)."""
    from kiosk.catalog import load_catalog

    real = DATA / "real"
    for name, top1_min in (("street", 0.93), ("county", 0.92), ("national", 0.92)):
        engine = SearchEngine(load_catalog(real / f"{name}_catalog.json"))
        top1, top3, n, oos = _rates(engine, _queries(real / f"{name}_queries.jsonl"))
        assert n >= 150 and top1 >= top1_min and top3 >= 0.95 and oos == 0, (name, top1, top3)


def test_same_name_in_many_districts_is_one_entry():
    """A provincial list repeats each matter per district: which one wins must not change."""
    base = {"name": "社会保障卡挂失", "category": "社保", "kind": "guide"}
    twin = {"name": "社会保障卡解挂", "category": "社保", "kind": "guide"}
    matters = [
        {**m, "id": f"{tag}-{d}", "department": f"{d}区人社局"}
        for d in range(200)
        for tag, m in (("loss", base), ("unlock", twin))
    ]
    engine = SearchEngine(validate_catalog({"version": "x", "matters": matters}))
    r = engine.search("社保卡丢了 挂失")
    assert r.matched and r.hits[0].matter.id == "loss-0"
    assert [h.matter.name for h in r.hits[:2]] == ["社会保障卡挂失", "社会保障卡解挂"]
    assert len(engine.variants(r.hits[0].matter)) == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("社保卡密码忘了", "ga-0575"),  # 忘了 -> 重置, not 修改
        ("改社保卡密码", "ga-0574"),
        ("社保卡找到了 解除挂失", "ga-0576"),
        ("我的社保卡要挂失", "ga-0577"),
        ("人去世了 户口注销", "ga-0066"),
        ("退休了去外地住 医保备案", "ga-0742"),
        # ruined is replaced like lost where no 换领 twin is published
        ("结婚证被老鼠咬烂了", "ga-0467"),
    ],
)
def test_intent_words_pick_the_near_twin(query, expected):
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "real" / "street_catalog.json"))
    r = engine.search(query)
    assert r.matched and r.hits[0].matter.id == expected, [h.matter.name for h in r.hits[:3]]


def test_out_of_service_things_are_not_matched(demo_engine):
    """银行卡 is no 社保卡: the outside lexicon keeps it unmatched, the matter still suggested."""
    r = demo_engine.search("银行卡密码忘了")
    assert not r.matched


def test_seedlings_carried_to_another_province_need_the_inter_province_certificate():
    """重庆 is another province than 广安's Sichuan: 省际 (between provinces) as well as 跨省; and
    seedlings are plants, not the animals of 动物及动物产品检疫合格证."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("运一车苗木到重庆去卖 要开检疫证")
    assert r.hits[0].matter.name == "省际间调运林草植物检疫证书新办核发", r.hits[:2]
    r = county.search("树苗运到成都 检疫证")
    assert r.hits[0].matter.name.startswith("省内调运林草植物检疫证书"), r.hits[:2]


def test_an_outside_word_inside_a_lexicon_term_the_matter_means_is_no_outside_word():
    """网约车 is outside (打个网约车去医院), but 跑网约车 means 网络预约出租汽车, which the
    运输证's name says in its own words."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("想跑网约车 车子要办运输证")
    assert r.matched and r.hits[0].matter.name == "网络预约出租汽车运输证发放（新增）", r.hits[:2]
    assert not county.search("打个网约车去医院").matched


GENERAL_NAMES = [
    "不动产权证书补发",
    "不动产登记资料查询",
    "电费缴纳",
    "农村集体聚餐备案",
    "机动车驾驶证补领",
    "机动车驾驶证换领",
    "居民户口簿补领",
    "基本养老保险待遇领取资格认证",
    "养老金发放查询",
    "医疗费用报销",
    "居民身份证换领",
    "居民身份证补领",
    "死亡登记",
    "异地就医备案",
    "水费缴纳",
    "住房公积金提取",
    "社会保障卡挂失",
    "社会保障卡补领",
    "社会保障卡密码重置",
    "社会保障卡密码修改",
    "殡葬补助申领",
    "生育医疗费支付",
    "犬类准养证核发",
    "供水报装",
    "职业技能培训补贴申领",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("房本丢了", "不动产权证书补发"),
        ("交电费", "电费缴纳"),
        ("我要办酒席", "农村集体聚餐备案"),
        ("驾照丢了", "机动车驾驶证补领"),
        ("驾照到期了", "机动车驾驶证换领"),
        ("户口本丢了", "居民户口簿补领"),
        ("退休金认证", "基本养老保险待遇领取资格认证"),
        ("看病报销", "医疗费用报销"),
        ("身份证过期了", "居民身份证换领"),
        ("身份证掉了", "居民身份证补领"),
        ("人走了", "死亡登记"),
        ("在外地看病", "异地就医备案"),
        ("社保卡密码忘了", "社会保障卡密码重置"),
        ("丧葬费", "殡葬补助申领"),
        ("生孩子报销", "生育医疗费支付"),
        ("养狗要办证吗", "犬类准养证核发"),
        ("家里接自来水", "供水报装"),
        ("学技术有补贴吗", "职业技能培训补贴申领"),
    ],
)
def test_everyday_words_find_official_names_in_a_catalog_never_seen(query, expected):
    """The lexicon is general knowledge: names it was never tuned on, residents' words."""
    cat = validate_catalog(
        {
            "version": "x",
            "matters": [
                {"id": f"m{i}", "name": n, "department": "d", "category": "c", "kind": "guide"}
                for i, n in enumerate(GENERAL_NAMES)
            ],
        }
    )
    r = SearchEngine(cat).search(query)
    assert r.matched and r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def _names_only(names: list[str]) -> SearchEngine:
    return SearchEngine(
        validate_catalog(
            {
                "version": "x",
                "matters": [
                    {"id": f"m{i}", "name": n, "department": "d", "category": "c", "kind": "guide"}
                    for i, n in enumerate(names)
                ],
            }
        )
    )


def test_unsaid_action_orders_twins_but_is_no_evidence_against_the_best():
    """最低生活保障审核确认 is what 申请低保 asks for: the unsaid 确认 orders it among twins (there
    are none) and 申请 is how, not what; neither makes the engine unsure of it."""
    engine = _names_only(
        ["最低生活保障审核确认", "领取养老金人员待遇资格认证", "居民身份证首次申领"]
    )
    r = engine.search("申请低保")
    assert r.matched and r.hits[0].matter.name == "最低生活保障审核确认"


CLEAR_NAMES = [
    "居民生活用水报装",
    "低压居民新装（增容）用电",
    "机动车驾驶证遗失补证",
    "机动车驾驶证有效期满换证",
    "居民身份证补领",
    "出生医学证明补发",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # everyday words, all explained, covering little of a long name; nothing else close
        ("装自来水", "居民生活用水报装"),
        # more than two characters' worth of a name said, the rest the resident's own talk
        ("驾照找不着了补一个", "机动车驾驶证遗失补证"),
    ],
)
def test_clear_winner_by_what_was_said(query, expected):
    r = _names_only(CLEAR_NAMES).search(query)
    assert r.matched and r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


TWIN_NAMES = [
    "城乡居民基本养老保险关系转移接续申请",
    "企业职工基本养老保险关系转移接续申请",
    "军人退役养老保险关系转移接续申请",
    "灵活就业人员参保登记",
    "灵活就业社会保险补贴申领",
    "对公民法律援助申请的审批",
    "法律援助补贴发放",
    "义务教育阶段学生学籍异动办理",
    "义务教育阶段学生学籍异动政策咨询",
    "城乡居民基本养老保险待遇申领",
    "领取养老金人员待遇资格认证",
    "姓名变更登记",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # 城乡居民 is the resident's own scheme unless another is said: it counts lightly
        ("养老保险转移", "城乡居民基本养老保险关系转移接续申请"),
        ("在企业上班交的养老保险转过来", "企业职工基本养老保险关系转移接续申请"),
        # a subsidy, a consultation or a certification nobody asked for ranks below its twin
        ("灵活就业交社保", "灵活就业人员参保登记"),
        ("法律援助", "对公民法律援助申请的审批"),
        ("转学", "义务教育阶段学生学籍异动办理"),
        ("问问转学的政策", "义务教育阶段学生学籍异动政策咨询"),
        ("六十岁了领养老金", "城乡居民基本养老保险待遇申领"),
        ("养老金认证", "领取养老金人员待遇资格认证"),
    ],
)
def test_near_twins_by_what_was_not_said(query, expected):
    r = _names_only(TWIN_NAMES).search(query)
    assert r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def test_a_name_mentioned_is_no_request_to_change_it():
    """名字 alone (你叫什么名字) is not 改名: only 改名, 更名 ... stand for 姓名变更."""
    engine = _names_only(TWIN_NAMES)
    assert not engine.search("你叫什么名字").matched
    r = engine.search("我想改名字")
    assert r.matched and r.hits[0].matter.name == "姓名变更登记"


CARD_NAMES = [
    "社会保障卡补领",
    "社会保障卡换领",
    "社会保障卡密码修改",
    "社会保障卡密码重置",
    "居民身份证首次申领",
    "居民身份证换领",
    "居民身份证补领",
    "临时居民身份证申领",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("设保卡密码记不到了", "社会保障卡密码重置"),  # 记不到: 记不住 in south-west speech
        ("社保卡坏了", "社会保障卡换领"),  # a damaged card is exchanged; 补领 is for a lost one
        ("身份证叫人偷了", "居民身份证补领"),
        ("身份证到日子了", "居民身份证换领"),
        ("社保卡第一回办", None),  # no 社会保障卡申领 here: 第一回 is no 补领/换领
        ("身份证第一回办", "居民身份证首次申领"),
        ("坐飞机急用身份证", "临时居民身份证申领"),
    ],
)
def test_intent_words_as_residents_say_them(query, expected):
    r = _names_only(CARD_NAMES).search(query)
    if expected is None:
        assert not r.matched, [h.matter.name for h in r.hits[:3]]
    else:
        assert r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def test_a_phone_number_asked_for_is_no_service():
    """电话 is how to reach someone, not a service: asking for a place's number is not 电话咨询
    (CrossWOZ: 你有它家电话吗), asking to consult by phone still is."""
    engine = _names_only(["电话咨询", "面对面咨询", "社会保障卡非关键信息变更"])
    for q in ("好的，你有它家电话吗？", "哦，那你知道他家的电话吗？"):
        assert not engine.search(q).matched, q
    for q in ("电话咨询", "打电话咨询一下"):
        r = engine.search(q)
        assert r.matched and r.hits[0].matter.name == "电话咨询", q


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("老汉走了 户口咋个销", "户口注销"),  # 老汉: an old man (south-west); 咋个: filler
        ("交通违章处理", "道路交通安全违法行为处理"),  # the national catalogue's name
        ("身份证搞丢了", "居民身份证补领"),
        ("打结婚证", "内地居民结婚登记"),
    ],
)
def test_residents_everyday_and_dialect_words(query, expected):
    engine = _names_only(
        [
            "户口注销",
            "注销户口证明",
            "道路交通安全违法行为处理",
            "机动车检验合格标志核发",
            "居民身份证补领",
            "居民身份证换领",
            "内地居民结婚登记",
            "补领婚姻登记证",
        ]
    )
    r = engine.search(query)
    assert r.matched and r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def test_a_homophone_shares_a_character_with_the_word_it_is_heard_as():
    """A recognizer gets a character of a word wrong (公鸡金, 低包); a wholly different word that
    sounds the same (饺子 ~ 教资) is another word, not the lexicon's."""
    engine = _names_only(["教师资格认定", "住房公积金提取", "最低生活保障审核确认"])
    assert not engine.search("我想吃饺子").matched
    for q, name in (("公鸡金提取", "住房公积金提取"), ("低包怎么申请", "最低生活保障审核确认")):
        r = engine.search(q)
        assert r.matched and r.hits[0].matter.name == name, q
    r = engine.search("jiaozi")  # typed pinyin has no characters to share: still heard as 教资
    assert r.hits and r.hits[0].matter.name == "教师资格认定"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("孤儿的生活费", "孤儿救助资格认定及基本生活费发放"),  # 孤儿 is not 事实无人抚养儿童
        ("个人权益记录单", "个人权益记录查询打印"),  # 职业年金 not said
        ("工伤异地就医", "工伤异地就医申请"),  # said, it is never held against the twin
    ],
)
def test_who_a_matter_is_for_tells_twins_apart(query, expected):
    """工伤, 军人, 职业年金, 儿童 ... that the resident did not say rank a twin lower, like an
    unsaid action."""
    engine = _names_only(
        [
            "事实无人抚养儿童认定及基本生活补贴发放",
            "孤儿救助资格认定及基本生活费发放",
            "职业年金个人权益记录单查询打印",
            "个人权益记录查询打印",
            "工伤异地就医申请",
            "异地安置退休人员备案",
        ]
    )
    r = engine.search(query)
    assert r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def test_a_lone_character_of_a_word_is_no_alternative():
    """证 ends 身份证, 驾驶证, 残疾证: mapping it to 证明 pulled every …证明 matter up for them;
    幼儿园 is 学前教育 in published names."""
    from kiosk.search.lexicon import load_lexicon

    lex = load_lexicon()
    assert "证明" not in lex.alternatives.get("证", set())
    assert "学前教育" in lex.alternatives["幼儿园"]


@pytest.mark.parametrize("query", ["老伴去世了 户口咋销", "身份证上的照片太老了想换新的"])
def test_a_clear_lead_of_012_is_a_clear_winner(query):
    """Twins that differ in what the resident did not say lead by less than 0.15 and more than
    0.12 (死亡人口户口注销 0.54 against 0.41): that lead is clear enough to be matched."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "real" / "national_catalog.json"))
    r = engine.search(query)
    assert r.matched, [(h.matter.name, round(h.score, 2)) for h in r.hits[:2]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("捡到身份证了", "居民身份证挂失申报、丢失招领"),
        ("社保没交够十五年 到退休了", "达到法定退休年龄缴费不满15年社保权益申请"),
        ("退休了去子女那住 医保备案", "异地安置退休人员备案"),
        ("在外地上班 医保备案", "常驻异地工作人员备案"),
        ("大学生社保补贴", "高校毕业生社保补贴申领"),
    ],
)
def test_what_residents_call_street_services(query, expected):
    engine = _names_only(
        [
            "居民身份证挂失申报、丢失招领",
            "居民身份证办理（包括临时）",
            "达到法定退休年龄缴费不满15年社保权益申请",
            "城乡居民基本养老保险待遇申领",
            "异地安置退休人员备案",
            "常驻异地工作人员备案",
            "异地长期居住人员备案",
            "高校毕业生社保补贴申领",
            "就业困难人员灵活就业社保补贴申领",
        ]
    )
    r = engine.search(query)
    assert r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("我那个身份证啊 不晓得放哪去了", "居民身份证补领"),  # 不晓得放哪: lost, in plain words
        ("孩子的户口还没上", "出生登记"),  # the word order of 上户口 turned round
        ("证明我跟我妈是母子", "亲属关系证明"),
        ("家里揭不开锅了 有没有救济", "临时救助"),
    ],
)
def test_plain_talk_for_lost_unregistered_kin_and_hardship(query, expected):
    engine = _names_only(
        [
            "居民身份证补领",
            "居民身份证换领",
            "出生登记",
            "户口注销",
            "亲属关系证明",
            "无犯罪记录证明",
            "临时救助",
            "就业困难人员认定",
        ]
    )
    r = engine.search(query)
    assert r.hits[0].matter.name == expected, [h.matter.name for h in r.hits[:3]]


def test_whom_and_when_the_resident_speaks_of_count_lightly():
    """给我老伴…, 我奶奶今年…, 师傅: family, time and address words are in much resident talk and
    name no service; they count lightly (kept, so 跟儿子住 still finds 异地安置), or are dropped."""
    engine = _names_only(["居民身份证换领", "居民身份证首次申领"])
    for word in ("老伴", "奶奶", "今年", "好几年"):
        assert all(t.weight < 1.0 for t in engine.tokens(word)), word
    assert engine.tokens("师傅 身份证") == engine.tokens("身份证")
    r = engine.search("给我老伴换个身份证 早就过期了")
    assert r.matched and r.hits[0].matter.name == "居民身份证换领"


@pytest.mark.parametrize(
    "query",
    ["身份证过期了要换", "孩子第一次办身份证", "身份证到日子了", "娃今年满十六 办个身份证"],
)
def test_a_name_said_with_only_known_talk_around_it_is_matched(query):
    """Most of one published name said, the rest the resident's known talk (过期, 换, 孩子, 第一次,
    今年): matched, although its near-twins score close behind (no clear lead)."""
    r = _street_engine().search(query)
    assert r.hits[0].matter.id == "ga-0043", [h.matter.name for h in r.hits[:3]]
    assert r.hits[0].score - r.hits[1].score < 0.12  # not by the clear-winner rule
    assert r.matched


def test_a_name_said_with_foreign_words_around_it_is_only_suggested():
    """The same name with words the catalog and the lexicon do not know (电话, 地址, 酒店) around
    it is no request for it: suggestions only."""
    from kiosk.search.engine import NAMED_FOREIGN

    r = _street_engine().search("身份证上那个酒店地址电话")
    assert r.hits[0].foreign > NAMED_FOREIGN
    assert not r.matched


def test_a_runner_up_with_the_words_the_winner_lacks_keeps_it_a_suggestion():
    """The winner leaves 备案 unexplained and the runner-up has it in its own name: the resident
    may mean the runner-up (在外地住院报销要备案 is 异地就医备案 more than 手工报销)."""
    from kiosk.search.engine import Hit, _named_rest_known

    engine = _names_only(["医疗费用手工（零星）报销", "异地就医备案"])
    a, b = engine._entries[0], engine._entries[1]
    top = Hit(a, 0.6, 0.6, 0.8, 3.0, foreign=0.0, covered=0b0111, literal=0b0111)
    rival = Hit(b, 0.5, 0.4, 0.6, 2.0, foreign=0.0, covered=0b1000, literal=0b1000)
    through_lexicon = Hit(b, 0.5, 0.4, 0.6, 2.0, foreign=0.0, covered=0b1000, literal=0)
    assert not _named_rest_known(top, rival)
    assert _named_rest_known(top, through_lexicon)
    assert _named_rest_known(top, None)
    # the runner-up's own words the winner lacks are only how (到期, 换: intent words), not
    # what: the thing the resident named (身份证) decides
    assert _named_rest_known(top, rival, intent_mask=0b1000)
    r = SearchEngine(_real_catalog("county")).search("身份证 到期 换")
    assert r.hits[1].literal & ~r.hits[0].covered  # 巡游出租汽车经营许可证到期换证 says 到期换
    assert r.matched and r.hits[0].matter.id == "ga-0043", [h.matter.name for h in r.hits[:3]]
    # the real query: since 外地住院 => 异地就医 (session 7) the lexicon explains it, and the
    # runner-up of old is now first
    r = SearchEngine(_real_catalog("national")).search("在外地住院报销要备案")
    assert r.hits[0].matter.name == "异地就医备案", [h.matter.name for h in r.hits[:3]]


def _street_engine() -> SearchEngine:
    return SearchEngine(_real_catalog("street"))


def _real_catalog(name: str):
    from kiosk.catalog import load_catalog

    return load_catalog(DATA / "real" / f"{name}_catalog.json")


def test_known_talk_rule_matches_no_crosswoz_sentence_on_any_catalog():
    """The rule that matches a name said with known talk around it (_named_rest_known) matches
    none of the 1,000 CrossWOZ sentences on any real catalog but one: 我自己再打电话问问 on the
    county list, which does ask to phone (电话咨询) and which another rule matches too."""
    from kiosk.search import engine as mod

    text = (EVAL / "out_of_scope_crosswoz.jsonl").read_text("utf-8")
    queries = [json.loads(x)["q"] for x in text.splitlines() if x.strip()]
    for name in ("street", "county", "national"):
        engine = SearchEngine(_real_catalog(name))
        for query in queries:
            hits, _ = engine._search(query)
            if hits:
                second = hits[1] if len(hits) > 1 else None
                if name == "county" and "我自己再打电话问问" in query:
                    continue
                assert not mod._named_rest_known(hits[0], second), (name, query)


def test_an_amount_the_resident_tells_is_known_talk():
    """花了三万多, 交了八年: an amount is the resident's own talk, not content foreign to the
    catalog (which kept 在重庆住院花了三万多 回来报账 a suggestion); a bare 一 (一次性) is none."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("在重庆住院花了三万多，回来报账")
    assert r.matched and r.hits[0].matter.name == "住院费用报销"
    toks, talk, _ = county._tokens("住院花了三万多")
    assert {"三", "万"} <= {toks[i].char for i in talk}
    from kiosk.search.engine import _AMOUNT, _MAGNITUDE

    amounts = [
        m.group() for m in _AMOUNT.finditer("一次性补助 交了十二年") if _MAGNITUDE & set(m.group())
    ]
    assert amounts == ["十二年"]


def test_everyday_function_words_from_a_general_dictionary_are_known_talk():
    """assets/lexicon/talk.txt (generated from jieba's dictionary, MIT): function words residents
    wrap a request in (其实, 究竟, 到底, 多久); never negation (无犯罪记录 / 不满15年 tell matters
    apart) nor words of published names (登记, 证明, 以上)."""
    from kiosk.search.lexicon import LEXICON_DIR, load_lexicon

    talk = load_lexicon().talk
    header = (LEXICON_DIR / "talk.txt").read_text("utf-8")[:600]
    assert "jieba" in header and "MIT" in header
    assert 500 < len(talk) < 5000
    assert {"其实", "究竟", "到底", "多久", "而且"} <= talk
    assert not {"不", "没有", "无", "非", "未", "不能", "无法"} & talk
    assert not {"登记", "证明", "以上", "申请", "办理", "身份证"} & talk


def test_function_words_are_not_foreign_content():
    """A whole name said with function words around it (究竟要多久; 到底 whose 到 is a filler) is
    matched: they are the resident's talk, not content foreign to the catalog. Without the
    function words the same queries would count them as foreign and only suggest."""
    from dataclasses import replace as dc_replace

    from kiosk.search.lexicon import load_lexicon

    catalog = _real_catalog("street")
    engine = SearchEngine(catalog)
    without = SearchEngine(catalog, dc_replace(load_lexicon(), talk=set()))
    for query in ("居民身份证办理 究竟要多久", "社会保障卡挂失 到底怎么弄"):
        r = engine.search(query)
        assert r.matched and r.hits[0].foreign == 0.0, (query, r.hits[0])
        assert without.search(query).hits[0].foreign > 0.0
    assert not without.search("居民身份证办理 究竟要多久").matched


def test_places_residents_name_count_lightly_and_are_never_foreign():
    """assets/lexicon/places.txt (generated from a public list of China's administrative
    divisions, MIT): where a resident comes from or works (从达州搬过来, 在广州打工) says where, not
    which service. A place counts lightly and is never content foreign to the catalog, so the
    request scores at least as high with the list as without it (the lexicon now knows 残疾证转
    itself, so both match)."""
    from dataclasses import replace as dc_replace

    from kiosk.search.lexicon import LEXICON_DIR, load_lexicon

    places = load_lexicon().places
    header = (LEXICON_DIR / "places.txt").read_text("utf-8")[:600]
    assert "Administrative-divisions-of-China" in header and "MIT" in header
    assert {"四川", "四川省", "达州", "广州市", "新疆", "阿坝", "岳池县"} <= places
    assert not {"城区", "郊区", "和平", "社保", "办理"} & places
    catalog = _real_catalog("street")
    engine = SearchEngine(catalog)
    without = SearchEngine(catalog, dc_replace(load_lexicon(), places=set()))
    query = "从达州搬到广安来了 残疾证要转过来"
    r = engine.search(query)
    assert r.matched and r.hits[0].matter.id == "ga-0626", r.hits[:2]  # 残疾人证迁移
    bare = without.search(query).hits[0]
    assert r.hits[0].foreign < bare.foreign and r.hits[0].score >= bare.score


def test_a_filler_kept_inside_a_known_word_is_no_foreign_content():
    """了 stays in 坏了 (the lexicon knows 走了, 坏了 ...), but where no matter uses the word it
    is still the resident's filler, not content the catalog lacks."""
    engine = SearchEngine(_real_catalog("street"))
    toks, talk, _ = engine._tokens("我的社保卡坏了")
    le = [i for i, t in enumerate(toks) if t.char == "了"]
    assert le and set(le) <= talk


def test_a_keyword_said_is_no_name_said():
    """Keywords are loose tags (记分), not names: saying one is not having named the matter, so a
    sentence about a hotel's rating (评分是几分, heard as 记分) is not 驾驶证记分查询."""
    from kiosk.catalog import DEMO_CATALOG, load_catalog

    engine = SearchEngine(load_catalog(DEMO_CATALOG))
    r = engine.search("那你帮我看看北京宁夏大厦的评分是几分啊？")
    assert not r.matched
    assert engine.search("驾驶证记分查询").matched


def _style_dev_engine() -> SearchEngine:
    from kiosk.catalog import load_catalog

    return SearchEngine(load_catalog(DATA / "style_dev" / "catalog.json"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hukou qianru", "v-ga-hukou-in"),  # typed pinyin: the word itself was said
        ("hukou qianchu", "v-ga-hukou-out"),
        ("户口 签 出", "v-ga-hukou-out"),  # heard by sound: 签出 is 迁出
        ("户口 要 迁 走 迁 到 外地 去", "v-ga-hukou-out"),
        ("买 了 房子 户口 想 落 到 这边", "v-ga-hukou-in"),
    ],
)
def test_into_and_out_of_are_opposite_twins(query, expected):
    """迁入 and 迁出 are opposites, never one synonym group; a word heard by sound or typed in
    pinyin counts as said, so its own matter is no twin whose action went unsaid."""
    r = _style_dev_engine().search(query)
    assert r.matched and r.hits[0].matter.id == expected, [h.matter.id for h in r.hits[:3]]


def test_a_complaint_about_anything_is_the_complaint_service():
    """A complaint's subject is the resident's own, even a thing no service handles (饭店), and
    however long the account; 建议 alone (你有什么建议吗) is no complaint."""
    engine = _style_dev_engine()
    r = engine.search("楼下 饭店 油烟 太 大 我 要 举报")
    assert r.matched and r.hits[0].matter.id == "v-12345-complaint"
    assert not engine.search("我想找个餐馆 一个人100元能吃下来的 能给我个建议吗").matched


def test_a_situation_told_with_nothing_foreign_and_a_wide_lead_is_matched():
    """老汉上个月走了 丧葬费咋个领 names no service, but every word is the lexicon's or everyday
    talk, it explains a fair part of one name and nothing else comes close: matched. A thing said
    that stands inside a long name with nothing else (附近哪里有加油站 on the county list) is not:
    too little of the name is said."""
    street = _street_engine()
    r = street.search("老汉上个月走了 丧葬费咋个领")
    assert r.matched and r.hits[0].matter.id == "ga-0505", r.hits[:2]  # 供养亲属抚恤金申领
    county = SearchEngine(_real_catalog("county"))
    assert not county.search("附近哪里有加油站").matched


def test_words_of_the_matters_own_domain_are_not_foreign():
    """A character that the matters of the best hit's category use (医 of 医院 for a 医保 matter)
    is the domain's talk, not content foreign to the catalog; a word no matter of that category
    has (酒店) is."""
    engine = _street_engine()
    hit = engine.search("在医院住院的钱咋个报").hits[0]
    assert hit.matter.category == "医保" and hit.foreign == 0.0, hit  # 住院费用报销
    assert engine.search("社保卡 酒店").hits[0].foreign > 0.0


def test_keypad_initials_of_a_residents_word():
    """mxb is no name's initials, but 慢性病's, a word the lexicon knows: the keypad finds
    门诊慢特病 through it. Initials shared by several lexicon words stay unmatched."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "style_dev3" / "catalog.json"))
    r = engine.search("mxb")
    assert r.matched and r.hits[0].matter.id == "n-yb-chronic", r.hits[:2]
    assert not engine.search("zzz").matched


def test_keypad_initials_of_the_residents_words_in_a_row():
    """jzkf is 驾照 扣分 and rqczjf 燃气 充值 交费, words the lexicon knows: each way of reading the
    letters as such words is searched, and the best matched reading wins when the readings close
    to it agree (rqczjf also reads as 燃气 厂子 建房, which finds 宅基地建房 far behind)."""
    from kiosk.catalog import DEMO_CATALOG, load_catalog

    engine = SearchEngine(load_catalog(DATA / "style_dev6" / "catalog.json"))
    r = engine.search("jzkf")
    assert r.matched and r.hits[0].matter.id == "c-jj-points", r.hits[:2]
    demo = SearchEngine(load_catalog(DEMO_CATALOG))
    r = demo.search("rqczjf")
    assert r.matched and "燃气" in r.hits[0].matter.name and "充值" in r.hits[0].matter.name
    assert len(demo._keypad_words("qwertyuiopasdfghjklzxcvb")) <= 6  # bounded, whatever letters


def test_a_complaint_said_goes_to_the_only_complaint_service():
    """投诉 said and the catalog's complaint service clearly first, even when its name
    (12345…诉求受理) shares nothing else with what happened (楼下烧烤太吵)."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "style_dev3" / "catalog.json"))
    r = engine.search("俺 要 投诉 楼 下 烧烤 太 吵")
    assert r.matched and r.hits[0].matter.id == "n-12345-submit"
    assert not engine.search("楼下烧烤太吵").matched


def test_how_alone_names_no_matter():
    """查 / 多少 say how (查询), not what: a hotel's 人均消费是多少 is not 水费查询 for its 费 and
    多少 => 查询, on a catalog whose alias 水费查询 they almost cover. No CrossWOZ sentence is
    matched on that catalog; 水费 查询 still is."""
    engine = _style_dev_engine()
    assert not engine.search("它家人均消费是多少？").matched
    text = (EVAL / "out_of_scope_crosswoz.jsonl").read_text("utf-8")
    queries = [json.loads(x)["q"] for x in text.splitlines() if x.strip()]
    assert not [q for q in queries if engine.search(q).matched]
    r = engine.search("水费 查询")
    assert r.matched and r.hits[0].matter.id == "v-gy-water-bill"


def test_keypad_initials_read_as_a_syllable_are_retried_as_initials():
    """ydjyba parses as y d j y + the syllable ba; when that finds nothing, all six letters are
    tried as initials: 异地就医备案."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "style_dev7" / "catalog.json"))
    r = engine.search("ydjyba")
    assert r.matched and r.hits[0].matter.id == "d-mi-remote-file", r.hits[:2]


def test_a_short_request_all_explained_with_a_lead_is_matched():
    """狗证 is two characters, both explained by 养犬登记证核发 (狗 => 犬) and by nothing close:
    a match, although two characters weigh less than a clear winner's SAID_EXPLAINED."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "real" / "national_catalog.json"))
    r = engine.search("狗证")
    assert r.matched and r.hits[0].matter.name == "养犬登记证核发", r.hits[:2]
    assert not engine.search("狗粮").matched


def test_a_business_said_bare_is_its_owners_licence_only_with_what_an_owner_does():
    """面馆 is a customer's place (哪家面馆好吃) unless the query says what an owner does with it
    (不开了, 备案, 开个): then it is 食品小经营店, as 开面馆 always is."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("面馆不开了 备案咋个注销")
    assert r.matched and r.hits[0].matter.name == "食品小经营店备案注销", r.hits[:2]
    r = county.search("卤菜店 第一次 办证")
    assert "食品" in r.hits[0].matter.name, r.hits[:2]
    r = county.search("哪家面馆好吃")  # 哪 家 面 馆 好 吃: 面馆 explains nothing
    assert not r.matched and not any(h.covered & 0b1100 for h in r.hits), r.hits[:1]
    # an owner's words said by a customer, a patient or a parent: no licence
    for query in (
        "火锅店开业送券",
        "辅导班报名要办啥",
        "药店买药要登记身份证吗",
        "旅馆登记要带身份证吗",
        "卤菜店几点关门",
        "附近有没有卤菜店",
        "新开的面馆 味道咋样",
    ):
        assert not county.search(query).matched, query


def test_insurance_that_lapsed_is_paid_up_and_a_snapped_card_replaced():
    """社保断了几个月 is 断缴: paid up (补缴), not 社会保障卡补领; 卡断了 is the card's."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("社保断了几个月 咋个补")
    assert "补缴" in r.hits[0].matter.name, r.hits[:2]
    r = county.search("社保卡断成两半了")
    assert r.hits[0].matter.name == "社会保障卡补领、换领、换发", r.hits[:2]


def test_a_situation_far_ahead_needs_less_of_the_query_explained():
    """捡了个娃想自己养 explains two tokens' worth (捡娃 => 收养), nothing said is alien and
    nothing else comes near: matched. A trip to the hospital is no request, however far ahead."""
    street = _street_engine()
    r = street.search("捡了个娃想自己养")
    assert r.matched and r.hits[0].matter.name == "中国公民收养子女登记", r.hits[:2]
    assert not SearchEngine(_real_catalog("county")).search("打个车去医院").matched


def test_a_short_request_with_only_a_twin_close_behind_is_matched():
    """转学: 义务教育阶段学生学籍异动办理 explains all of it; its twin 学籍异动政策咨询 is close
    behind only for the 咨询 the resident did not say, and nothing else comes near."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("转学")
    assert r.matched and r.hits[0].matter.name == "义务教育阶段学生学籍异动办理", r.hits[:2]
    assert r.hits[1].matter.name == "义务教育阶段学生学籍异动政策咨询"


def test_a_lexicon_phrase_written_another_way_in_a_name_explains_by_its_head():
    """房本 stands for 不动产权证 (and 不动产证 ...), which no name here writes whole; the name
    writes 不动产权属: the phrase without its document word (证) explains 房本, at a lower
    factor. 社会保险 is never cut (社会保 would be in every 社会保障卡 name)."""
    engine = _names_only(["不动产权属登记信息查询证明打印", "基本养老金发放明细查询"])
    r = engine.search("查 房本")
    assert r.hits[0].matter.name == "不动产权属登记信息查询证明打印", r.hits[:2]
    assert r.hits[0].q_cov > 0.6
    from kiosk.search.engine import _head, text_tokens

    assert _head(text_tokens("社会保险")) == ""
    assert _head(text_tokens("不动产权证书")) == _head(text_tokens("不动产权证")) != ""


def test_a_lexicon_term_is_also_said_without_the_fillers_inside_it():
    """住院的发票 is said 住院 发票 too (the recognizer or the resident drops 的): the lexicon
    carries both forms. A filler at a term's edge stays (丢了), and what is left must be more
    than two characters (不能用 is no 不用)."""
    from kiosk.search.lexicon import load_lexicon

    lex = load_lexicon()
    assert lex.alternatives["住院发票"] == lex.alternatives["住院的发票"]
    assert "不用" not in lex.alternatives
    engine = _names_only(["零星医疗费用手工报销", "社会保障卡首次申领"])
    r = engine.search("住院 发票 报销")
    assert r.matched and r.hits[0].matter.name == "零星医疗费用手工报销", r.hits[:2]


def test_a_name_said_far_ahead_of_the_rest_is_matched():
    """家里 困难 办 低保: the alias 低保 is said whole, 困难 (the resident's reason) is no word of
    that matter but no alien word either, and nothing else comes near: matched. A hotel's
    评分是多少 (记分 by sound, 多少 => 查询) is not that far ahead, and stays unmatched."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "plain_dev1" / "catalog.json"))
    r = engine.search("家里 困难 办 低保")
    assert r.matched and r.hits[0].matter.id == "p-mz-dibao-apply", r.hits[:2]
    assert not engine.search("评分是多少呀？").matched


def test_a_complaint_service_close_behind_comes_first_when_the_resident_complains():
    """楼上 漏水 没人 管 投诉: the story is about water (水费缴纳 scores as high), but the resident
    says they complain: the complaint service comes first and is the answer. Asking after a
    complaint (投诉 有 结果 了 吗) stays with the complaint desk's own query matter."""
    from kiosk.catalog import load_catalog

    engine = SearchEngine(load_catalog(DATA / "plain_dev4" / "catalog.json"))
    r = engine.search("楼上 漏水 没人 管 投诉")
    assert r.matched and r.hits[0].matter.kind.value == "complaint", r.hits[:2]
    assert engine.search("楼上 漏水").hits[0].matter.kind.value != "complaint"
    desk = SearchEngine(load_catalog(DATA / "plain_dev3" / "catalog.json"))
    assert desk.search("投诉 有 结果 了 吗").hits[0].matter.id == "p3-12345-track"


def test_keypad_noise_rarely_becomes_a_confident_answer():
    """Random consonant runs on the initials keypad (a slip, a child's play) must stay
    suggestions almost always, although keypad letters may be read as a row of lexicon words
    (jzkf: 驾照 扣分). Reading them as any two words that fit some matter had matched 1 in 9."""
    import random

    from kiosk.catalog import DEMO_CATALOG, load_catalog

    engine = SearchEngine(load_catalog(DEMO_CATALOG))
    rnd = random.Random(11)
    runs = ["".join(rnd.choice("bpmfdtnlgkhjqxzcsryw") for _ in range(n)) for n in (4, 5, 6) * 100]
    matched = [q for q in runs if engine.search(q).matched]
    assert len(matched) <= 0.04 * len(runs), matched


def test_things_outside_are_found_in_spaced_speech():
    """A recognizer's spaces (银行 卡) do not hide a thing no service handles, nor a place a
    resident asks the way to."""
    county = SearchEngine(_real_catalog("county"))
    for query in ("银行 卡 密码 忘 了", "银行卡密码忘了", "火车站 在 哪"):
        assert not county.search(query).matched, query
    r = county.search("社保卡 密码 忘 了")
    assert r.matched and "社会保障卡密码重置" in r.hits[0].matter.name


def test_a_rare_word_said_is_looked_at_however_common_the_rest():
    """检疫 stands in six of 1,133 names; 开 (=> 开具) and 证明 in dozens. The rare word's matters
    are scored although common words add up to more in others."""
    county = SearchEngine(_real_catalog("county"))
    names = [h.matter.name for h in county.search("卖 猪 要 开 检疫 证明", top=40).hits]
    assert any("动物产品检疫" in n for n in names)


def test_a_filler_that_ends_a_known_word_after_fillers_taken_out_stays():
    engine = _street_engine()
    assert [t.char for t in engine.tokens("要去报个到")][-2:] == ["报", "到"]


def test_fillers_are_taken_out_so_that_the_most_of_them_goes():
    """要啥子材料: 要|啥子 are both fillers; taking the longest first (要啥) would leave 子 behind
    as if the resident had said it."""
    engine = _street_engine()
    assert [t.char for t in engine.tokens("咋个报 要啥子材料")] == ["报", "材", "料"]


def test_a_two_character_word_said_apart_by_light_words_is_found():
    """当了两年兵 is 当兵 said apart by a time word: the lexicon word is found across it."""
    engine = _street_engine()
    toks = engine.tokens("当了两年兵")
    spans = [(start, end) for start, end, *_ in engine._split_word(toks, 0)]
    assert spans and spans[0] == (0, len(toks))
    r = engine.search("当了两年兵刚回来 要去报个到")
    assert r.matched and r.hits[0].matter.name == "退役报到"
    # ... and across a count, however many characters it takes (砍几根树, 养了两百多头猪)
    county = SearchEngine(_real_catalog("county"))
    toks = county.tokens("养了两百多头猪")
    assert (0, len(toks)) in [(s, e) for s, e, *_ in county._split_word(toks, 0)]
    r = county.search("自家山上 砍几根树卖 采伐正")
    assert r.matched and r.hits[0].matter.name == "林木采伐许可证核发（县级权限）", r.hits[:2]
    toks = county.tokens("养了狗和猫")  # not a count: no 养猫
    assert not county._split_word(toks, 0)


def test_near_twins_behind_only_by_an_unsaid_action_are_no_rivals():
    """取水许可证新办 / 延续 / 变更: twins that trail only because the resident did not say their
    action leave the plain service a clear winner; a rival without that excuse does not, nor
    does a matter with an unsaid action that is no twin (its name starts otherwise)."""
    from kiosk.search.engine import Hit, _plain_twin

    names = ("取水许可证新办审批", "取水许可证延续审批", "河道采砂许可", "采矿权注销登记")
    cat = validate_catalog(
        {
            "version": "t",
            "matters": [
                {"id": f"m{i}", "name": n, "department": "水务", "category": "水务"}
                | {"kind": "guide"}
                for i, n in enumerate(names)
            ],
        }
    )
    new, renew, other, unrelated = cat.matters
    top = Hit(new, 0.6, 0.8, 0.5, 3.0, covered=0b1111)
    twin = Hit(renew, 0.52, 0.8, 0.5, 3.0, unsaid=0.08, covered=0b1111)
    assert _plain_twin(top, [top, twin, Hit(other, 0.2, 0.3, 0.2, 1.0)])
    assert not _plain_twin(top, [top, twin, Hit(other, 0.55, 0.8, 0.4, 3.0)])
    assert not _plain_twin(top, [top, Hit(other, 0.55, 0.8, 0.4, 3.0), twin])
    not_twin = Hit(unrelated, 0.52, 0.8, 0.5, 3.0, unsaid=0.08)
    assert not _plain_twin(top, [top, not_twin, Hit(other, 0.2, 0.3, 0.2, 1.0)])


def test_fillers_and_weak_words_typed_in_pinyin_count_as_in_characters():
    """dibao shenqing is 低保 申请: shenqing counts lightly, as 申请 does; a filler typed as a word
    (woxiang) is left out, unless it is part of a lexicon term with its neighbour (cha yixia:
    查一下); one syllable typed alone is never taken for a filler (ling is 龄 as often as 您)."""
    engine = _street_engine()
    assert [t.weight for t in engine.tokens("dibao shenqing")] == [1.0, 1.0, 0.3, 0.3]
    assert len(engine.tokens("woxiang dibao")) == 2
    assert len(engine.tokens("cha yixia dibao")) == 5
    assert len(engine.tokens("gao ling jin tie")) == 4
    r = engine.search("dibao shenqing")
    assert r.matched and r.hits[0].matter.name == "最低生活保障"


def test_a_particle_inside_a_lexicon_term_protects_no_filler():
    """就一个娃 is also known as 就一娃, so its 个 joins no known word: the resident's 个 in
    想 领养 个 娃儿 is a filler, as anywhere else."""
    engine = _street_engine()
    assert "个" not in [t.char for t in engine.tokens("想 领养 个 娃儿")]
    assert "个" in [t.char for t in engine.tokens("个人 信息")]


def test_no_lexicon_term_holds_the_adverbs_residents_put_anywhere():
    """A term with 都 or 也 inside (爸妈都不管) makes 妈都 a known pair and keeps the filler 都 in
    every query that says it (娃儿爹妈都死了: 爹妈死 is then not found): write the term without."""
    from kiosk.search.lexicon import load_lexicon

    assert [t for t in load_lexicon().alternatives if "都" in t or "也" in t] == []
    engine = _street_engine()
    assert "都" not in [t.char for t in engine.tokens("娃儿 爹妈 都 死 了")]


def test_a_pair_heard_with_neither_character_as_written_counts_little():
    """亲戚 sounds like 请启 (申请|启动) but shares no character with it: such a pair explains
    little, while a recognizer's slip that keeps one character (设保) still counts."""
    from kiosk.search.engine import SOUND, SOUND_ONLY, _strength

    county = SearchEngine(_real_catalog("county"))
    qin, qi = county.tokens("亲戚")
    qing, qi2 = county.tokens("请启")
    assert _strength(qin, qi, qing, qi2) == SOUND_ONLY < SOUND
    she, bao = county.tokens("设保")
    she2, bao2 = county.tokens("社保")
    assert _strength(she, bao, she2, bao2) == SOUND
    # 亲属关系证明 (亲戚 => 亲属关系) explains as much as 收养 (过继) does: either may lead
    names = [h.matter.name for h in county.search("亲戚 的 娃儿 过继 给 我 办 手续").hits]
    assert "中国公民收养子女登记" in names[:2]
    assert "税务" not in names[0]


def test_a_name_said_whole_comes_before_the_same_name_for_someone_unsaid():
    """家里困难 想办低保: 最低生活保障 is named whole; 家庭经济困难儿童提供最低生活保障 holds the
    resident's reason (困难) too but is for children, whom the resident did not name."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("家里困难 想办低保")
    assert r.hits[0].matter.name == "最低生活保障"
    # the longer twin it was named ahead of is no rival: nothing else comes close
    assert r.matched
    r = county.search("娃儿 家里 困难 吃 低保")
    assert r.hits[0].matter.name == "家庭经济困难儿童提供最低生活保障"


def test_asking_the_way_to_a_place_is_no_service_unless_something_is_to_be_done():
    county = SearchEngine(_real_catalog("county"))
    for query in ("人民 医院 在 哪", "加油站在哪", "幼儿园在哪点"):
        assert not county.search(query).matched, query
    for query in ("身份证 在 哪里 办", "养老金 资格 认证 在 哪 弄"):
        assert county.search(query).matched, query


def test_review_probes_stay_where_they_belong():
    """From the session 8 review: 哪里 that asks no way (身份证丢哪里了) still finds the service;
    everyday phrases (我来不及了, 店关门了, 电视坏了, 老伴走亲戚去了) are no service; lexicon terms
    in capitals (开KTV) are read as queries are (lower case)."""
    county = SearchEngine(_real_catalog("county"))
    assert county.search("身份证丢哪里了").matched
    for query in ("我来不及了", "店关门了", "电视坏了", "老伴走亲戚去了", "降压药 哪里 买"):
        assert not county.search(query).matched, query
    assert "开ktv" in county.lexicon.alternatives


def test_a_place_named_is_read_against_where_the_terminal_stands():
    """Near-twins 跨省异地 / 省内异地 differ by where the resident is from; the resident names a
    place. Configured for 广安, 贵州 or 重庆 is another province and 成都 another city of Sichuan;
    广安 itself is neither. With no region known a place is 异地 of an unknown kind: the kiosk
    suggests the twins rather than guess."""
    street = _real_catalog("street")
    here = SearchEngine(street, region="四川省广安市广安区")
    assert here.home == ("四川省", "广安市")

    def first(engine, q):
        r = engine.search(q, top=3)
        return r.hits[0].matter.name, r.matched

    assert first(here, "我是贵州人 身份证到期了 在这边换得到不") == ("居民身份证跨省异地办理", True)
    assert first(here, "我 是 重庆 户口 身份证 到期 了")[0] == "居民身份证跨省异地办理"
    assert first(here, "户口在成都 想在这边办身份证") == ("居民身份证省内异地办理", True)
    assert first(here, "我是广安人 身份证到期了")[0] == "居民身份证办理（包括临时）"
    nowhere = SearchEngine(street)
    assert nowhere.home is None
    # no home: any place is 异地 of an unknown kind (the home itself may be named): suggest
    twins = {"居民身份证跨省异地办理", "居民身份证省内异地办理"}
    for q in (
        "我是贵州人 身份证到期了 在这边换得到不",
        "户口在成都 想在这边办身份证",
        "在广安 办身份证",
    ):
        unsure = nowhere.search(q, top=3)
        assert not unsure.matched and twins <= {h.matter.name for h in unsure.hits}, q
    # a best hit that explains more than the place-reading twins still stands
    assert first(here, "身份证在深圳丢了") == ("居民身份证挂失申报、丢失招领", True)
    # a region no place list knows is no region: the catalog's own places are used instead
    assert SearchEngine(street, region="火星").home is None


def test_where_the_terminal_stands_is_read_from_the_catalog():
    """Unconfigured, the county list's departments (广安区税务局) and names (四川省老年人优待证)
    say where it is; a catalog naming places of several provinces says nothing."""
    from kiosk.catalog import Catalog, Matter

    assert SearchEngine(_real_catalog("county")).home == ("四川省", "广安市")

    def matter(i: int, name: str) -> Matter:
        return Matter(id=f"m{i}", name=name, department="民政局", category="民政", kind="guide")

    mixed = Catalog(
        version="t",
        matters=[matter(1, "成都市养老服务"), matter(2, "贵阳市养老服务"), matter(3, "重庆市养老")],
    )
    assert SearchEngine(mixed).home is None


def test_a_lexicon_word_is_found_as_written_not_across_a_names_words():
    """贷款 => 按揭 is an official word the lexicon writes: it is 按揭 where a name has it, not
    the 案接 heard across 档案|接收 (a loan is no file transfer)."""
    county = SearchEngine(_real_catalog("county"))
    # 开个小店 is 个体工商户设立登记 too: the licence leads the suggestions, the loan follows
    names = [h.matter.name for h in county.search("想自己开个小店 听说有贷款", top=5).hits]
    assert "档案接收" not in names and "创业担保贷款申请" in names
    # a name that writes the word another way by a character is still found (设保: 社保)
    assert county.search("设保卡丢了", top=1).hits[0].matter.name.startswith("社会保障卡")


def test_an_action_said_of_a_thing_is_its_state_not_the_request():
    """挂失的社保卡要解冻: the card was reported lost; what is asked is 解挂. An action word before
    的 and a thing describes the thing; at the end (社保卡 我是来挂失的) it is the request."""
    street = SearchEngine(_real_catalog("street"))
    assert street.search("挂失的社保卡要解冻", top=1).hits[0].matter.name == "社会保障卡解挂"
    assert street.search("社保卡 我是来挂失的", top=1).hits[0].matter.name == "社会保障卡挂失"


def test_a_lexicon_term_said_with_a_particle_inside_is_that_term():
    """退伍钱 is a lexicon term; residents say 退伍的钱, and the 的 stays (的钱 is in other terms):
    the term is still found, the particle explained with it."""
    street = SearchEngine(_real_catalog("street"))
    toks = street.tokens("当兵回来 退伍的钱在哪领")
    assert "的" in [t.char for t in toks]
    top = street.search("当兵回来 退伍的钱在哪领", top=1).hits[0].matter.name
    assert top == "退役士兵自主就业一次性经济补助金的给付"


def test_a_lexicon_term_said_with_sichuan_erhua_is_that_term():
    """生娃住院 => 生育医疗费: Sichuan speech says 娃儿 (媳妇儿生娃儿的住院费咋个报), and the
    term is found said so; without the variant the plain 住院费用报销 was matched."""
    from kiosk.search.lexicon import load_lexicon

    lex = load_lexicon()
    assert lex.alternatives["生娃儿住院"] == lex.alternatives["生娃住院"]
    r = SearchEngine(_real_catalog("street")).search("媳妇儿生娃儿的住院费咋个报")
    assert r.matched and r.hits[0].matter.name == "生育医疗费支付"


def test_a_lexicon_phrase_is_found_across_a_names_bracketed_qualifier():
    """开小吃店 => 食品经营: the county list writes 食品(含保健食品)经营许可核发, the phrase
    broken by a qualifier in brackets that no resident says; it is still found whole, and the
    matter is looked up though 食品 alone is in dozens of names."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("开个小吃店")
    assert r.matched and r.hits[0].matter.name == "食品(含保健食品)经营许可核发"


def test_a_filler_word_is_kept_only_for_a_term_said_across_its_end():
    """啥子证: 子证 is a pair of the lexicon's 种子证, but no term stands there, so 啥子 goes whole
    (卖烟 is tobacco, not seeds); 还有好多钱 keeps its 有 for the term 还有好多."""
    county = SearchEngine(_real_catalog("county"))
    assert [t.char for t in county.tokens("卖 烟 要 办 啥子 证")] == ["卖", "烟", "办", "证"]
    assert county.search("卖 烟 要 办 啥子 证").hits[0].matter.name.startswith("烟草专卖零售许可")
    assert "有" in [t.char for t in county.tokens("医保卡里头还有好多钱")]


def test_a_business_named_in_everyday_words_and_the_way_to_one():
    """开网吧 is the internet café's licence (网吧 is a known word: its 吧 is no filler); asking
    where one is (网吧在哪里) is no service."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("开网吧")
    assert r.matched and "互联网上网服务营业场所" in r.hits[0].matter.name
    assert not county.search("网吧在哪里").matched


def test_opening_a_business_said_before_de_names_its_owner_not_a_licence():
    """附近有没有开补胎店的 / 开早餐店的那家包子好吃: the one who runs the shop, not the licence to
    run one; 新开的火锅店在哪里 asks the way."""
    county = SearchEngine(_real_catalog("county"))
    for q in ("附近 有没有 开补胎店 的", "开早餐店 的 那家 包子 好吃", "新开的火锅店在哪里"):
        assert not county.search(q).matched, q
    assert county.search("开个小吃店").matched


def test_a_word_typed_as_initials_among_other_words_is_read_as_a_lexicon_word():
    """sfz 过期 换, sfz daoqi le: the initials are read as the likeliest lexicon word of this
    catalog (身份证), in characters among characters and in pinyin among pinyin, and what that
    finds is suggested, never sure (a review read bgm as 被拐卖, dbq as 当兵钱); a keypad run
    of two letters is not read (jz: 驾照 and 救助 alike)."""
    county = SearchEngine(_real_catalog("county"))
    for query in ("sfz 过期 换", "jzz zenme ban", "cjz 丢了"):
        r = county.search(query)
        assert r.hits[0].matter.id in {"ga-0043", "ga-0029", "ga-0625"}, query
        assert not r.matched, query
    assert not county.search("bgm 好听").matched
    assert county._initials_read("sfz 过期 换") == "身份证 过期 换"
    assert county._initials_read("sfz daoqi le") == "shenfenzheng daoqi le"
    assert county._initials_read("jz 过期 换") == "jz 过期 换"
    assert county._initials_read("sfz") == "sfz"  # alone: the keypad path reads it


def test_typed_words_that_find_nothing_together_are_searched_alone():
    """jzzbl zenme ban: keypad initials with typed words find nothing as one query; the typed
    words alone may (居住证办理), as suggestions. Talk that no name holds a pair of (明天 下 不
    下 雨) still finds nothing: a random matter would be no help to the resident."""
    county = SearchEngine(_real_catalog("county"))
    r = county.search("jzzbl zenme ban")
    assert not r.matched and r.hits[0].matter.name == "居住证办理", r.hits[:3]
    assert county.search("明天 下 不 下 雨").hits == []
    # only what is searched at all (the first MAX_QUERY characters) is retried
    assert county.search("q" * 70 + " jzz").hits == []


def test_two_places_in_different_provinces_are_cross_province_without_a_home():
    """The street list names no place, so 河南 alone is only 异地; said with 广安 (where the
    resident works now) the two provinces differ: 跨省, whatever the terminal's home."""
    street = _street_engine()
    assert street.home is None
    r = street.search("我户口在河南 在广安打工 身份证到期了 能在这边换不")
    assert r.matched and r.hits[0].matter.name == "居民身份证跨省异地办理", r.hits[:2]
    r = street.search("户口在河南 身份证到期了")
    assert not r.matched, r.hits[:2]
    # two places of a move are no 户口 and a resident apart: the 户口's own matter stands
    for query in ("户口从重庆迁到广安", "户口在重庆 想迁到广安"):
        r = street.search(query)
        assert r.matched and r.hits[0].matter.name == "户口迁移审批", (query, r.hits[:2])
    # the place where the resident is reads as the home would: not at all (the county list's
    # home is known, 广安); so both lists put the lost card first
    county = SearchEngine(_real_catalog("county"))
    for engine in (street, county):
        r = engine.search("户口在广安 人在成都 身份证丢了")
        assert r.hits[0].matter.name == "居民身份证挂失申报、丢失招领", r.hits[:2]


def test_words_residents_say_of_other_things_reach_no_service():
    """Session 12's review: a lexicon term is a service's only where residents mean that service
    by it. A temple is asked the way to like a hospital; a car just bought is no tractor's
    registration; medical insurance paid through a factory is moved as medical insurance; a rest
    (歇一阵), watering flowers at night and a driving school's licence are no business matters."""
    county = SearchEngine(_real_catalog("county"))
    said_of_other_things = ("寺庙在哪里", "庙子在哪点", "新买的车要上牌", "晚上浇花", "驾校执照")
    for query in (*said_of_other_things, "我想歇一阵"):
        assert not county.search(query).matched, query
    r = county.search("在厂头交的医保 咋个转")
    assert r.hits[0].matter.name == "基本医疗保险关系转移接续", r.hits[:2]
    r = county.search("寺庙 收 国外 捐款")
    assert r.matched and "接受境外" in r.hits[0].matter.name, r.hits[:2]
