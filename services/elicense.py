"""The e-license (电子证照) adapter: which licenses does this applicant already hold?

The intake screen asks once the applicant's ID number (or USCC) is valid; every material whose
catalog `elicense` type is among the holdings is then marked 电子证照免提交 by the checklist
engine (clerk.checklist.material_statuses) without the clerk touching it.

    service = elicense_for(settings)          # HTTP when settings.elicense_url is set, else demo
    holdings = await service.lookup("91310106MA1FL0001M", kind="organization")
    holdings.types                            # frozenset({"营业执照"})

Implementations
- `DemoElicense`: the packaged demo library clerk/data/elicense_demo.json (fictional holders).
- `HttpElicense`: a hall's e-license gateway. The protocol it speaks:

      GET {elicense_url}/holders/{number}/licenses?kind=person|organization[&id_type=resident_id]
      200 {"name": "…", "licenses": [{"type": "营业执照", "number": "…", "issuer": "…",
                                      "issued": "2024-03-18", "valid_until": "2030-01-01",
                                      "address": "…", "legal_rep": "…", "scope": "…"}]}

  Any other text key of a license is data printed on it (住所, 法定代表人, 经营范围 …): the
  多表合一 fill rules (clerk/catalog/fill.py) name them, e.g. `{"license": "营业执照",
  "key": "address"}`.
      404 the holder has no e-licenses (an empty answer, not an error)

  Anything else — no answer, a timeout, a 5xx, a body that is not that JSON — raises
  `ElicenseError` whose `message` says so in the clerk's language. Nothing the clerk typed is
  touched by a failed lookup: the materials simply stay to be ticked by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from clerk import i18n

__all__ = [
    "DemoElicense",
    "ElicenseError",
    "ElicenseRecord",
    "ElicenseService",
    "Holdings",
    "HttpElicense",
    "elicense_for",
]

DEFAULT_TIMEOUT_S = 5.0


_RECORD_KEYS = ("type", "number", "issuer", "issued", "valid_until")


@dataclass(frozen=True)
class ElicenseRecord:
    type: str  # the catalog's e-license type, e.g. 营业执照 / 居民身份证
    number: str = ""
    issuer: str = ""
    issued: str = ""
    valid_until: str = ""
    data: tuple[tuple[str, str], ...] = ()  # what else the license says (address, legal_rep …)

    @classmethod
    def of(cls, data: Any) -> ElicenseRecord:
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise ValueError("a license needs a string 'type'")
        return cls(
            type=data["type"].strip(),
            number=str(data.get("number") or ""),
            issuer=str(data.get("issuer") or ""),
            issued=str(data.get("issued") or ""),
            valid_until=str(data.get("valid_until") or ""),
            data=tuple(
                (str(k), v.strip())
                for k, v in data.items()
                if k not in _RECORD_KEYS and isinstance(v, str) and v.strip()
            ),
        )


@dataclass(frozen=True)
class Holdings:
    """What the library holds for one applicant (possibly nothing)."""

    number: str
    name: str = ""
    licenses: tuple[ElicenseRecord, ...] = ()
    source: str = ""  # "demo" / the gateway URL

    @property
    def types(self) -> frozenset[str]:
        return frozenset(record.type for record in self.licenses if record.type)

    def data(self) -> dict[str, dict[str, str]]:
        """What each license says, by type (the holder's name as `name`), for 多表合一."""
        out: dict[str, dict[str, str]] = {}
        for record in self.licenses:
            if not record.type:
                continue
            values = {"name": self.name, "number": record.number, "issuer": record.issuer}
            values.update(record.data)
            out[record.type] = {k: v for k, v in values.items() if v}
        return out


class ElicenseError(Exception):
    """A lookup that did not get an answer. `code`: unreachable / timeout / status / bad_answer."""

    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return i18n.t(f"intake.elicense.error.{self.code}", **self.values)


class ElicenseService(Protocol):
    """Ask the e-license library what an applicant holds."""

    source: str

    async def lookup(
        self, number: str, *, kind: str = "person", id_type: str | None = None
    ) -> Holdings: ...


def _normalized(number: str) -> str:
    return "".join(number.split()).upper()


def _holdings(number: str, data: Any, source: str) -> Holdings:
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    licenses = data.get("licenses") or []
    if not isinstance(licenses, list):
        raise ValueError("'licenses' is not a list")
    return Holdings(
        number=number,
        name=str(data.get("name") or ""),
        licenses=tuple(ElicenseRecord.of(item) for item in licenses),
        source=source,
    )


class DemoElicense:
    """The packaged demo library (clerk/data/elicense_demo.json), or a given mapping."""

    source = "demo"

    def __init__(self, holders: dict[str, Any] | None = None) -> None:
        if holders is None:
            text = resources.files("clerk.data").joinpath("elicense_demo.json").read_text("utf-8")
            holders = json.loads(text)["holders"]
        self._holders = {_normalized(k): v for k, v in holders.items()}

    async def lookup(
        self, number: str, *, kind: str = "person", id_type: str | None = None
    ) -> Holdings:
        key = _normalized(number)
        data = self._holders.get(key)
        if data is None:
            return Holdings(key, source=self.source)
        return _holdings(key, data, self.source)


class HttpElicense:
    """A hall's e-license gateway over HTTP (protocol in the module docstring)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.source = self.url
        self.timeout = timeout
        self._transport = transport

    async def lookup(
        self, number: str, *, kind: str = "person", id_type: str | None = None
    ) -> Holdings:
        key = _normalized(number)
        params = {"kind": kind}
        if id_type:
            params["id_type"] = id_type
        address = f"{self.url}/holders/{quote(key, safe='')}/licenses"
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self._transport) as client:
                response = await client.get(address, params=params)
        except httpx.TimeoutException:
            raise ElicenseError("timeout", url=self.url, seconds=self.timeout) from None
        except httpx.HTTPError as exc:
            raise ElicenseError("unreachable", url=self.url, detail=type(exc).__name__) from None
        if response.status_code == 404:
            return Holdings(key, source=self.source)
        if response.status_code != 200:
            raise ElicenseError("status", url=self.url, status=response.status_code)
        try:
            return _holdings(key, response.json(), self.source)
        except ValueError as exc:
            raise ElicenseError("bad_answer", url=self.url, detail=str(exc)) from None


def elicense_for(settings: Any) -> ElicenseService:
    """The HTTP gateway when `settings.elicense_url` is set, else the demo library."""
    url = getattr(settings, "elicense_url", None)
    if url:
        return HttpElicense(str(url))
    return DemoElicense()
