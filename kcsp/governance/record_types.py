"""The record types retention rules apply to, each declared by its own app in `<app>/retention.py`.

A RecordType knows, for one key of kcsp.datamap.RETENTION_KEYS, which rows are past their period under a rule
(`due`), how to name one without personal data (`label`), and how to dispose of one (`dispose`: delete or
anonymise it with its files, pack caches, search documents and history rows). The governance app finds them by
importing every app's `retention` module (GovernanceConfig.ready); `record_type(key)` returns one and
`record_types()` all, in RETENTION_KEYS order. The only caller of `dispose` is kcsp.governance.disposal.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Due:
    """A record past its period: its id, a label that holds no personal data (a title, "Person 42", a DHR
    pseudonym), the day its period ended, and whether it is Domestic Homicide Review material."""

    object_id: int
    label: str
    due_on: datetime.date
    is_dhr: bool = False


@dataclass
class Disposed:
    """What one disposal removed: files from storage, history rows, search documents."""

    files_removed: int = 0
    history_rows_removed: int = 0
    search_documents_removed: int = 0

    def __iadd__(self, other: "Disposed") -> "Disposed":
        self.files_removed += other.files_removed
        self.history_rows_removed += other.history_rows_removed
        self.search_documents_removed += other.search_documents_removed
        return self


class DisposalRefused(Exception):
    """The record may not be disposed of as the rule says (for example it belongs to signed minutes, the
    public record); the message names the reason and is shown to the DPO."""


class RecordType:
    """Subclass per record type in `<app>/retention.py` and `register()` an instance.

    key: a kcsp.datamap.RETENTION_KEYS key. triggers: the Trigger values its period may run from (first is the
    default). actions: the Action values it supports. is_dhr: its rows are DHR material (listed only to a
    DHR-cleared data protection officer with a code, and loaded through the DHR gate).
    """

    key: str = ""
    triggers: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    is_dhr: bool = False

    def approved_action(self, action: str) -> str:
        """What approving a listed record does under a rule's `action`: a "review" rule listed it for the DPO to
        decide, and approval is the decision to dispose of it (delete where the type allows, else anonymise);
        other actions are carried out as they are. Keep it otherwise ("Keep" on the list)."""
        if action != "review":
            return action
        return next((a for a in ("delete", "anonymise") if a in self.actions), "keep")

    def due(self, rule, as_of: datetime.date) -> Iterable[Due]:
        """Rows whose period under `rule` (a RetentionRule: period_months, trigger) ended on or before `as_of`."""
        raise NotImplementedError

    def label(self, object_id: int) -> str:
        """The row's title or pseudonym (no personal data); "(already removed)" when it no longer exists."""
        raise NotImplementedError

    def url(self, object_id: int) -> str:
        """The address of the record's own page, where the DPO reviewing it can see what it is ("Person 42" says
        nothing); "" when it has none (records kept by month, tokens …). The page applies its own permissions."""
        return ""

    def dispose(self, object_id: int, action: str) -> Disposed:
        """Delete or anonymise the row as `action` says, inside the caller's transaction; files are removed from
        storage once it commits. Raises DisposalRefused when the row may not be disposed of so."""
        raise NotImplementedError


_REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Add a record type (called at import of `<app>/retention.py`); a second one for the same key is an error."""
    from kcsp.datamap import RETENTION_KEYS

    if record_type.key not in RETENTION_KEYS:
        raise ValueError(f"Unknown retention key {record_type.key!r}: add it to kcsp.datamap.RETENTION_KEYS")
    if record_type.key in _REGISTRY and type(_REGISTRY[record_type.key]) is not type(record_type):
        raise ValueError(f"Two record types for {record_type.key!r}")
    _REGISTRY[record_type.key] = record_type
    return record_type


def record_type(key: str) -> RecordType:
    """The record type for `key`; KeyError when no app declares it."""
    return _REGISTRY[key]


def record_types() -> list[RecordType]:
    """Every declared record type, in RETENTION_KEYS order."""
    from kcsp.datamap import RETENTION_KEYS

    return [_REGISTRY[key] for key in RETENTION_KEYS if key in _REGISTRY]
