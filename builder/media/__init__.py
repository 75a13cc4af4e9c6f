"""Images and sounds: ``![alt](path)`` relative to its source is packed into the deck.

Each image is stored under a content-hash name (so a changed picture is a changed note, and
two sources sharing one picture share one file) and the card's ``<img>`` points at that name.
Decks must work offline and stay inside the source tree: a missing file or a path leaving the
source folder (``../../x``, absolute paths) is an error naming ``file:line``. A remote image
(``https://…``, a published page's badges and screenshots) is not fetched unless asked: the card
shows its alt text in its place (nothing when it has none), with a warning at the image's line.

Sound and video (:data:`SOUND_SUFFIXES`) come the same way: ``![alt](clip.mp3)``, ``<audio>``
and ``<video>`` (:mod:`builder.markdown.dialects` reads them as images) and Anki's own
``[sound:clip.mp3]`` (a token marked :data:`~builder.markdown.dialects.SOUND_TAG`). They are
checked and packed as images are, within :data:`~builder.limits.MAX_SOUND_BYTES` (video:
:data:`~builder.limits.MAX_VIDEO_BYTES`) and only when their first bytes are the format their
suffix names (:func:`sound_problem`); the card shows Anki's ``[sound:<hash>.mp3]``, which Anki
plays, audio and video alike (:func:`offline`).

Asked (``--fetch-images``, or ``fetch_images: true`` in ``decks.yaml`` or the front matter), a
build fetches each ``http``/``https`` image a card shows (:class:`Fetch`), once a run, and packs
it like a local one, under the hash of its bytes: within :data:`~builder.limits.FETCH_TIMEOUT`
and :data:`~builder.limits.MAX_REMOTE_IMAGE_BYTES`, and only when its bytes are a PNG, JPEG,
GIF, WebP or an SVG without scripts. An image that cannot be fetched is a warning at its line,
and its card shows its alt text: the build goes on. Fetched images are kept in the cache folder
(``images/``), where the packed deck reads them from.

The work is split by job: :mod:`.kinds` tells an image from a sound or a video (by suffix and by
first bytes), :mod:`.local` finds and packs a file of the source tree, :mod:`.fetch` fetches a
remote one, :mod:`.retarget` points a card's tokens at the packed names, and :mod:`.found` finds
the media a card shows and attaches them. Import from here: ``from builder.media import attach``.
"""

from __future__ import annotations

from .fetch import Fetch, forget_fetched
from .found import attach, fetching, images, remote_images
from .kinds import MEDIA_SUFFIXES, SOUND_SUFFIXES, VIDEO_SUFFIXES, image_type, sound_problem
from .retarget import SOURCE_PATH, offline

__all__ = [
    "MEDIA_SUFFIXES",
    "SOUND_SUFFIXES",
    "SOURCE_PATH",
    "VIDEO_SUFFIXES",
    "Fetch",
    "attach",
    "fetching",
    "forget_fetched",
    "image_type",
    "images",
    "offline",
    "remote_images",
    "sound_problem",
]
