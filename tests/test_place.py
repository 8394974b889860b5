"""Region, level and kind of body, read from agency names: the bundled reports' agencies, and filters on them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.reader import parse_file
from index.reader.text.place import place_of
from search.engine import search
from search.filters import make_filters

from .conftest import CORPUS_FILES, DEV_FILES


@pytest.mark.parametrize(
    ("name", "region", "level", "kind"),
    [
        ("资阳市某县南薰乡人民政府", "资阳市", "乡级", "人民政府"),
        ("遂溪县建新镇人民政府", "遂溪县", "乡级", "人民政府"),
        ("上海市科学技术委员会", "上海市", "省级", "科技"),
        ("平潭综合实验区管委会", "平潭", "园区", "开发区、园区"),
        ("平潭综合实验区（管委会）", "平潭", "园区", "开发区、园区"),
        ("平潭综合实验区地方税务局", "平潭", "园区", "税务"),
        ("平潭县人民政府", "平潭县", "县级", "人民政府"),
        ("道县文化广电新闻出版局", "道县", "县级", "文化旅游"),
        ("乐山市人民政府法制办公室", "乐山市", "市级", "司法"),
        ("郑州经济技术开发区管委会", "郑州", "园区", "开发区、园区"),
        ("金水区工业和信息化局", "金水区", "县级", "工业和信息化"),
        ("淮安市洪泽区人民政府", "淮安市", "县级", "人民政府"),
        ("北京市朝阳区人民政府", "北京市", "县级", "人民政府"),
        ("广东省教育厅", "广东省", "省级", "教育"),
        ("某市城市管理局", "某市", "市级", "其他部门"),
    ],
)
def test_place_from_the_name(name, region, level, kind):
    place = place_of(name)
    assert (place.region, place.level, place.kind) == (region, level, kind)


def test_every_bundled_agency_gets_a_level_and_kind():
    for path in CORPUS_FILES + DEV_FILES:
        agency = parse_file(path).agency
        if agency:
            place = place_of(agency)
            assert place.level and place.kind, (path.name, agency, place)


def test_level_kind_and_region_filter_what_the_facets_count(built_index):
    everything = search(built_index, "公开", make_filters(["all"]), facets=True)
    for facet in ("level", "kind", "region"):
        for value, count in list(everything["facets"][facet].items())[:4]:
            narrowed = search(built_index, "公开", make_filters(["all"], **{facet: value}))
            if facet == "region":  # a substring: other regions may contain it
                assert narrowed["total"] >= count
            else:
                assert narrowed["total"] == count, (facet, value)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from("省市县区镇乡街道旗州盟自治开发园新实验人民政府管委会局委办教育公安某平潭（）() "),
        max_size=30,
    )
)
def test_any_name_gives_a_place_or_nothing(name):
    place = place_of(name)
    assert place.level in (None, "省级", "市级", "县级", "乡级", "园区")
    assert (
        place.region is None or place.region in name.replace(" ", "").replace("（", "").replace("(", "") or place.region
    )
