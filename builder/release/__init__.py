"""Stage 5: releases. A deck's manifest records what learners already have; a new build is
compared with it to keep every note's GUID, to decide the next version, and to say what changed.

- :mod:`.manifest`: the manifest format (what the last release shipped), read and written;
  :mod:`.entries` each of its entries, written and read back checked;
- :mod:`.guids`: GUID settling, pass by pass, each keeping one promise to learners;
- :mod:`.gaps`: a cloze note's gaps keep their numbers (cards) across releases;
- :mod:`.semver`: the version rule;
- :mod:`.replaced`: notes a release replaces by new ones (history lost);
- :mod:`.tombstones`: the notes shipped for removed ones;
- :mod:`.deck`: :func:`~.deck.release`, one deck compared with its manifest; :mod:`.states`
  the manifest a release leaves; :mod:`.renamed` a renamed source file's keys followed;
- :mod:`.changelog`: the changelog written from the manifest;
- :mod:`.paths`, :mod:`.folder`, :mod:`.packaging`, :mod:`.write`: the decks folder's file
  names and listing, each deck against its manifest, packages made, releases written all or
  nothing;
- :mod:`.verify`: the decks folder checked against what its sources build; :mod:`.contents`
  what a package holds, and how two differ;
- :mod:`.retire`: the final release of a deck whose sources are gone;
- :mod:`.report`: what a release changed, in one wording for every command.

The hashes compared (:func:`builder.identify.content_hash`, ``body_hash``, ``model_hashes``) are
made by the identify stage, with the GUIDs.
"""
