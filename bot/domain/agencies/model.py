"""What an agency is, as far as follow-up is concerned.

A directive names agencies in words; reminders go to registered agencies. The
record keeps the official name, the other names people write (aliases and
abbreviations) and the category, because directives address whole categories
at once ("các sở, ban, ngành", "UBND các huyện, thị xã, thành phố").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgencyCategory(StrEnum):
    """Kinds of agency a directive can address as a group."""

    SO_NGANH = "so_nganh"  # sở, ban, ngành of a province (incl. Văn phòng UBND, Thanh tra tỉnh)
    HUYEN = "huyen"  # UBND huyện / thị xã / thành phố thuộc tỉnh (before the 2025 reform)
    XA = "xa"  # UBND xã / phường / thị trấn / đặc khu
    PHONG = "phong"  # phòng chuyên môn of a district or commune UBND, Văn phòng HĐND và UBND
    TRUNG_UONG = "trung_uong"  # central agencies on the territory: Công an tỉnh, Cục Thuế ...
    KHAC = "khac"  # anything else: ban quản lý, đơn vị sự nghiệp, hội, MTTQ ...


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    """One registered agency.

    `code` is the short, stable identifier people and reports use ("STP",
    "UBND_BINHSON"); names change with reorganisations, codes should not.
    `aliases` holds every other way the agency is written, abbreviations
    included ("STP", "Sở TP"). `head_title` is how its head is addressed
    ("Giám đốc", "Chủ tịch"), used to phrase reminders.
    """

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    category: AgencyCategory = AgencyCategory.KHAC
    parent_code: str | None = None
    head_title: str | None = None
