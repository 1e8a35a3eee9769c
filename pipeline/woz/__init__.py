"""WOZ values from the Kadaster WOZ API (Huidige Bevragingen): rate-limited, cached, resumable.

Public API:

- :class:`WozConfig`, :func:`load_config` (TOML file + ``WWS_WOZ_*`` env, env wins)
- :class:`WozClient` (httpx; ``get_object``, ``search``, ``lookup``)
- :func:`fetch_missing` (fetch what the cache lacks for a peildatum)
- :func:`import_file` (CSV / Parquet into the cache, source ``import``)
- :func:`resolve_woz` (for scoring: portfolio / api / import per dwelling)
- :func:`status` (quota used today, cache counts)
- the errors of :mod:`pipeline.woz.errors`

See ``docs/woz.md``.
"""

from pipeline.woz.client import DEFAULT_FIELDS, LookupResult, WozClient
from pipeline.woz.config import ETO_BASE_URL, WozConfig, load_config
from pipeline.woz.errors import (
    WozApiError,
    WozAuthError,
    WozBadRequest,
    WozConfigError,
    WozError,
    WozLimitError,
    WozProtocolError,
    WozQuotaExhausted,
    WozRateLimited,
    WozTlsError,
    WozUnavailable,
)
from pipeline.woz.fetch import FetchProgress, FetchReport, fetch_missing
from pipeline.woz.importer import ImportReport, WozImportError, import_file
from pipeline.woz.models import EstablishedValue, WozObject, established_values
from pipeline.woz.resolve import resolve_woz
from pipeline.woz.status import WozStatus, status
from pipeline.woz.store import ensure_tables

__all__ = [
    "DEFAULT_FIELDS",
    "ETO_BASE_URL",
    "EstablishedValue",
    "FetchProgress",
    "FetchReport",
    "ImportReport",
    "LookupResult",
    "WozApiError",
    "WozAuthError",
    "WozBadRequest",
    "WozClient",
    "WozConfig",
    "WozConfigError",
    "WozError",
    "WozImportError",
    "WozLimitError",
    "WozObject",
    "WozProtocolError",
    "WozQuotaExhausted",
    "WozRateLimited",
    "WozStatus",
    "WozTlsError",
    "WozUnavailable",
    "ensure_tables",
    "established_values",
    "fetch_missing",
    "import_file",
    "load_config",
    "resolve_woz",
    "status",
]
