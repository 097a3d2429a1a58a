"""/owner/clients...: the week's clients (searchable), one client's details, the CSV import."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from scheduler.bookings.history import client_history
from scheduler.core import models
from scheduler.core.names import WeekNames, week_names
from scheduler.formats.clients_csv import CsvError, format_availability
from scheduler.store.weeks import load_stored_week
from scheduler.studio.data import client_wants, import_clients, search_clients, update_client
from web.db import get_session
from web.owner import bp
from web.owner.common import data_form, data_row_or_404, data_week, edit_page, saved
from web.owner.forms import ClientForm, ClientsImportForm


@bp.get("/clients")
def clients() -> Any:
    """The week's clients, searchable, with the CSV import."""
    week_start = data_week()
    text = request.args.get("q", "").strip()
    return render_template(
        "owner/clients.html",
        rows=search_clients(session=get_session(), week_start=week_start, text=text),
        week_start=week_start,
        q=text,
        import_form=ClientsImportForm(),
        names=_names(week_start),
    )


def _names(week_start: date) -> WeekNames:
    return week_names(
        load_stored_week(session=get_session(), week_start=week_start, with_clients=False)
    )


@bp.route("/clients/<key>", methods=["GET", "POST"])
def client_edit(key: str) -> Any:
    """A client's details, hours, venues and wishes, and their history across weeks."""
    week_start = data_week()
    session = get_session()
    row = data_row_or_404(models.Client, week_start, key)
    week = load_stored_week(session=session, week_start=week_start)
    form = data_form(ClientForm, row)
    form.known(week)
    if request.method == "GET":
        form.fill(row, client_wants(session=session, client_id=row.id), format_availability)
    if form.validate_on_submit():
        update_client(session=session, client_id=row.id, **form.values())
        return saved(form.name.data, "owner.clients", week_start)
    return edit_page(
        form,
        f"Client {row.name}",
        week_start,
        "owner.clients",
        template="owner/client.html",
        history=client_history(session=session, client_key=key),
    )


@bp.post("/clients/import")
def clients_import() -> Any:
    """Add or update clients from a CSV file: all rows, or none with every error by line."""
    week_start = data_week()
    form = ClientsImportForm()
    session = get_session()
    if form.validate_on_submit():
        try:
            done = import_clients(
                session=session, week_start=week_start, text=form.file.data.read()
            )
        except CsvError as exc:
            form.file.errors.extend(exc.errors)
        else:
            flash(f"Imported: {done.added} added, {done.updated} updated.", "success")
            return redirect(url_for("owner.clients", start=week_start.isoformat()))
    rows = search_clients(session=session, week_start=week_start)
    return render_template(
        "owner/clients.html",
        rows=rows,
        week_start=week_start,
        q="",
        import_form=form,
        names=_names(week_start),
    ), 400
