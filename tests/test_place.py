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
    ("name", "region", "level", "kind", "area"),
    [
        ("资阳市某县南薰乡人民政府", "四川省", "乡级", "人民政府", "四川省资阳市某县南薰乡"),
        ("遂溪县建新镇人民政府", "广东省", "乡级", "人民政府", "广东省湛江市遂溪县建新镇"),
        ("上海市科学技术委员会", "上海市", "省级", "科技", "上海市"),
        ("平潭综合实验区管委会", "福建省", "园区", "开发区、园区", "福建省福州市平潭综合实验区"),
        ("平潭综合实验区（管委会）", "福建省", "园区", "开发区、园区", "福建省福州市平潭综合实验区"),
        ("平潭综合实验区地方税务局", "福建省", "园区", "税务", "福建省福州市平潭综合实验区"),
        ("平潭县人民政府", "福建省", "县级", "人民政府", "福建省福州市平潭县"),
        ("道县文化广电新闻出版局", "湖南省", "县级", "文化旅游", "湖南省永州市道县"),
        ("乐山市人民政府法制办公室", "四川省", "市级", "司法", "四川省乐山市"),
        ("郑州经济技术开发区管委会", "河南省", "园区", "开发区、园区", "河南省郑州经济技术开发区"),
        ("金水区工业和信息化局", "河南省", "县级", "工业和信息化", "河南省郑州市金水区"),
        ("淮安市洪泽区人民政府", "江苏省", "县级", "人民政府", "江苏省淮安市洪泽区"),
        ("洪泽区人民政府", "江苏省", "县级", "人民政府", "江苏省淮安市洪泽区"),
        ("北京市朝阳区人民政府", "北京市", "县级", "人民政府", "北京市朝阳区"),
        ("广东省教育厅", "广东省", "省级", "教育", "广东省"),
        # beyond the agencies of the corpus: the gazetteer knows where every county lies
        ("沭阳县发展和改革局", "江苏省", "县级", "发展改革", "江苏省宿迁市沭阳县"),
        ("盱眙县人民政府办公室", "江苏省", "县级", "人民政府", "江苏省淮安市盱眙县"),
        ("宿迁市财政局", "江苏省", "市级", "财政", "江苏省宿迁市"),
        # a name several divisions share is not placed by the gazetteer (鼓楼区 is in four cities)
        ("鼓楼区财政局", "鼓楼区", "县级", "财政", "鼓楼区"),
        ("某市城市管理局", "某市", "市级", "其他部门", "某市"),
    ],
)
def test_place_from_the_name(name, region, level, kind, area):
    place = place_of(name)
    assert (place.region, place.level, place.kind, place.area) == (region, level, kind, area)


def test_a_county_with_and_without_its_city_is_one_agency():
    from index.reader.text.agency import agency_key

    names = ("洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府")
    assert {agency_key(n) for n in names} == {"江苏省淮安市洪泽区"}
    assert agency_key("沭阳县发展和改革局") == agency_key("宿迁市沭阳县发展和改革局")
    # the region must agree: 鼓楼区 alone could be any of four, so it is not merged with 南京市鼓楼区
    assert agency_key("鼓楼区财政局") != agency_key("南京市鼓楼区财政局")
    assert agency_key("福州市鼓楼区财政局") != agency_key("南京市鼓楼区财政局")


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
            if facet == "region":  # a substring of a place: other places may contain it
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
