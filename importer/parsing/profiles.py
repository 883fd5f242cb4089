"""Paper profiles: a newspaper's own conventions as data, not code.

Each ``profile_data/*.json`` file describes one paper (its Chinese name and the English masthead its
pages carry) and may add to the vocabulary every paper shares; ``default.json`` holds that shared
vocabulary (wire agencies whose names open leads and credits, the phrases that open a new column)
and names no paper, so an unknown paper is read with it alone. The segmenter reads the union of
all profiles: adding a paper is adding a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "profile_data"
_KEYS = {"key", "name", "notes", "mastheads", "wire_agencies", "column_intros"}


class ProfileError(ValueError):
    """A profile file that cannot be used: its name and what is wrong with it."""


@dataclass(frozen=True)
class PaperProfile:
    key: str
    name: str | None = None
    notes: str = ""
    #: English masthead as printed (white space ignored) -> the paper's Chinese name
    mastheads: dict[str, str] = field(default_factory=dict)
    #: agencies whose dispatches and photos a page prints ("新华社北京…电", "新华社发（…摄）")
    wire_agencies: tuple[str, ...] = ()
    #: headlines that open a new column rather than head a story ("开栏的话")
    column_intros: tuple[str, ...] = ()


def load_profile(path: Path) -> PaperProfile:
    """One profile file, checked: unknown keys or wrong types are refused with the file's name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ProfileError(f"{path.name}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        raise ProfileError(f"{path.name}: a profile is an object with a string 'key'")
    unknown = set(data) - _KEYS
    if unknown:
        raise ProfileError(f"{path.name}: unknown keys {sorted(unknown)}")
    mastheads = data.get("mastheads") or {}
    lists = {name: data.get(name) or [] for name in ("wire_agencies", "column_intros")}
    if not isinstance(mastheads, dict) or not all(isinstance(v, str) for v in mastheads.values()):
        raise ProfileError(f"{path.name}: 'mastheads' maps masthead text to a paper's name")
    for name, values in lists.items():
        if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
            raise ProfileError(f"{path.name}: '{name}' is a list of non-empty strings")
    return PaperProfile(
        key=data["key"],
        name=data.get("name"),
        notes=data.get("notes", ""),
        mastheads={"".join(key.split()): value for key, value in mastheads.items()},
        wire_agencies=tuple(lists["wire_agencies"]),
        column_intros=tuple(lists["column_intros"]),
    )


def load_profiles(directory: Path = DATA_DIR) -> tuple[PaperProfile, ...]:
    profiles = tuple(load_profile(path) for path in sorted(directory.glob("*.json")))
    if not any(profile.key == "default" for profile in profiles):
        raise ProfileError(f"{directory}: no default.json profile")
    return profiles


PROFILES = load_profiles()
DEFAULT = next(profile for profile in PROFILES if profile.key == "default")
#: Every known English masthead (white space removed) -> its paper's Chinese name.
MASTHEADS: dict[str, str] = {key: value for profile in PROFILES for key, value in profile.mastheads.items()}
WIRE_AGENCIES: tuple[str, ...] = tuple(dict.fromkeys(a for profile in PROFILES for a in profile.wire_agencies))
COLUMN_INTROS: frozenset[str] = frozenset(phrase for profile in PROFILES for phrase in profile.column_intros)
