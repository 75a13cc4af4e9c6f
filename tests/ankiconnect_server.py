"""The AnkiConnect server the sync tests talk to: anki-connect-server, made to do what the
AnkiConnect add-on does where it does not.

Run by the Python of ``.venv-ankiconnect`` (anki-connect-server needs Python 3.12 or later), with
``ANKICONNECT_COLLECTION_PATH``, ``ANKICONNECT_PORT`` and ``ANKICONNECT_BIND`` set. It serves
AnkiConnect's protocol over HTTP from a real collection through the real ``anki`` library.
anki-connect-server 0.5.0 passes arguments to Anki's package import and export that current
Anki refuses, and its ``updateModelTemplates`` writes every template given to every card type;
these three actions are replaced here by what the add-on's own code does (``plugin/__init__.py``
of AnkiConnect: ``importPackage`` runs ``anki.importing.AnkiPackageImporter``, ``exportPackage``
``anki.exporting.AnkiPackageExporter`` on the named deck, ``updateModelTemplates`` sets each
card type by its name). Every other action is anki-connect-server's own.
"""

from __future__ import annotations

import warnings
from typing import Any

from anki_connect_server import anki_wrapper, api


def import_package(self: Any, path: str) -> bool:
    from anki.importing import AnkiPackageImporter

    AnkiPackageImporter(self.col, path).run()
    return True


def export_package(self: Any, deck: str, path: str, include_sched: bool = False) -> bool:
    from anki.exporting import AnkiPackageExporter

    found = self.col.decks.by_name(deck)
    if found is None:
        return False
    exporter = AnkiPackageExporter(self.col)
    exporter.did = found["id"]
    exporter.includeSched = include_sched
    exporter.exportInto(path)
    return True


def update_model_templates(self: Any, model: dict[str, Any]) -> None:
    notetype = self._get_model_or_raise(model["name"])
    templates = model["templates"]
    for template in notetype["tmpls"]:
        update = templates.get(template["name"])
        if update:
            if update.get("Front"):
                template["qfmt"] = update["Front"]
            if update.get("Back"):
                template["afmt"] = update["Back"]
    self._save_model(notetype)


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    anki_wrapper.AnkiWrapper.import_package = import_package
    anki_wrapper.AnkiWrapper.export_package = export_package
    anki_wrapper.AnkiWrapper.update_model_templates = update_model_templates
    api.run_server()
