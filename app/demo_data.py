"""Demo offices for `flask seed-demo`: real district offices, real coordinates.

The three offices are real Thai district offices (two provincial ``ที่ว่าการอำเภอ``
in Lamphun and one Bangkok ``สำนักงานเขต``). Names, administrative seats, postcodes
and coordinates come from public sources cited in a comment beside each office;
each comment also says how close to the building the coordinate is known to be.

Everything operational is ILLUSTRATIVE, not the offices' published figures: opening
hours, daily capacities per channel, slot sizes, counters and average service times
were chosen to exercise the product (a GECC-style office with evening and Saturday
hours, an office with a lunch break that is closed at weekends, a big city office).

PUBLIC_HOLIDAYS lists Thai government-office holidays from 2026-11-21 to 2027-12-31
as far as they could be verified; see the comments there for what was left out.

Pure data: the only import is ``datetime``.
"""

from datetime import date, time

# Real Thai public holidays (government offices closed) from 2026-11-21 to 2027-12-31.
#
# Fixed-date holidays follow the cabinet's standing list of official holidays.
# Lunar dates for 2027 (B.E. 2570), looked up:
#   * Makha Bucha = Sun 21 Feb 2027 with substitution Mon 22 Feb 2027
#     (publicholidays.asia, "วันมาฆบูชา 2568, 2569 และ 2570 ในประเทศไทย").
#   * Asarnha Bucha = Sun 18 Jul 2027 (calendar-yearly.com, "วันอาสาฬหบูชา",
#     list of dates 2024-2032). Khao Phansa is by definition the next day
#     (แรม 1 ค่ำ เดือน 8) = Mon 19 Jul 2027.
# Substitution days other than 22 Feb follow the standing rule (a holiday falling on a
# Saturday or Sunday is compensated on the next working day); the cabinet can move
# them, so re-check against the official 2570 announcement.
#
# LEFT OUT on purpose:
#   * Visakha Bucha 2027: no source found in the search corpora. Counting the fixed
#     lunar month lengths (29+30+29 days) forward from Makha Bucha gives Thu 20 May
#     2027, but that is a derivation, not a verified date, so it is not listed.
#   * Royal Ploughing Ceremony 2027: the date is set each year by the Royal Court;
#     not announced in any source found.
#   * National Labour Day (1 May): a bank/private-sector holiday, not a government
#     holiday (thansettakij.com, "ไขข้อสงสัย วันแรงงาน 2567 ทำไมราชการไม่ได้หยุด").
#   * Special one-off holidays the cabinet may add later (e.g. bridge days).
PUBLIC_HOLIDAYS: list[tuple[date, str, str]] = [  # (date, name_th, name_en)
    (
        date(2026, 12, 5),
        "วันคล้ายวันพระบรมราชสมภพ พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ",
        "King Bhumibol's Birthday, National Day and Father's Day",
    ),
    (date(2026, 12, 7), "วันหยุดชดเชยวันพ่อแห่งชาติ", "Substitution for Father's Day"),
    (date(2026, 12, 10), "วันรัฐธรรมนูญ", "Constitution Day"),
    (date(2026, 12, 31), "วันสิ้นปี", "New Year's Eve"),
    (date(2027, 1, 1), "วันขึ้นปีใหม่", "New Year's Day"),
    (date(2027, 2, 21), "วันมาฆบูชา", "Makha Bucha Day"),
    (date(2027, 2, 22), "วันหยุดชดเชยวันมาฆบูชา", "Substitution for Makha Bucha Day"),
    (date(2027, 4, 6), "วันพระบาทสมเด็จพระพุทธยอดฟ้าจุฬาโลกมหาราชและวันที่ระลึกมหาจักรีบรมราชวงศ์ (วันจักรี)", "Chakri Memorial Day"),
    (date(2027, 4, 13), "วันสงกรานต์", "Songkran Festival"),
    (date(2027, 4, 14), "วันสงกรานต์", "Songkran Festival"),
    (date(2027, 4, 15), "วันสงกรานต์", "Songkran Festival"),
    (date(2027, 5, 4), "วันฉัตรมงคล", "Coronation Day"),
    (date(2027, 6, 3), "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าสุทิดา พัชรสุธาพิมลลักษณ พระบรมราชินี", "Queen Suthida's Birthday"),
    (date(2027, 7, 18), "วันอาสาฬหบูชา", "Asarnha Bucha Day"),
    (date(2027, 7, 19), "วันเข้าพรรษา", "Buddhist Lent Day"),
    (date(2027, 7, 20), "วันหยุดชดเชยวันอาสาฬหบูชา", "Substitution for Asarnha Bucha Day"),
    (date(2027, 7, 28), "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว", "King Vajiralongkorn's Birthday"),
    # Queen Sirikit died on 24 Oct 2025 (Bureau of the Royal Household announcement,
    # reported e.g. by khaosod.co.th), hence "วันคล้ายวันพระราชสมภพ". Whether the
    # cabinet renames 12 Aug or adds 24 Oct as a holiday was not found in any source.
    (
        date(2027, 8, 12),
        "วันคล้ายวันพระราชสมภพสมเด็จพระนางเจ้าสิริกิติ์ พระบรมราชินีนาถ พระบรมราชชนนีพันปีหลวง และวันแม่แห่งชาติ",
        "Queen Sirikit's Birthday and Mother's Day",
    ),
    (
        date(2027, 10, 13),
        "วันคล้ายวันสวรรคต พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร",
        "King Bhumibol Memorial Day",
    ),
    (date(2027, 10, 23), "วันปิยมหาราช", "Chulalongkorn Memorial Day"),
    (date(2027, 10, 25), "วันหยุดชดเชยวันปิยมหาราช", "Substitution for Chulalongkorn Memorial Day"),
    (
        date(2027, 12, 5),
        "วันคล้ายวันพระบรมราชสมภพ พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ",
        "King Bhumibol's Birthday, National Day and Father's Day",
    ),
    (date(2027, 12, 6), "วันหยุดชดเชยวันพ่อแห่งชาติ", "Substitution for Father's Day"),
    (date(2027, 12, 10), "วันรัฐธรรมนูญ", "Constitution Day"),
    (date(2027, 12, 31), "วันสิ้นปี", "New Year's Eve"),
]


# Civil-registration services (งานทะเบียนและบัตร) reused across offices.
# What to bring: the usual list for these services at a district registration office
# (ILLUSTRATIVE: each office publishes its own in its citizen's manual).
_ID_CARD = {
    "code": "id-card",
    "name_th": "ทำบัตรประจำตัวประชาชน",
    "name_en": "National ID card",
    "avg_minutes": 10,
    "documents_th": (
        "บัตรประจำตัวประชาชนใบเดิม (ถ้ามี)\n"
        "ทะเบียนบ้านฉบับเจ้าบ้าน (กรณีบัตรหายหรือไม่มีบัตรเดิม)\n"
        "ค่าธรรมเนียม (กรณีบัตรหายหรือชำรุด สอบถามอัตราที่สำนักงาน)"
    ),
    "documents_en": (
        "Your old ID card (if you have it)\n"
        "The house registration book (if the card was lost or you have none)\n"
        "The fee (if the card was lost or damaged; ask the office)"
    ),
}
_MOVE = {
    "code": "change-address",
    "name_th": "แจ้งย้ายที่อยู่ (ย้ายเข้า/ย้ายออก)",
    "name_en": "Change of address (moving in or out)",
    "avg_minutes": 15,
    "documents_th": "บัตรประจำตัวประชาชน\nทะเบียนบ้านฉบับเจ้าบ้าน\nหนังสือยินยอมจากเจ้าบ้าน (กรณีย้ายเข้า)",
    "documents_en": "Your ID card\nThe house registration book\nThe house owner's written consent (when moving in)",
}
_HOUSE_COPY = {
    "code": "house-reg-copy",
    "name_th": "คัดสำเนาทะเบียนบ้าน",
    "name_en": "Certified copy of house registration",
    "avg_minutes": 5,
    "documents_th": "บัตรประจำตัวประชาชน",
    "documents_en": "Your ID card",
}


OFFICES: list[dict] = [
    {
        # Source: English Wikipedia "Pa Sang district" (infobox coordinates
        # 18°31′33″N 98°56′21″E; seat: tambon Pa Sang; postal code 51120); the same
        # coordinates are on Thai Wikipedia "อำเภอป่าซาง".
        # Confidence: MEDIUM. Wikipedia's Thai-district infoboxes conventionally give
        # the district-office position, but this one is not labelled as such and the
        # building could not be checked against a map; it is at least in Pa Sang town.
        # House number/road not found in any source, hence the seat-level address.
        "code": "pa-sang",
        "name_th": "ที่ว่าการอำเภอป่าซาง",
        "name_en": "Pa Sang District Office",
        "address_th": "ที่ว่าการอำเภอป่าซาง ตำบลป่าซาง อำเภอป่าซาง จังหวัดลำพูน 51120",
        "address_en": "Pa Sang District Office, Pa Sang Subdistrict, Pa Sang District, Lamphun 51120",
        "lat": 18.525833,
        "lon": 98.939167,
        "geofence_m": 1500,
        "booking_horizon_days": 30,
        "web_slot_minutes": 30,
        "web_slot_capacity": 3,
        "prefixes": {"walk_in": "A", "web": "W", "mobile": "M"},
        # Small rural office: lunch break, closed at weekends.
        "hours": {
            1: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))],
            2: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))],
            3: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))],
            4: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))],
            5: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))],
        },
        "capacity": {
            1: {"walk_in": 100, "web": 30, "mobile": 20},
            2: {"walk_in": 90, "web": 30, "mobile": 20},
            3: {"walk_in": 90, "web": 30, "mobile": 20},
            4: {"walk_in": 90, "web": 30, "mobile": 20},
            5: {"walk_in": 100, "web": 30, "mobile": 20},
        },
        "services": [
            dict(_ID_CARD),
            dict(_MOVE),
            dict(_HOUSE_COPY),
            {
                "code": "birth-death-reg",
                "name_th": "แจ้งเกิด/แจ้งตาย",
                "name_en": "Birth or death registration",
                "avg_minutes": 15,
            },
        ],
        "counters": [
            {
                "number": 1,
                "name_th": "ช่องบริการ 1 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 1 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 2,
                "name_th": "ช่องบริการ 2 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 2 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 3,
                "name_th": "ช่องบริการ 3 (คิวจองผ่านเว็บไซต์)",
                "name_en": "Counter 3 (web bookings)",
                "channels": ["web"],
            },
            {
                "number": 4,
                "name_th": "ช่องบริการ 4 (คิวจองผ่านแอปพลิเคชัน)",
                "name_en": "Counter 4 (mobile bookings)",
                "channels": ["mobile"],
            },
        ],
    },
    {
        # Source: English Wikipedia "Lamphun" (town article; "Coordinates
        # (Municipality office): 18°35′11″N 99°0′43″E"), i.e. the Lamphun Town
        # Municipality office, 27 Thetsaban 1 Rd, Nai Mueang (address per Thai
        # Wikipedia "เทศบาลเมืองลำพูน").
        # Confidence: LOW for the building - this is the TOWN CENTRE, not a verified
        # position of the Mueang Lamphun district office; no source in the corpora
        # gave the district office's own address or coordinates. The geofence is
        # therefore set to the maximum (2000 m), which covers the old walled town.
        # The tambon in the address (Nai Mueang) is likewise not verified.
        "code": "mueang-lamphun",
        "name_th": "ที่ว่าการอำเภอเมืองลำพูน",
        "name_en": "Mueang Lamphun District Office",
        "address_th": "ที่ว่าการอำเภอเมืองลำพูน ตำบลในเมือง อำเภอเมืองลำพูน จังหวัดลำพูน 51000",
        "address_en": "Mueang Lamphun District Office, Nai Mueang Subdistrict, Mueang Lamphun District, Lamphun 51000",
        "lat": 18.586389,
        "lon": 99.011944,
        "geofence_m": 2000,
        "booking_horizon_days": 30,
        "web_slot_minutes": 30,
        "web_slot_capacity": 4,
        "prefixes": {"walk_in": "A", "web": "W", "mobile": "M"},
        # GECC "convenient government centre": open through lunch, evening service
        # 17:00-19:00 on Tuesday and Thursday, Saturday morning 09:00-12:00.
        "hours": {
            1: [(time(8, 30), time(16, 30))],
            2: [(time(8, 30), time(16, 30)), (time(17, 0), time(19, 0))],
            3: [(time(8, 30), time(16, 30))],
            4: [(time(8, 30), time(16, 30)), (time(17, 0), time(19, 0))],
            5: [(time(8, 30), time(16, 30))],
            6: [(time(9, 0), time(12, 0))],
        },
        "capacity": {
            1: {"walk_in": 150, "web": 50, "mobile": 40},
            2: {"walk_in": 170, "web": 60, "mobile": 45},
            3: {"walk_in": 140, "web": 50, "mobile": 40},
            4: {"walk_in": 170, "web": 60, "mobile": 45},
            5: {"walk_in": 150, "web": 50, "mobile": 40},
            6: {"walk_in": 40, "web": 15, "mobile": 10},
        },
        "services": [
            dict(_ID_CARD),
            dict(_MOVE),
            dict(_HOUSE_COPY),
            {"code": "marriage-reg", "name_th": "จดทะเบียนสมรส", "name_en": "Marriage registration", "avg_minutes": 20},
            {"code": "name-change", "name_th": "ขอเปลี่ยนชื่อตัว", "name_en": "Change of first name", "avg_minutes": 20},
        ],
        "counters": [
            {
                "number": 1,
                "name_th": "ช่องบริการ 1 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 1 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 2,
                "name_th": "ช่องบริการ 2 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 2 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 3,
                "name_th": "ช่องบริการ 3 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 3 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 4,
                "name_th": "ช่องบริการ 4 (คิวจองผ่านเว็บไซต์)",
                "name_en": "Counter 4 (web bookings)",
                "channels": ["web"],
            },
            {
                "number": 5,
                "name_th": "ช่องบริการ 5 (คิวจองผ่านแอปพลิเคชัน)",
                "name_en": "Counter 5 (mobile bookings)",
                "channels": ["mobile"],
            },
        ],
    },
    {
        # Source: English Wikipedia "Bang Rak district" - infobox "Coordinates
        # (district office): 13°43′50″N 100°31′25″E"; seat: Si Phraya; postal code
        # 10500. (Thai Wikipedia "เขตบางรัก" gives 13°43′51″N 100°31′27″E, ~70 m away.)
        # Confidence: HIGH - the coordinate is explicitly the district office.
        # The street (Naret Road) is from general knowledge and was not confirmed by a
        # stored source; seat and postcode are from Wikipedia.
        "code": "bang-rak",
        # Fairness (issue 12): Bangkok's web places go first to scripts; here a web or mobile
        # booking is held until the code sent to the phone is typed back (the others: none).
        "verification": "otp",
        "hold_minutes": 10,
        "name_th": "สำนักงานเขตบางรัก",
        "name_en": "Bang Rak District Office",
        "address_th": "สำนักงานเขตบางรัก ถนนนเรศ แขวงสี่พระยา เขตบางรัก กรุงเทพมหานคร 10500",
        "address_en": "Bang Rak District Office, Naret Road, Si Phraya, Bang Rak, Bangkok 10500",
        "lat": 13.730556,
        "lon": 100.523611,
        "geofence_m": 1000,
        "booking_horizon_days": 14,
        "web_slot_minutes": 15,
        "web_slot_capacity": 3,
        "prefixes": {"walk_in": "A", "web": "B", "mobile": "C"},
        # Busy city office, open through lunch on weekdays only.
        "hours": {
            1: [(time(8, 0), time(16, 0))],
            2: [(time(8, 0), time(16, 0))],
            3: [(time(8, 0), time(16, 0))],
            4: [(time(8, 0), time(16, 0))],
            5: [(time(8, 0), time(16, 0))],
        },
        "capacity": {
            1: {"walk_in": 250, "web": 80, "mobile": 60},
            2: {"walk_in": 230, "web": 80, "mobile": 60},
            3: {"walk_in": 230, "web": 80, "mobile": 60},
            4: {"walk_in": 230, "web": 80, "mobile": 60},
            5: {"walk_in": 250, "web": 80, "mobile": 60},
        },
        "services": [
            dict(_ID_CARD),
            dict(_MOVE),
            dict(_HOUSE_COPY),
            {"code": "marriage-reg", "name_th": "จดทะเบียนสมรส", "name_en": "Marriage registration", "avg_minutes": 20},
            {
                "code": "commercial-reg",
                "name_th": "จดทะเบียนพาณิชย์",
                "name_en": "Commercial registration",
                "avg_minutes": 20,
            },
        ],
        "counters": [
            {
                "number": 1,
                "name_th": "ช่องบริการ 1 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 1 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 2,
                "name_th": "ช่องบริการ 2 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 2 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 3,
                "name_th": "ช่องบริการ 3 (บัตรคิวที่สำนักงาน)",
                "name_en": "Counter 3 (walk-in tickets)",
                "channels": ["walk_in"],
            },
            {
                "number": 4,
                "name_th": "ช่องบริการ 4 (คิวจองผ่านเว็บไซต์)",
                "name_en": "Counter 4 (web bookings)",
                "channels": ["web"],
            },
            {
                "number": 5,
                "name_th": "ช่องบริการ 5 (คิวจองผ่านเว็บไซต์และแอปพลิเคชัน)",
                "name_en": "Counter 5 (web and mobile bookings)",
                "channels": ["web", "mobile"],
            },
            {
                "number": 6,
                "name_th": "ช่องบริการ 6 (คิวจองผ่านแอปพลิเคชัน)",
                "name_en": "Counter 6 (mobile bookings)",
                "channels": ["mobile"],
            },
        ],
    },
]
