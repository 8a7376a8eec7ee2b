"""Validators: normalisation and every rule of domain.md, with the standards' examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db import validate as v
from db.errors import Invalid, Unconfirmed
from db.i18n import set_language


# ---------------------------------------------------------------- VIN

def test_vin_iso3779_example_with_check_x():
    # The textbook example of the North American / ISO 3779 check digit.
    assert v.vin("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


def test_vin_normalises_case_spaces_and_full_width():
    assert v.vin(" 1m8gdm9axkp042788 ") == "1M8GDM9AXKP042788"
    assert v.vin("１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８") == "1M8GDM9AXKP042788"


def test_vin_wrong_check_digit_says_expected():
    with pytest.raises(Invalid) as err:
        v.vin("1M8GDM9A1KP042788")
    assert "X" in str(err.value) and "第 9 位" in str(err.value)
    assert err.value.field == "vin"


EUROPEAN_VIN = "WVWZZZ1KZ8W123456"  # a Golf for Europe: position 9 is Z, no check character


def test_a_failed_check_binds_for_china_and_north_america_only():
    """GB 16735 (WMI L…) and North America (1–5) make position 9 a check character; a
    European parallel import's VIN is not refused but waits for the advisor's yes."""
    for bound in ("LFV2A21K0G4012345", "1M8GDM9A1KP042788", "5YJSA1E21HF000000"):
        body = bound[:8] + "0" + bound[9:]
        wrong = body[:8] + ("1" if v.vin_check_char(body) != "1" else "2") + body[9:]
        with pytest.raises(Invalid) as err:
            v.vin(wrong)
        assert not isinstance(err.value, Unconfirmed), wrong
    with pytest.raises(Unconfirmed) as asked:
        v.vin(EUROPEAN_VIN.lower())
    assert asked.value.value == EUROPEAN_VIN and "进口车" in str(asked.value) and asked.value.field == "vin"
    assert v.vin_as_found(EUROPEAN_VIN) == EUROPEAN_VIN and v.vin_unchecked(EUROPEAN_VIN)
    assert not v.vin_unchecked("1M8GDM9AXKP042788")
    with pytest.raises(Invalid):
        v.vin_as_found("WVWZZZ1KZ8W12345O")  # any other fault is still refused


def test_vin_check_digit_can_be_skipped():
    assert v.vin("1M8GDM9A1KP042788", check_digit=False) == "1M8GDM9A1KP042788"


@pytest.mark.parametrize("bad,fragment", [
    ("1M8GDM9AXKP04278", "17 位"),
    ("1M8GDM9AXKP0427888", "17 位"),
    ("1M8GDM9AXKPO42788", "O"),
    ("IM8GDM9AXKP042788", "I"),
    ("1M8GDM9AXKPQ42788", "Q"),
    ("1M8GDM9AXKP04278#", "#"),
    ("", "车架号"),
])
def test_vin_rejections(bad, fragment):
    with pytest.raises(Invalid) as err:
        v.vin(bad)
    assert fragment in str(err.value)


def test_vin_brand_hint():
    assert v.vin_brand("LSVAM4180C2184847") == "上汽大众"
    assert v.vin_brand("1M8GDM9AXKP042788") is None


def test_vin_check_char_matches_generated():
    body = "LFV2A21K" + "0" + "G4012345"
    check = v.vin_check_char(body)
    assert v.vin(body[:8] + check + body[9:])


# ---------------------------------------------------------------- plate

@pytest.mark.parametrize("typed,expected", [
    ("京A12345", "京A12345"),
    ("京a·12345", "京A12345"),
    (" 沪 B 1A2B3 ", "沪B1A2B3"),
    ("粤B-12345", "粤B12345"),
    ("京ＡＤ１２３４５", "京AD12345"),  # full width, new energy small
    ("沪AF12345", "沪AF12345"),
    ("粤B12345D", "粤B12345D"),  # new energy large
    ("京A1234学", "京A1234学"),
    ("粤Z1234港", "粤Z1234港"),
    ("粤Z1234澳", "粤Z1234澳"),
    ("京A1234挂", "京A1234挂"),
    ("京A1234警", "京A1234警"),
])
def test_plate_accepts_and_normalises(typed, expected):
    assert v.plate(typed) == expected


@pytest.mark.parametrize("bad,fragment", [
    ("", "车牌"),
    ("A12345", "省份"),
    ("京12345", "字母"),
    ("京A1234", "5 位"),
    ("京A1234567", "5 位"),
    ("京AI2345", "I 和 O"),
    ("京A12345X", "新能源"),  # 6 characters but not a new-energy pattern
    ("京A1234#", "挂"),
])
def test_plate_rejections(bad, fragment):
    with pytest.raises(Invalid) as err:
        v.plate(bad)
    assert fragment in str(err.value)


# ---------------------------------------------------------------- mobile

@pytest.mark.parametrize("typed", ["13800138000", "+86 138 0013 8000", "8613800138000",
                                   "138-0013-8000", "１３８００１３８０００", "0086 13800138000"])
def test_mobile_normalises(typed):
    assert v.mobile(typed) == "13800138000"


@pytest.mark.parametrize("good", ["14512345678", "16612345678", "17012345678", "19912345678", "19212345678"])
def test_mobile_current_prefixes(good):
    assert v.mobile(good) == good


@pytest.mark.parametrize("bad,fragment", [
    ("", "手机号"), ("1380013800", "11 位"), ("138001380001", "11 位"),
    ("23800138000", "以 1 开头"), ("12012345678", "号段"), ("15412345678", "号段"),
    ("14012345678", "号段"), ("1380013800a", "数字"),
])
def test_mobile_rejections(bad, fragment):
    with pytest.raises(Invalid) as err:
        v.mobile(bad)
    assert fragment in str(err.value)


# ---------------------------------------------------------------- ID number

def test_id_standard_examples():
    # GB 11643's own examples.
    assert v.id_number("11010519491231002X") == "11010519491231002X"
    assert v.id_number("440524188001010014") == "440524188001010014"


def test_id_lower_case_x_and_spaces():
    assert v.id_number(" 110105 19491231 002x ") == "11010519491231002X"


def test_id_retired_region_code_still_valid():
    # 110102 (西城区) merged codes and retired ones such as 110103 (崇文区, merged 2010)
    # stay valid on the cards issued under them.
    body = "11010319800101001"
    assert v.id_number(body + v.id_check_char(body))


def test_id_facts():
    facts = v.id_facts("11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.sex == "F"  # sequence 002: even
    assert v.id_facts("440524188001010014").sex == "M"


@pytest.mark.parametrize("bad,fragment", [
    ("", "身份证"),
    ("110105491231002", "15 位"),
    ("11010519491231002", "18 位"),
    ("1101051949123100AX", "数字"),
    ("99010519491231002X", "地区码"),
    ("110105194913310021", "不是有效日期"),
    ("11010519491231002Y", "数字或 X"),
    ("110105194912310021", "校验位"),
])
def test_id_rejections(bad, fragment):
    with pytest.raises(Invalid) as err:
        v.id_number(bad)
    assert fragment in str(err.value)


def test_id_future_birth_date_rejected():
    body = "11010520990101001"
    with pytest.raises(Invalid) as err:
        v.id_number(body + v.id_check_char(body))
    assert "不合理" in str(err.value)


def test_id_born_on_pinned_today_is_accepted_and_tomorrow_is_not():
    body = "11010520261126001"
    assert v.id_number(body + v.id_check_char(body))
    body = "11010520261127001"
    with pytest.raises(Invalid):
        v.id_number(body + v.id_check_char(body))


# ---------------------------------------------------------------- dates, money, mileage

@pytest.mark.parametrize("typed", ["2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501",
                                   "2023-05-01 00:00:00", "２０２３－０５－０１"])
def test_date_forms(typed):
    assert v.date(typed) == dt.date(2023, 5, 1)


@pytest.mark.parametrize("bad", ["2023-02-30", "5/1/2023", "昨天", "2023-13-01"])
def test_date_rejections(bad):
    with pytest.raises(Invalid) as err:
        v.date(bad)
    assert "日期" in str(err.value)


@pytest.mark.parametrize("typed, says", [
    ("2026-02-30", "没有这个日期：2 月没有 30 日"), ("2025-02-29", "2 月没有 29 日"),
    ("2026年4月31日", "4 月没有 31 日"), ("2026-13-01", "不会有 13 月"), ("2026-00-10", "不会有 0 月"),
])
def test_a_date_written_right_that_does_not_exist_is_named_so(typed, says):
    with pytest.raises(Invalid) as err:
        v.date(typed, "next_contact_date")
    assert says in str(err.value) and "格式" not in str(err.value)
    assert err.value.field == "next_contact_date"
    assert v.date("2024-02-29") == dt.date(2024, 2, 29)  # a leap year's does


def test_upcoming_date_refuses_a_day_gone_by():
    today = dt.date(2026, 11, 26)
    assert v.upcoming_date("2026-11-26", "next_contact_date", today) == today
    assert v.upcoming_date("", "next_contact_date", today) is None
    with pytest.raises(Invalid) as err:
        v.upcoming_date("2026-11-25", "next_contact_date", today)
    assert str(err.value) == "2026-11-25 已经过去，请填今天或以后的日期"
    assert err.value.field == "next_contact_date"


def test_a_date_fields_example_is_a_day_it_would_take():
    """The placeholder's example follows today, so it never shows a day gone by."""
    for today in (dt.date(2026, 11, 26), dt.date(2027, 12, 30)):
        example = v.date_example(today).removeprefix("如 ")
        assert v.upcoming_date(example, "next_contact_date", today) > today


def test_money():
    assert v.money("1,234.5") == Decimal("1234.50")
    assert v.money("¥80") == Decimal("80.00")
    assert v.money("") == Decimal("0.00")
    for bad, fragment in [("-1", "负数"), ("abc", "不是金额"), ("1.234", "两位小数"),
                          ("NaN", "不是金额"), ("99999999", "一千万")]:
        with pytest.raises(Invalid) as err:
            v.money(bad)
        assert fragment in str(err.value)


def test_mileage():
    assert v.mileage("12,345") == 12345
    assert v.mileage("8000km") == 8000
    for bad, fragment in [("", "里程"), ("-5", "不是里程"), ("12.5", "不是里程"), ("3000000", "200 万")]:
        with pytest.raises(Invalid) as err:
            v.mileage(bad)
        assert fragment in str(err.value)


def test_name_keeps_markup_literally_and_refuses_control_characters():
    assert v.name("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    with pytest.raises(Invalid):
        v.name("张\x1b[31m三")
    with pytest.raises(Invalid):
        v.name("   ")


def test_messages_switch_to_english():
    set_language("en")
    with pytest.raises(Invalid) as err:
        v.vin("1M8GDM9AXKP04278")
    assert "17 characters" in str(err.value)


def test_free_text_keeps_its_punctuation_and_only_identifiers_are_normalised():
    assert v.text("  保养，左前轮（异响）  ", "x") == "保养，左前轮（异响）"
    assert v.text("换机油、滤芯；\n检查刹车", "x") == "换机油、滤芯； 检查刹车"
    assert v.plate("川ａ１２３４５") == "川A12345"  # an identifier still is


@pytest.mark.parametrize("typed", ["王芳😀", "李★雷", "张伟👍🏻"])
def test_a_name_with_an_emoji_or_symbol_is_refused(typed):
    with pytest.raises(Invalid, match="表情或符号"):
        v.name(typed)


def test_a_names_own_marks_pass():
    assert v.name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert v.name("O'Neil-Smith Jr.") == "O'Neil-Smith Jr."
