"""SQLAlchemy 2 typed models of the group level.

There are deliberately no personal fields here: an observation is a count of
incidents in an area on a day, by category and source (DOMAIN.md, privacy rule 3).
Geometry is stored as GeoJSON text in EPSG:4326 so the same schema runs on SQLite
and PostgreSQL without PostGIS.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from data.clock import utc_now

# Stable constraint names so Alembic migrations are identical on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current moment (aware UTC), from the project's clock (:mod:`data.clock`)."""
    return utc_now()


def new_session_token() -> str:
    """A fresh random session token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Area(Base):
    """A neighbourhood or municipality: the spatial unit counts are shown for."""

    __tablename__ = "area"
    __table_args__ = (
        CheckConstraint("level IN ('kommun', 'regso', 'deso', 'custom')", name="level"),
        CheckConstraint("population_10_19 IS NULL OR population_10_19 >= 0", name="population"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    geometry_geojson: Mapped[str | None] = mapped_column(Text)
    """GeoJSON geometry (Polygon or MultiPolygon), EPSG:4326."""
    population_10_19: Mapped[int | None] = mapped_column(Integer)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    """True for generated demo areas; the UI labels them as synthetic."""

    parent: Mapped[Area | None] = relationship(remote_side=[id])


class Category(Base):
    """An observation category with its Swedish label and planning severity."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    severity: Mapped[float] = mapped_column(Float, default=1.0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Source(Base):
    """Who reported: skola, socialtjänst, polis, fritid, fält, nattvandring, …"""

    __tablename__ = "source"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A person who logs in. Holds a role and a scope, never case data."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'coordinator', 'reporter', 'police_area', 'leadership')",
            name="role",
        ),
        CheckConstraint("language IN ('sv', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    kommun_code: Mapped[str | None] = mapped_column(String(4))
    """The municipality the user works in; None only for admins of the whole system."""
    source_code: Mapped[str | None] = mapped_column(ForeignKey("source.code"))
    """The reporting organisation type, pre-filled in report forms."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    """Part of every session cookie of this user; rotating it ends all their sessions."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """TOTP second factor: base32 secret (None: not enrolled), the step of the last
    accepted code (each code works once), wrong codes in a row at login."""

    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("association.id", ondelete="SET NULL")
    )
    """The walking association the user walks for, if any: only its own walkers (and the
    coordinator) may file a walk report for one of its planned walks."""

    areas: Mapped[list[Area]] = relationship(secondary="user_area", lazy="selectin")
    """Assigned areas (police area coordinators see only these)."""
    language: Mapped[str] = mapped_column(String(2), default="sv", server_default="sv")
    """The language of the user's pages: ``sv`` (default) or ``en``."""


class UserArea(Base):
    """Assignment of areas to a user (scope of a police area coordinator)."""

    __tablename__ = "user_area"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), primary_key=True
    )


class AreaMember(Base):
    """A DeSO or RegSO that is part of an own area (``custom``) composed from them.

    Each DeSO/RegSO belongs to at most one composed own area, so its incidents are
    counted there once.
    """

    __tablename__ = "area_member"

    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, unique=True
    )


class Observation(Base):
    """One group-level report: incidents of a category in an area on a day.

    Never holds names, personnummer, phone numbers, e-mail or home addresses.
    """

    __tablename__ = "observation"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint(
            "time_band IS NULL OR time_band IN ('day', 'evening', 'night')", name="time_band"
        ),
        CheckConstraint(
            "group_size IS NULL OR group_size IN ('1', '2-4', '5-9', '10+')", name="group_size"
        ),
        CheckConstraint(
            "age_band IS NULL OR age_band IN ('10-12', '13-15', '16-18')", name="age_band"
        ),
        CheckConstraint(
            "location_precision IN ('point', 'area', 'kommun', 'county')", name="precision"
        ),
        Index("ix_observation_area_day", "area_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    time_band: Mapped[str | None] = mapped_column(String(8))
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"))
    count: Mapped[int] = mapped_column(Integer, default=1)
    group_size: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(String(280))
    location_precision: Mapped[str] = mapped_column(String(8), default="area")
    """How exact the location is; a record is aggregated only at this level or coarser."""
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    external_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    """Idempotency key of an imported record (e.g. ``polisen:591234``): re-imports add nothing."""
    walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk_report.id", ondelete="CASCADE"), index=True
    )
    """The walk report this observation was seen on (source ``nattvandring``), if any."""

    area: Mapped[Area] = relationship()


class WalkReport(Base):
    """A nattvandring walk: when, how many adults walked and how it felt (group level).

    What was seen is stored as observations (``Observation.walk_id``); the walked
    areas are kept in :class:`WalkReportArea` so a walk with nothing seen still
    records where adults were present. Times are local ``HH:MM``; an end before the
    start means the walk ended the next day.
    """

    __tablename__ = "walk_report"
    __table_args__ = (
        CheckConstraint("walkers >= 1", name="walkers_positive"),
        CheckConstraint("rating IN ('calm', 'uneasy')", name="rating"),
        CheckConstraint("length(start_time) = 5 AND length(end_time) = 5", name="times"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    walked_on: Mapped[date] = mapped_column(Date, index=True)
    """The day the walk started."""
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    walkers: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(8))
    """``calm`` (lugnt) or ``uneasy`` (oroligt)."""
    note: Mapped[str | None] = mapped_column(String(280))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    planned_walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_walk.id", ondelete="SET NULL"), index=True, unique=True
    )
    """The walk of the schedule this report is for, if any (planned vs done); at most one
    report per planned walk."""
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When a coordinator confirmed the report of a planned walk (only then is it paid)."""
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    """The coordinator who confirmed it."""
    form_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    """The form's one-time key (``form:<user id>:<nonce>``): a second request with the
    same key saves nothing (double submission)."""

    areas: Mapped[list[Area]] = relationship(secondary="walk_report_area", lazy="selectin")


class WalkReportArea(Base):
    """An area a walk went through (one row per area and walk)."""

    __tablename__ = "walk_report_area"

    walk_id: Mapped[int] = mapped_column(
        ForeignKey("walk_report.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True
    )


class DataVersion(Base):
    """Monotonic counters that tell per-process caches when to rebuild.

    ``observations`` is bumped by every unit of work that writes observations or
    areas; the count cube compares it with the version it was built from.
    """

    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    """Instance-wide key/value settings (e.g. whether this database holds demo data)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class InstanceSecret(Base):
    """A secret of this installation, kept in the database so that every worker and
    node has the same one (e.g. the cell key method's noise key,
    :mod:`data.privacy.noise_key`). Never shown, exported or logged."""

    __tablename__ = "instance_secret"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportJob(Base):
    """A long-running import (area layer), with progress other workers can read.

    Holds no file contents: only the step, progress and the Swedish report lines.
    """

    __tablename__ = "import_job"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8), default="running")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    step: Mapped[str] = mapped_column(String(200), default="")
    messages: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of Swedish report lines."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token for the aggregate API, acting as its user (role and scope).

    Only the SHA-256 hash of the token is stored; the token itself is shown once,
    when it is created. A revoked token, or one whose user is deactivated, no
    longer works.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """Hex SHA-256 of the token (a random 256-bit secret needs no salt or slow hash)."""
    label: Mapped[str] = mapped_column(String(100), default="")
    """What the token is for, e.g. "veckorapport-skript" (no secrets, no personal data)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """After this moment the token is refused (default 90 days after creation)."""
    use_audited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """One line of the audit log (:mod:`data.access.audit`): who did what, when and from
    where, never the data. Append-only (triggers of migration 0010 refuse UPDATE and
    DELETE); ``actor_id`` is no foreign key, so removing a user changes no row."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")


class SchoolCalendarEntry(Base):
    """A school holiday or skolavslutning of a municipality (entered or imported).

    ``kind`` is one of :data:`data.calendar.holidays.SCHOOL_KINDS`; ``last_day`` is inclusive
    (skolavslutning: one day). One entry per kommun, kind and first day.
    """

    __tablename__ = "school_calendar_entry"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="days_ordered"),
        UniqueConstraint("kommun_code", "kind", "first_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LocalEvent(Base):
    """A local event entered by the SSP team (festival, match, demonstration …).

    ``starts_at``/``ends_at`` are stored in UTC (read back as aware UTC times); the
    areas it concerns are in :class:`LocalEventArea` (none: the whole kommun).
    """

    __tablename__ = "local_event"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times_ordered"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    areas: Mapped[list[Area]] = relationship(secondary="local_event_area", lazy="selectin")


class LocalEventArea(Base):
    """An area a local event concerns (one row per area and event)."""

    __tablename__ = "local_event_area"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("local_event.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True
    )


class Association(Base):
    """A group that walks (sports club, Nattvandrarna group, parents of a class).

    Only the association's name and a contact role (never a person's name or
    number: contacts are kept outside the system)."""

    __tablename__ = "association"
    __table_args__ = (UniqueConstraint("kommun_code", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WalkSignup(Base):
    """An association's offer for one night: how many walkers, from when to when."""

    __tablename__ = "walk_signup"
    __table_args__ = (
        CheckConstraint("walkers >= 1", name="walkers_positive"),
        CheckConstraint("length(start_time) = 5 AND length(end_time) = 5", name="times"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), index=True
    )
    night: Mapped[date] = mapped_column(Date, index=True)
    """The evening the walk starts (a walk past midnight belongs to it)."""
    walkers: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    association: Mapped[Association] = relationship(lazy="joined")


class PlannedWalk(Base):
    """A saved walk of the schedule: a group of an association in an area on a night."""

    __tablename__ = "planned_walk"
    __table_args__ = (CheckConstraint("walkers >= 1", name="walkers_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    night: Mapped[date] = mapped_column(Date, index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("association.id", ondelete="SET NULL")
    )
    walkers: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    meeting_point: Mapped[str] = mapped_column(String(120), default="")
    expected: Mapped[float] = mapped_column(Float, default=0.0)
    """The forecast value the optimiser saw (published numbers only)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship(lazy="joined")
    association: Mapped[Association | None] = relationship(lazy="joined")


class ParentMeeting(Base):
    """A parent meeting held (or planned) for an area because of a group-level concern."""

    __tablename__ = "parent_meeting"
    __table_args__ = (CheckConstraint("attending IS NULL OR attending >= 0", name="attending"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(16))
    """``school`` or ``youth_centre`` (skola / fritidsgård)."""
    theme: Mapped[str] = mapped_column(String(120))
    attending: Mapped[int | None] = mapped_column(Integer)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship(lazy="joined")


class LagesbildAssessment(Base):
    """The coordinator's draft bedömning and decided actions for one kommun and
    lägesbild period (:mod:`data.briefing.archive`; both texts PII-guarded)."""

    __tablename__ = "lagesbild_assessment"
    __table_args__ = (UniqueConstraint("kommun_code", "period_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4))
    period_code: Mapped[str] = mapped_column(String(8))
    assessment: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(Integer)


class LagesbildPublished(Base):
    """A published lägesbild: the briefing as JSON, its PDF and the PDF's SHA-256.
    Immutable: the triggers of migration 0015 refuse UPDATE; ``published_by`` is no
    foreign key, so removing a user changes no row."""

    __tablename__ = "lagesbild_published"
    __table_args__ = (
        CheckConstraint("audience IN ('leadership', 'coordinator')", name="audience"),
        Index("ix_lagesbild_published_kommun_at", "kommun_code", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4))
    period_code: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))


# Issue 17 — police partnership (migration 0017): the police area coordinator's
# review of a week's walk plan, and the riktade insatser they record.


class PlanReview(Base):
    """A police area coordinator's answer to one ISO week's walk plan of a kommun:
    ``agreed`` (godkänd) or ``comment``. Append-only history: the newest agreement
    counts. An agreement keeps what was agreed (the walks the user saw, as JSON, and
    their SHA-256) so a later change of the plan shows. Texts are PII-guarded."""

    __tablename__ = "plan_review"
    __table_args__ = (
        CheckConstraint("kind IN ('agreed', 'comment')", name="kind"),
        Index("ix_plan_review_kommun_week", "kommun_code", "week_monday"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4))
    week_monday: Mapped[date] = mapped_column(Date)
    """Monday of the ISO week reviewed."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(String(500), default="")
    areas: Mapped[str] = mapped_column(Text, default="[]")
    """The area codes the reviewer could see (JSON list): the part of the plan reviewed."""
    walks: Mapped[str] = mapped_column(Text, default="[]")
    """The walks agreed (JSON), empty for a comment."""
    plan_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JointOperation(Base):
    """A riktad insats: a joint operation the police record (date, optional time span,
    areas, partner organisations, kind, short PII-guarded note)."""

    __tablename__ = "joint_operation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str | None] = mapped_column(String(5))
    end_time: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(32))
    partners: Mapped[str] = mapped_column(String(200))
    """Partner codes, comma-separated (:data:`data.planning.police.PARTNERS`)."""
    note: Mapped[str] = mapped_column(String(280), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    areas: Mapped[list[Area]] = relationship(secondary="joint_operation_area", lazy="selectin")


class JointOperationArea(Base):
    """An area a riktad insats covered."""

    __tablename__ = "joint_operation_area"

    operation_id: Mapped[int] = mapped_column(
        ForeignKey("joint_operation.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True
    )


# Issue 17, associations without accounts.
class AssociationLink(Base):
    """An association's sign-up link (:mod:`data.planning.association_links`): only the
    keyed hash of its token, who made it and its lifetime. Revoked or past
    ``expires_at``, it opens nothing."""

    __tablename__ = "association_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), index=True
    )
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """Hex HMAC-SHA256 of the token under the app's secret (never the token)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    association: Mapped[Association] = relationship(lazy="joined")


class WeeklyAction(Base):
    """An action (*åtgärd*) decided at the weekly SSP meeting (:mod:`data.weekly.actions`):
    what (PII-guarded), owner organisation, due date, status, follow-up note
    (PII-guarded), the ISO week it was decided, and when it was closed."""

    __tablename__ = "weekly_action"
    __table_args__ = (
        CheckConstraint("status IN ('oppen', 'pagar', 'klar')", name="status"),
        Index("ix_weekly_action_kommun_week", "kommun_code", "week_decided"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4))
    what: Mapped[str] = mapped_column(String(280))
    owner: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="oppen")
    follow_up: Mapped[str] = mapped_column(String(500), default="")
    week_decided: Mapped[str] = mapped_column(String(8))
    """The ISO week of the meeting that decided it, ``2026-W49``."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    areas: Mapped[list[Area]] = relationship(secondary="weekly_action_area", lazy="selectin")


class WeeklyActionArea(Base):
    """The areas (of the action's kommun) an action concerns."""

    __tablename__ = "weekly_action_area"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("weekly_action.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True
    )


# The consent-gated case layer's models live beside these, on the same metadata.
from data.storage import consent_models as consent_models  # noqa: E402
