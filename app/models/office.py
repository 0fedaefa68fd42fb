"""An office and how it works: hours, closed dates, services, counters, capacities."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from app.domain.calendar import OfficeCalendar
from app.domain.channels import Channel
from app.extensions import db

from .types import UTCDateTime, sql_in_list, utcnow

CHANNELS_SQL = sql_in_list(Channel)


class Office(db.Model):
    __tablename__ = "offices"
    __table_args__ = (
        CheckConstraint("geofence_m BETWEEN 100 AND 20000", name="geofence_range"),
        CheckConstraint("booking_horizon_days BETWEEN 0 AND 365", name="horizon_range"),
        CheckConstraint("web_slot_minutes BETWEEN 5 AND 240", name="slot_minutes_range"),
        CheckConstraint("web_slot_capacity >= 0", name="slot_capacity_nonnegative"),
        CheckConstraint("checkin_early_minutes BETWEEN 0 AND 240", name="checkin_early_range"),
        CheckConstraint("checkin_late_minutes BETWEEN 0 AND 240", name="checkin_late_range"),
        CheckConstraint("no_show_after_recalls BETWEEN 0 AND 10", name="recalls_range"),
        # Numbers never repeat within an office and day, so channels need distinct prefixes.
        CheckConstraint(
            "prefix_walk_in <> prefix_web AND prefix_walk_in <> prefix_mobile AND prefix_web <> prefix_mobile",
            name="distinct_prefixes",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address_th: Mapped[str] = mapped_column(Text, default="")
    address_en: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    geofence_m: Mapped[int] = mapped_column(Integer, default=1500)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    web_slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    web_slot_capacity: Mapped[int] = mapped_column(Integer, default=4)
    prefix_walk_in: Mapped[str] = mapped_column(String(2), default="A")
    prefix_web: Mapped[str] = mapped_column(String(2), default="W")
    prefix_mobile: Mapped[str] = mapped_column(String(2), default="M")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The office floor: when a web booking may check in (minutes before its window starts,
    # after it ends), how many recalls before a ticket is missed, and whether a counter
    # whose own channel is empty may call from another channel.
    checkin_early_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    checkin_late_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    no_show_after_recalls: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    cross_channel_calls: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Fairness (issue 12): "otp" holds a web or mobile booking until the code sent to the
    # person's phone (or e-mail) is typed back; an unconfirmed hold ends after hold_minutes.
    # Checked by app.domain.office_spec (a CHECK here would rebuild the table on SQLite).
    verification: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    hold_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    # The letterhead of the office's printed letters (Section 10 delay notices): the letter
    # number's prefix ("ลพ 0318/"; the letter adds "ที่" and the running number), the sender
    # block (name and address, one item a line;
    # the office's name and address when empty), the signatory's position and the contact line.
    letter_ref_prefix: Mapped[str] = mapped_column(String(40), default="", server_default="")
    letterhead_th: Mapped[str] = mapped_column(Text, default="", server_default="")
    letter_signatory_th: Mapped[str] = mapped_column(String(200), default="", server_default="")
    letter_contact_th: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Issue 21: the head reviews a clerk's first delay notice of a request before it is sent.
    first_notice_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    periods: Mapped[list[OpeningPeriod]] = relationship(
        back_populates="office", cascade="all, delete-orphan", order_by="(OpeningPeriod.weekday, OpeningPeriod.opens)"
    )
    closures: Mapped[list[Closure]] = relationship(cascade="all, delete-orphan", order_by="Closure.day")
    services: Mapped[list[Service]] = relationship(
        back_populates="office", cascade="all, delete-orphan", order_by="Service.id"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="office", cascade="all, delete-orphan", order_by="Counter.number"
    )
    capacities: Mapped[list[ChannelCapacity]] = relationship(cascade="all, delete-orphan")
    capacity_overrides: Mapped[list[CapacityOverride]] = relationship(cascade="all, delete-orphan")
    extra_periods: Mapped[list[ExtraPeriod]] = relationship(
        cascade="all, delete-orphan", order_by="(ExtraPeriod.day, ExtraPeriod.opens)"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th

    def address(self, locale: str) -> str:
        return self.address_en if locale == "en" else self.address_th

    def prefix(self, channel: Channel) -> str:
        return {
            Channel.WALK_IN: self.prefix_walk_in,
            Channel.WEB: self.prefix_web,
            Channel.MOBILE: self.prefix_mobile,
        }[channel]

    def calendar(self) -> OfficeCalendar:
        return OfficeCalendar.build(
            ((p.weekday, p.opens, p.closes) for p in self.periods),
            (c.day for c in self.closures),
            ((e.day, e.opens, e.closes) for e in self.extra_periods),
        )

    def weekly_capacity(self, channel: Channel) -> dict[int, int]:
        return {c.weekday: c.capacity for c in self.capacities if c.channel == channel}

    def capacity_override(self, channel: Channel, day: date) -> int | None:
        return next((o.capacity for o in self.capacity_overrides if o.channel == channel and o.day == day), None)

    def counters_for(self, channel: Channel) -> list[Counter]:
        return [c for c in self.counters if c.active and channel in c.channel_set]


class OpeningPeriod(db.Model):
    """One stretch of opening time on a weekday; a day may have several."""

    __tablename__ = "opening_periods"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="iso_weekday"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # ISO: 1 = Monday … 7 = Sunday
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    office: Mapped[Office] = relationship(back_populates="periods")


class ExtraPeriod(db.Model):
    """Extended hours on one date (an evening, a Saturday campaign): opening time added to
    that date's weekly periods; on a date that is normally closed, the day's only hours."""

    __tablename__ = "extra_periods"
    __table_args__ = (
        CheckConstraint("opens < closes", name="opens_before_closes"),
        Index("ix_extra_periods_office_day", "office_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class Closure(db.Model):
    """A date the office is closed: a public holiday or an announced closure."""

    __tablename__ = "closures"
    __table_args__ = (UniqueConstraint("office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    reason_th: Mapped[str] = mapped_column(String(200), default="")
    reason_en: Mapped[str] = mapped_column(String(200), default="")


class Service(db.Model):
    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("office_id", "code"),
        CheckConstraint("avg_minutes BETWEEN 1 AND 480", name="avg_minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    avg_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # What to bring, one item a line, shown before booking and on the booking's page.
    documents_th: Mapped[str] = mapped_column(Text, default="", server_default="")
    documents_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Section 10: the processing time the citizen's manual states (None: not entered yet),
    # counted in working or calendar days.
    processing_days: Mapped[int | None] = mapped_column(Integer)
    processing_day_kind: Mapped[str] = mapped_column(String(10), default="working", server_default="working")

    office: Mapped[Office] = relationship(back_populates="services")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


class Counter(db.Model):
    """A service counter; it serves one or more channels (the source asks to keep them apart)."""

    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    office: Mapped[Office] = relationship(back_populates="counters")
    channels: Mapped[list[CounterChannel]] = relationship(cascade="all, delete-orphan")
    # The services whose tickets it calls; none listed: every service.
    services: Mapped[list[CounterService]] = relationship(cascade="all, delete-orphan")

    @property
    def channel_set(self) -> set[Channel]:
        return {Channel(c.channel) for c in self.channels}

    @property
    def service_ids(self) -> frozenset[int]:
        return frozenset(s.service_id for s in self.services)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


class CounterChannel(db.Model):
    __tablename__ = "counter_channels"
    __table_args__ = (CheckConstraint(f"channel IN {CHANNELS_SQL}", name="channel_known"),)

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)


class CounterService(db.Model):
    """A service a counter calls; a counter with no rows here calls every service."""

    __tablename__ = "counter_services"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)


class ChannelCapacity(db.Model):
    """How many places a channel offers on a weekday."""

    __tablename__ = "channel_capacities"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="iso_weekday"),
        CheckConstraint("capacity >= 0", name="capacity_nonnegative"),
        CheckConstraint(f"channel IN {CHANNELS_SQL}", name="channel_known"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)


class CapacityOverride(db.Model):
    """A different capacity for one date (a staff shortage, a campaign day)."""

    __tablename__ = "capacity_overrides"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_nonnegative"),
        CheckConstraint(f"channel IN {CHANNELS_SQL}", name="channel_known"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
