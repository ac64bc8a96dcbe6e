"""One layout per document kind: which blocks, in which order, with which labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from clerk.clock import datetime_text
from clerk.i18n import t
from printing.documents import (
    AcceptanceReceipt,
    Applicant,
    CommitmentKind,
    Document,
    HandoverRecord,
    ItemLine,
    OneTimeNotice,
    RefusalNotice,
    TicketSlip,
)
from printing.layout import (
    Banner,
    Barcode,
    BigText,
    Block,
    Field,
    Heading,
    Layout,
    Paragraph,
    Rule,
    Signatures,
    Table,
    Title,
)

D = TypeVar("D", bound=Document)
_LAYOUTS: dict[type[Document], Callable[[Any, str | None], list[Block]]] = {}


def _register(
    kind: type[D],
) -> Callable[[Callable[[D, str | None], list[Block]]], Callable[[D, str | None], list[Block]]]:
    def wrap(fn: Callable[[D, str | None], list[Block]]) -> Callable[[D, str | None], list[Block]]:
        _LAYOUTS[kind] = fn
        return fn

    return wrap


def when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    return value.isoformat()


def layout(doc: Document, lang: str | None = None) -> Layout:
    """The blocks of `doc` in the given (or current) language."""
    build = _LAYOUTS[type(doc)]
    footer = tuple(
        part
        for part in (
            doc.hall.footer,
            t("printing.label.address", lang=lang) + doc.hall.address if doc.hall.address else "",
            t("printing.label.phone", lang=lang) + doc.hall.phone if doc.hall.phone else "",
        )
        if part
    )
    return Layout(
        hall_name=doc.hall.name,
        blocks=tuple(build(doc, lang)),
        footer=footer,
        watermark=t("printing.watermark", lang=lang) if doc.practice else None,
        stamp=t("printing.reprint", lang=lang, time=when(doc.reprint_at))
        if doc.reprint_at
        else None,
        title=t(f"printing.title.{doc.kind}", lang=lang),
    )


def _applicant(app: Applicant, lang: str | None) -> list[Block]:
    out: list[Block] = []
    if app.organization:
        out.append(Field(t("printing.label.organization", lang=lang), app.organization))
        out.append(Field(t("printing.label.operator", lang=lang), app.name))
    else:
        out.append(Field(t("printing.label.applicant", lang=lang), app.name))
    if app.id_masked:
        out.append(Field(app.id_label or t("printing.label.id", lang=lang), app.id_masked))
    if app.phone_masked:
        out.append(Field(t("printing.label.phone_short", lang=lang), app.phone_masked))
    if app.agent:
        out.append(Field(t("printing.label.agent", lang=lang), app.agent))
    return out


def _items_table(items: tuple[ItemLine, ...], lang: str | None, with_dates: bool) -> Table:
    if with_dates:
        headers = (
            t("printing.col.item", lang=lang),
            t("printing.col.case", lang=lang),
            t("printing.col.limit", lang=lang),
            t("printing.col.promised", lang=lang),
        )
        rows: tuple[tuple[str, ...], ...] = tuple(
            (i.name, i.case_number, i.limit, when(i.promised)) for i in items
        )
        return Table(headers, rows, (5, 3.2, 1.6, 2))
    rows = tuple((i.name, i.code) for i in items)
    return Table(
        (t("printing.col.item", lang=lang), t("printing.col.code", lang=lang)), rows, (7, 3)
    )


@_register(TicketSlip)
def _ticket(doc: TicketSlip, lang: str | None) -> list[Block]:
    blocks: list[Block] = [
        Title(t("printing.title.ticket", lang=lang)),
        BigText(doc.number),
        Field(t("printing.label.category", lang=lang), doc.category),
        Field(
            t("printing.label.ahead", lang=lang),
            t("printing.ticket.people", lang=lang, n=doc.people_ahead),
        ),
    ]
    if doc.wait_minutes is not None:
        blocks.append(
            Field(
                t("printing.label.wait", lang=lang),
                t("printing.ticket.minutes", lang=lang, n=doc.wait_minutes),
            )
        )
    blocks.append(Field(t("printing.label.time", lang=lang), when(doc.issued_at)))
    if doc.window_hint:
        blocks.append(Paragraph(doc.window_hint))
    blocks.append(Paragraph(t("printing.ticket.keep", lang=lang), small=True))
    return blocks


@_register(AcceptanceReceipt)
def _receipt(doc: AcceptanceReceipt, lang: str | None) -> list[Block]:
    blocks: list[Block] = [
        Title(t("printing.title.receipt", lang=lang)),
        Field(t("printing.label.case_number", lang=lang), doc.case_number, strong=True),
        Barcode(doc.case_number),
        Field(t("printing.label.accepted_at", lang=lang), when(doc.issued_at)),
        *_applicant(doc.applicant, lang),
        Heading(t("printing.head.items", lang=lang, n=len(doc.items))),
        _items_table(doc.items, lang, with_dates=True),
    ]
    if doc.materials:
        blocks += [
            Heading(t("printing.head.materials", lang=lang, n=len(doc.materials))),
            Table(
                (
                    t("printing.col.material", lang=lang),
                    t("printing.col.form", lang=lang),
                    t("printing.col.count", lang=lang),
                    t("printing.col.note", lang=lang),
                ),
                tuple(
                    (m.name, m.form, t("printing.copies", lang=lang, n=m.count), m.note)
                    for m in doc.materials
                ),
                (6, 1.6, 1.2, 2.6),
            ),
        ]
    for kind in (CommitmentKind.RONGQUE, CommitmentKind.PROMISE):
        chosen = [c for c in doc.commitments if c.kind is kind]
        if not chosen:
            continue
        blocks += [
            Heading(t(f"printing.head.{kind.value}", lang=lang)),
            Table(
                (
                    t("printing.col.material", lang=lang),
                    t("printing.col.due", lang=lang),
                    t("printing.col.note", lang=lang),
                ),
                tuple((c.material, when(c.due), c.note) for c in chosen),
                (6, 2, 3.4),
            ),
            Paragraph(t(f"printing.{kind.value}_rule", lang=lang), small=True),
        ]
    blocks.append(Rule())
    if doc.promised_date:
        blocks.append(
            Field(t("printing.label.promised", lang=lang), when(doc.promised_date), strong=True)
        )
    if doc.promised_note:
        blocks.append(Paragraph(doc.promised_note, small=True))
    delivery = t(f"printing.delivery.{doc.delivery.value}", lang=lang)
    if doc.delivery_detail:
        delivery += f"（{doc.delivery_detail}）"
    blocks.append(Field(t("printing.label.delivery", lang=lang), delivery))
    if doc.window or doc.clerk:
        blocks.append(
            Field(
                t("printing.label.window_clerk", lang=lang),
                " / ".join(p for p in (doc.window, doc.clerk) if p),
            )
        )
    query = t("printing.query.number", lang=lang, number=doc.case_number)
    if doc.hall.query_url:
        query += t("printing.query.url", lang=lang, url=doc.hall.query_url)
    if doc.hall.phone:
        query += t("printing.query.phone", lang=lang, phone=doc.hall.phone)
    blocks += [Heading(t("printing.head.query", lang=lang)), Paragraph(query)]
    blocks.append(Signatures((t("printing.sign.applicant", lang=lang),)))
    return blocks


@_register(OneTimeNotice)
def _notice(doc: OneTimeNotice, lang: str | None) -> list[Block]:
    blocks: list[Block] = [
        Title(t("printing.title.notice", lang=lang)),
        Field(t("printing.label.notice_number", lang=lang), doc.notice_number, strong=True),
        Field(t("printing.label.date", lang=lang), when(doc.issued_at)),
        *_applicant(doc.applicant, lang),
        Heading(t("printing.head.items", lang=lang, n=len(doc.items))),
        _items_table(doc.items, lang, with_dates=False),
        Paragraph(t("printing.notice.intro", lang=lang, n=len(doc.missing))),
        Heading(t("printing.head.missing", lang=lang, n=len(doc.missing))),
        Table(
            (
                t("printing.col.material", lang=lang),
                t("printing.col.form", lang=lang),
                t("printing.col.count", lang=lang),
                t("printing.col.standard", lang=lang),
            ),
            tuple(
                (
                    m.name
                    + (
                        f"（{t('printing.notice.for_items', lang=lang, items='、'.join(m.items))}）"
                        if m.items
                        else ""
                    ),
                    m.form,
                    t("printing.copies", lang=lang, n=m.count),
                    "；".join(p for p in (m.standard, m.note) if p),
                )
                for m in doc.missing
            ),
            (5, 1.6, 1.2, 4.2),
        ),
        Paragraph(t("printing.notice.promise", lang=lang)),
        Field(
            t("printing.label.window_clerk", lang=lang),
            " / ".join(p for p in (doc.window, doc.clerk) if p),
        ),
        Signatures((t("printing.sign.applicant", lang=lang), t("printing.sign.clerk", lang=lang))),
    ]
    return blocks


@_register(RefusalNotice)
def _refusal(doc: RefusalNotice, lang: str | None) -> list[Block]:
    review = doc.review_body or t("printing.refusal.review_default", lang=lang)
    court = doc.court or t("printing.refusal.court_default", lang=lang)
    return [
        Title(t("printing.title.refusal", lang=lang)),
        Field(t("printing.label.notice_number", lang=lang), doc.notice_number, strong=True),
        Field(t("printing.label.date", lang=lang), when(doc.issued_at)),
        *_applicant(doc.applicant, lang),
        Heading(t("printing.head.items", lang=lang, n=len(doc.items))),
        _items_table(doc.items, lang, with_dates=False),
        Heading(t("printing.head.reason", lang=lang)),
        Paragraph(doc.reason),
        Heading(t("printing.head.basis", lang=lang)),
        Paragraph(doc.legal_basis),
        Heading(t("printing.head.remedies", lang=lang)),
        Paragraph(t("printing.refusal.review", lang=lang, body=review)),
        Paragraph(t("printing.refusal.litigation", lang=lang, court=court)),
        Field(
            t("printing.label.window_clerk", lang=lang),
            " / ".join(p for p in (doc.window, doc.clerk) if p),
        ),
        Signatures((t("printing.sign.applicant_received", lang=lang),)),
        Banner(t("printing.refusal.seal", lang=lang, hall=doc.hall.name)),
    ]


@_register(HandoverRecord)
def _handover(doc: HandoverRecord, lang: str | None) -> list[Block]:
    blocks: list[Block] = [
        Title(t("printing.title.handover", lang=lang)),
        Field(t("printing.label.case_number", lang=lang), doc.case_number, strong=True),
        Barcode(doc.case_number),
        Heading(t("printing.head.items", lang=lang, n=len(doc.items))),
        _items_table(doc.items, lang, with_dates=False),
        Field(t("printing.label.result", lang=lang), doc.result),
        Field(t("printing.label.collector", lang=lang), doc.collector_name),
    ]
    if doc.collector_id_masked:
        blocks.append(Field(t("printing.label.id", lang=lang), doc.collector_id_masked))
    if doc.relation:
        blocks.append(Field(t("printing.label.relation", lang=lang), doc.relation))
    blocks += [
        Field(t("printing.label.handed_at", lang=lang), when(doc.issued_at)),
        Field(
            t("printing.label.window_clerk", lang=lang),
            " / ".join(p for p in (doc.window, doc.clerk) if p),
        ),
        Signatures((t("printing.sign.collector", lang=lang), t("printing.sign.clerk", lang=lang))),
    ]
    return blocks
