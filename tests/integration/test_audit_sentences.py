"""The audit reads as sentences for a head (issue 19 §4): "ความจุคิวหน้างาน วันจันทร์ 100 → 95",
counters by their number (never a row id), accounts and services by name, flags as words; the
raw record stays as it was and is exported as CSV."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Counter, Staff
from tests.integration.test_admin_pages import offices, post, sign_in, weekly_grid  # noqa: F401


def audit_items(client, lang="th") -> list[str]:
    page = client.get(f"/admin/pa-sang/audit?lang={lang}").get_data(as_text=True)
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", page, re.S)]


def test_changes_read_as_sentences_with_counter_numbers_and_names_in_thai_and_english(client, offices):  # noqa: F811
    mine, _ = offices
    sign_in(client)
    post(client, "/admin/pa-sang/capacity/weekly", weekly_grid("pa-sang", cap_1_walk_in=95),
         page="/admin/pa-sang/capacity")  # fmt: skip
    counter = db.session.scalar(select(Counter).where(Counter.office_id == mine.id, Counter.number == 2))
    post(client, f"/admin/pa-sang/counters/{counter.id}",
         {"number": "2", "name_th": "ช่องเว็บ", "name_en": "Web desk", "channels": ["web"], "active": "1"},
         page="/admin/pa-sang/counters")  # fmt: skip
    post(client, "/admin/pa-sang/capacity/dates", {"day": "2026-11-24", "channel": "web", "capacity": "7"},
         page="/admin/pa-sang/capacity")  # fmt: skip
    clerk = db.session.scalar(select(Staff).where(Staff.username == "clerk"))
    clerk.display_name = "สมศรี ใจงาม"
    db.session.commit()
    post(client, f"/admin/pa-sang/staff/{clerk.id}/deactivate", {}, page="/admin/pa-sang/staff")

    thai = audit_items(client)
    english = audit_items(client, "en")

    assert "ความจุคิวหน้างาน วันจันทร์ 100 → 95" in thai
    assert "ช่องบริการที่ 2 · ชื่อภาษาไทย: ช่องบริการ 2 → ช่องเว็บ" in thai
    assert "ความจุเว็บ วันที่ 24 พฤศจิกายน พ.ศ. 2569 ตามค่าของวันในสัปดาห์ → 7" in thai
    assert "ปิดการใช้งานบัญชีของ สมศรี ใจงาม" in thai
    assert "Capacity of Walk-in on Monday: 100 → 95" in english
    assert "Counter 2 · Name in English: Counter 2 → Web desk" in english
    text = " ".join(thai + english)
    assert not re.search(r"\b(walk_in|weekly_capacity|name_th|True|False|deactivate)\b", text)


def test_the_raw_record_is_kept_and_exported(client, offices):  # noqa: F811
    sign_in(client)
    post(client, "/admin/pa-sang/capacity/weekly", weekly_grid("pa-sang", cap_1_walk_in=95),
         page="/admin/pa-sang/capacity")  # fmt: skip
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "weekly_capacity")).all()

    exported = client.get("/admin/pa-sang/audit.csv?lang=en")

    assert (entry.before, entry.after) == ({"1:walk_in": 100}, {"1:walk_in": 95})  # the raw record, unchanged
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    header = rows.index(next(r for r in rows if r and r[0] == "When (UTC)"))
    line = rows[header + 1]
    assert line[1:5] == ["head", "weekly_capacity", "pa-sang", "update"]
    assert json.loads(line[5]) == {"1:walk_in": 100} and line[7] == "Capacity of Walk-in on Monday: 100 → 95"
    sign_in(client, "clerk")
    assert client.get("/admin/pa-sang/audit.csv").status_code == 403


def test_a_record_of_a_later_part_still_reads_as_what_and_changes(client, offices):  # noqa: F811
    from app.domain.audit_sentences import Words, sentences

    [head, change] = sentences("sign_in", "head", "failed", {"attempts": 1}, {"attempts": 2})

    assert head.values["entity"] == "sign in" and change.values["before"] == 1
    [flag] = sentences("office", "pa-sang", "update", {"cross_channel_calls": False}, {"cross_channel_calls": True})
    assert flag.values["before"] == Words("No") and flag.values["after"] == Words("Yes")
