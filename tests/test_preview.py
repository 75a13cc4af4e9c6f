"""The preview page, checked in a real browser (headless Chromium) at a phone's width."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.curation import drop_entry, parse_curation, rewrite_entry
from builder.markdown import parser, plain
from builder.model import Note
from builder.sources import curation_path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)

# Runs in the page once it has loaded; leaves its findings as JSON in <pre id="probe">. It
# measures the layout and the toolbar, clicks every note's copy buttons (the clipboard replaced
# by a recorder, then refusing, then missing), walks every text for its contrast in light and
# night mode, and tries the filters.
PROBE = r"""
<script>
window.addEventListener('load', function () {
  var doc = document;
  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function wait(ms) { return new Promise(function (done) { setTimeout(done, ms || 0); }); }
  function bg(el) { return getComputedStyle(el).backgroundColor + '|' + getComputedStyle(el).color; }
  var found = {errors: []};
  function attempt(name, fn) {
    try { return fn(); } catch (e) { found.errors.push(name + ': ' + e); }
  }
  var cards = all('.card'), notes = all('.note');
  var night = doc.querySelector('.toolbar input[type=checkbox]');

  // --- Layout at 390 px
  var boxes = all('.card .highlight, .card .table');
  var scrolling = boxes.filter(function (b) { return b.scrollWidth > b.clientWidth + 1; });
  found.viewport = window.innerWidth;
  found.page = doc.scrollingElement.scrollWidth;
  found.cards = cards.length;
  found.wide = cards.filter(function (c) { return c.scrollWidth > c.clientWidth + 1; })
                    .map(function (c) { return c.closest('.note').getAttribute('data-guid'); });
  found.scrolling = scrolling.length;
  found.unscrollable = scrolling.filter(function (b) { return getComputedStyle(b).overflowX !== 'auto'; }).length;

  // --- The sticky toolbar hides nothing
  attempt('toolbar', function () {
    var bar = doc.querySelector('.toolbar');
    function below(el) { return el.getBoundingClientRect().top - bar.getBoundingClientRect().bottom; }
    window.scrollTo(0, 0);
    found.bar = bar.getBoundingClientRect().height;
    found.firstStrip = below(notes[0].querySelector('.strip'));
    found.firstCrumb = below(doc.querySelector('.card .crumb'));
    var middle = notes[Math.floor(notes.length / 2)];
    middle.scrollIntoView();
    found.scrolled = doc.scrollingElement.scrollTop;
    found.middleStrip = below(middle.querySelector('.strip'));
    window.scrollTo(0, 0);
  });

  function setClipboard(value) {
    Object.defineProperty(navigator, 'clipboard', {value: value, configurable: true, writable: true});
  }
  function button(note, what) { return note.querySelector('button[data-copy="' + what + '"]'); }
  function shown(note) {
    var status = note.querySelector('.status'), pre = status.querySelector('pre');
    return {status: status.textContent, text: pre ? pre.textContent : null};
  }

  async function copies() {
    // --- Copy with navigator.clipboard, recorded: every note's two buttons
    var copied = [];
    setClipboard({writeText: function (text) { copied.push(text); return Promise.resolve(); }});
    found.strips = notes.map(function (n) {
      var strip = n.querySelector('.strip');
      return {guid: n.getAttribute('data-guid'), key: strip.querySelector('.key').textContent,
              meta: strip.querySelector('.meta').textContent, hint: strip.querySelector('.hint').textContent,
              curation: strip.getAttribute('data-curation')};
    });
    button(notes[0], 'drop').click();
    await wait(10);
    found.dropShown = shown(notes[0]);
    found.copies = notes.map(function (note) {
      var got = {guid: note.getAttribute('data-guid')};
      ['drop', 'rewrite'].forEach(function (what) {
        copied.length = 0;
        button(note, what).click();
        got[what] = copied.slice();
      });
      return got;
    });
    await wait(10);
    found.rewriteShown = notes.map(shown);
    // --- writeText rejects (no focus, no permission): the hidden textarea and execCommand
    var calls = [];
    doc.execCommand = function (command) {
      var area = doc.activeElement;
      calls.push({command: command, tag: area.tagName,
                  text: area.value.slice(area.selectionStart, area.selectionEnd)});
      return true;
    };
    var last = notes[notes.length - 1];
    setClipboard({writeText: function () { return Promise.reject(new Error('denied')); }});
    button(last, 'drop').focus();
    button(last, 'drop').click();
    await wait(10);
    found.rejected = {calls: calls.splice(0), shown: shown(last)};
    // --- no navigator.clipboard at all
    delete navigator.clipboard;
    delete Navigator.prototype.clipboard;
    found.clipboardGone = !('clipboard' in navigator);
    button(last, 'rewrite').click();
    await wait(10);
    found.missing = {calls: calls.splice(0), shown: shown(last)};
    found.leftovers = all('textarea').length;
    found.focus = doc.activeElement === button(last, 'drop');
  }

  // --- Contrast of every text against what is actually behind it
  function rgba(text) {
    var m = /rgba?\(([^)]*)\)/.exec(text);
    if (!m) { return null; }
    var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, under) {
    var a = top[3];
    return [0, 1, 2].map(function (i) { return top[i] * a + under[i] * (1 - a); }).concat([1]);
  }
  var styles = new Map();
  function look(el) {
    if (!styles.has(el)) {
      var style = getComputedStyle(el);
      styles.set(el, {background: rgba(style.backgroundColor), opacity: parseFloat(style.opacity)});
    }
    return styles.get(el);
  }
  function paint(chain, i, backdrop, text) {
    // The colour of the pixel at the text's place, painting the ancestors from the root down;
    // an element with opacity < 1 is a group blended over what is behind it.
    var style = look(chain[i]);
    var pixel = over(style.background, backdrop);
    if (i + 1 < chain.length) { pixel = paint(chain, i + 1, pixel, text); }
    else if (text) { pixel = over(rgba(text), pixel); }
    return style.opacity < 1 ? over(pixel.slice(0, 3).concat([style.opacity]), backdrop) : pixel;
  }
  function luminance(c) {
    var l = c.slice(0, 3).map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function hex(c) {
    return '#' + c.slice(0, 3).map(function (v) { return ('0' + Math.round(v).toString(16)).slice(-2); }).join('');
  }
  function describe(el) {
    var names = [];
    for (var e = el; e && e !== doc.body && names.length < 4; e = e.parentElement) {
      names.unshift(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                    Array.prototype.map.call(e.classList, function (c) { return '.' + c; }).join(''));
    }
    return names.join(' > ');
  }
  function ownText(el) {
    if (el.matches('input[type=search]')) { return el.value || el.placeholder; }
    if (el.matches('select')) { return el.options[el.selectedIndex].text; }
    return Array.prototype.filter.call(el.childNodes, function (n) { return n.nodeType === 3; })
                .map(function (n) { return n.data; }).join('').trim();
  }
  // Each kind of text the page shows; the walk must meet every one.
  var KINDS = ['.toolbar h1', '.toolbar label', '.toolbar input', '.toolbar select', '.counts b',
               '.counts .count', '.deck-title', '.strip .key', '.strip .meta', '.strip button',
               '.strip .hint', '.status span', '.status pre', '.frame > .side', '.crumb', '.ask',
               '.answer', '.cloze', '.highlight', '.card code', '.table th', '.table td', '.source'];
  function contrast(mode) {
    var worst = {}, checked = 0, covered = {};
    styles.clear();
    all('body *').forEach(function (el) {
      var text = ownText(el);
      if (!text || !el.getClientRects().length || getComputedStyle(el).visibility !== 'visible') { return; }
      var chain = [];
      for (var e = el; e; e = e.parentElement) { chain.unshift(e); }
      var white = [255, 255, 255, 1];
      var color = el.matches('input[type=search]') && !el.value
        ? getComputedStyle(el, '::placeholder').color : getComputedStyle(el).color;
      var ink = paint(chain, 0, white, color), paper = paint(chain, 0, white, null);
      var a = luminance(ink), b = luminance(paper);
      var ratio = Math.round((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) * 100) / 100;
      checked += 1;
      KINDS.forEach(function (kind) { if (el.closest(kind)) { covered[kind] = true; } });
      var what = describe(el), id = what + ' ' + hex(ink) + ' on ' + hex(paper);
      if (!worst[id] || worst[id].ratio > ratio) {
        worst[id] = {mode: mode, element: what, text: text.slice(0, 40), ink: hex(ink), paper: hex(paper),
                     ratio: ratio, card: !!el.closest('.card')};
      }
    });
    var found = Object.keys(worst).map(function (k) { return worst[k]; })
                      .sort(function (x, y) { return x.ratio - y.ratio; });
    function lowest(card) { return found.filter(function (f) { return f.card === card; }).slice(0, 3); }
    return {checked: checked, covered: Object.keys(covered), page: lowest(false), card: lowest(true),
            failing: found.filter(function (f) { return f.ratio < 4.5; })};
  }

  (async function () {
    try { await copies(); } catch (e) { found.errors.push('copy: ' + e); }
    var first = cards[0];
    found.light = bg(first);
    found.contrastLight = contrast('light');
    night.click();
    found.dark = bg(first);
    found.nightClass = first.classList.contains('nightMode');
    found.contrastNight = contrast('night');
    night.click();
    // --- Filters
    var filter = doc.getElementById('filter');
    filter.value = 'dhat'; filter.dispatchEvent(new Event('input'));
    found.dhat = doc.getElementById('shown').textContent;
    filter.value = ''; filter.dispatchEvent(new Event('input'));
    var kind = doc.getElementById('kind');
    kind.value = 'code'; kind.dispatchEvent(new Event('change'));
    found.code = all('.note:not([hidden])').length;
    kind.value = ''; kind.dispatchEvent(new Event('change'));
    var tag = doc.getElementById('tag');
    tag.value = 'kind::metric'; tag.dispatchEvent(new Event('change'));
    found.metric = all('.note:not([hidden])').length;
    tag.value = ''; tag.dispatchEvent(new Event('change'));
    found.pageAfter = doc.scrollingElement.scrollWidth;
    found.scripts = doc.scripts.length;
    found.texts = cards.map(function (c) { return c.textContent; });
    var out = parent.document.createElement('pre');
    out.id = 'probe';
    out.textContent = JSON.stringify(found);
    parent.document.body.appendChild(out);
  })();
});
</script>
"""


def phone(page: str) -> str:
    """A host page showing ``page`` in a 390 px wide frame, as a phone's screen."""
    return (
        '<!doctype html><html><body style="margin:0">'
        f'<iframe style="border:0" width="390" height="900" srcdoc="{escape(page, quote=True)}"></iframe>'
        "</body></html>"
    )


# A source whose text tries to leave the page's markup: it must be shown, and copied, as text.
# (And a table, which the seed's cards lack.)
INJECTED = "</script><script>alert(1)</script>"
UNTRUSTED_NAME = 'o\'dd "notes" <b>.yaml'
UNTRUSTED = f"""\
deck: Untrusted & "quoted"
cards:
  - id: limits
    front: Which limits does the node enforce?
    back: |
      | limit | value |
      |---|---|
      | peers | 50 |
  - id: hostile
    front: 'Does {INJECTED} run? "double" and ''single'' & <b>bold</b>'
    back: "No: `</script>` stays text & \\"quotes\\" too"
"""


@dataclass(frozen=True)
class Preview:
    html: str
    """The page of the seed deck and a small untrusted one."""
    cards: list[dict]
    """``cards --json`` of the same sources."""
    notes: dict[str, Note]
    """The notes the page shows, by GUID."""


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Preview:
    from builder.build import plan_decks
    from builder.cache import Cache
    from builder.release.folder import releases

    work = tmp_path_factory.mktemp("preview")
    untrusted = work / UNTRUSTED_NAME
    untrusted.write_text(UNTRUSTED, encoding="utf-8")
    sources, decks = [str(SEED), str(untrusted)], work / "decks"
    runner = CliRunner()
    page = work / "preview.html"
    result = runner.invoke(main, ["preview", *sources, "--decks", str(decks), "--out", str(page)])
    assert result.exit_code == 0, result.output
    cards = runner.invoke(main, ["cards", *sources, "--out", str(decks), "--json"])
    notes = {
        note.guid: note
        for rel in releases(plan_decks(sources, None, Cache(), decks), decks)
        for note in rel.notes
    }
    return Preview(
        page.read_text(encoding="utf-8"), [json.loads(line) for line in cards.stdout.splitlines()], notes
    )


def test_page_is_self_contained(preview):
    html = preview.html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(http" not in html


def test_page_shows_every_note_with_the_note_type_css(preview):
    from builder.notetypes import css

    html, notes = preview.html, preview.cards
    assert css() in html
    shown = re.findall(r'data-guid="([^"]+)"', html)
    assert [unescape(g) for g in shown] == [n["guid"] for n in notes] == list(preview.notes)
    for kind, n in Counter(n["kind"] for n in notes).items():
        assert f'<span class="count" data-kind="{kind}">{kind} {n}</span>' in html


def in_browser(page: str, probe: str, work: Path) -> dict:
    """Load ``page`` with ``probe`` in a phone-wide frame of headless Chromium; the probe's JSON."""
    harness = work / "harness.html"
    head, body, tail = page.rpartition("</body>")
    harness.write_text(phone(head + probe + body + tail), encoding="utf-8")
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={work / 'profile'}",
        "--window-size=800,1000",
        "--virtual-time-budget=10000",
        "--dump-dom",
        harness.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, done.stderr[-2000:]
    return json.loads(unescape(found.group(1)))


@pytest.fixture(scope="module")
def probe(preview, tmp_path_factory) -> dict:
    if BROWSER is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    found = in_browser(preview.html, PROBE, tmp_path_factory.mktemp("probe"))
    assert found["errors"] == []
    return found


def test_nothing_overflows_sideways_at_390px(probe, preview):
    assert probe["viewport"] == 390
    assert probe["page"] <= 390
    assert probe["pageAfter"] <= 390  # with every note's copied entry shown
    assert probe["cards"] >= 2 * len(preview.notes)
    assert probe["wide"] == []
    # Wide code and tables do exist in the seed, and they scroll inside their box.
    assert probe["scrolling"] > 0
    assert probe["unscrollable"] == 0


def test_night_mode_changes_the_card_colours(probe):
    assert probe["nightClass"] is True
    assert probe["light"] != probe["dark"]


def test_the_address_night_does_not_scroll_the_page(preview):
    # An element with id="night" would be the fragment's target: the page would open scrolled
    # to the switch, the first cards under the toolbar.
    assert 'id="night"' not in preview.html
    assert "location.hash === '#night'" in preview.html


def test_filters_by_text_kind_and_tag(probe, preview):
    notes = preview.cards
    assert 0 < int(probe["dhat"]) < 5
    assert probe["code"] == sum(1 for n in notes if n["kind"] == "code")
    assert probe["metric"] == sum(1 for n in notes if n["kind"] == "metric")


def test_the_toolbar_hides_nothing(probe):
    # At 390 px the toolbar holds a title, the text filter, two selects, the night switch and
    # the counts in a few short rows.
    assert probe["bar"] <= 110
    # At the top, the first note's strip and the first breadcrumb are below the toolbar.
    assert probe["firstStrip"] >= 0
    assert probe["firstCrumb"] >= 0
    # A note scrolled to stops below the toolbar (scroll-padding, the toolbar's height).
    assert probe["scrolled"] > 0
    assert probe["middleStrip"] >= 0


def curation_file(note: Note) -> str:
    return curation_path(Path(note.origin.path)).name


def test_each_note_shows_its_key_kind_source_and_curation_file(probe, preview):
    assert [s["guid"] for s in probe["strips"]] == list(preview.notes)
    for strip in probe["strips"]:
        note = preview.notes[strip["guid"]]
        assert strip["key"] == note.key
        assert strip["meta"] == f"{note.kind} · {note.origin}"
        assert strip["hint"] == f"paste into {curation_file(note)}"
        assert strip["curation"] == curation_file(note)
    assert probe["strips"][0]["hint"] == "paste into rust-web3-interview.curation.yaml"
    assert probe["strips"][-1]["curation"] == 'o\'dd "notes" <b>.curation.yaml'


def test_copy_buttons_copy_the_notes_curation_entries(probe, preview):
    assert [c["guid"] for c in probe["copies"]] == list(preview.notes)
    for copied in probe["copies"]:
        note = preview.notes[copied["guid"]]
        assert copied["drop"] == [drop_entry(note)]
        assert copied["rewrite"] == [rewrite_entry(note)]
        # The rewrite is a curation file of its own: one entry, the note's text as it stands.
        (entry,) = parse_curation(copied["rewrite"][0], "notes.curation.yaml").entries
        assert (entry.key, entry.action, entry.was) == (note.key, "rewrite", note.generated)
        for name, text in note.draft:
            value = entry.answer[0] if name == "answer" and entry.answer else getattr(entry, name)
            assert value == text, (note.key, name)
        (dropped,) = parse_curation(copied["drop"][0], "notes.curation.yaml").entries
        assert (dropped.key, dropped.action) == (note.key, "drop")


def test_a_copy_says_what_was_copied_and_where_it_goes(probe, preview):
    first = next(iter(preview.notes.values()))
    assert probe["dropShown"]["text"] == drop_entry(first)
    assert probe["dropShown"]["status"].startswith(
        "copied the drop entry: paste it into rust-web3-interview.curation.yaml"
    )
    for shown, note in zip(probe["rewriteShown"], preview.notes.values(), strict=True):
        assert shown["text"] == rewrite_entry(note)
        assert shown["status"].startswith(f"copied the rewrite entry: paste it into {curation_file(note)}")


def test_copy_falls_back_to_a_selected_textarea(probe, preview):
    last = list(preview.notes.values())[-1]
    # navigator.clipboard refuses (an unfocused page, no permission): execCommand copies.
    assert probe["rejected"]["calls"] == [{"command": "copy", "tag": "TEXTAREA", "text": drop_entry(last)}]
    assert probe["rejected"]["shown"]["status"].startswith("copied the drop entry")
    # No navigator.clipboard at all (a page from a file, an older browser).
    assert probe["clipboardGone"] is True
    assert probe["missing"]["calls"] == [{"command": "copy", "tag": "TEXTAREA", "text": rewrite_entry(last)}]
    assert probe["missing"]["shown"]["text"] == rewrite_entry(last)
    assert probe["leftovers"] == 0  # the textarea is gone
    assert probe["focus"] is True  # and the focus back where it was


def test_untrusted_text_is_shown_and_copied_as_text(probe, preview):
    assert INJECTED not in preview.html
    assert "<b>bold" not in preview.html
    assert probe["scripts"] == 2  # the page's and the probe's: none from the source
    assert any(
        # A script stays the text it is; an inline tag goes, its text kept.
        INJECTED in text and "\"double\" and 'single' & bold" in text
        for text in probe["texts"]
    )
    note = list(preview.notes.values())[-1]
    assert note.key == "card:hostile"
    copied = probe["copies"][-1]["rewrite"][0]
    (entry,) = parse_curation(copied, "x.curation.yaml").entries
    # Markdown that reads back as the text it is: its ``<`` escaped, never a tag.
    escaped = INJECTED.replace("<", "\\<")
    assert entry.prompt == f"Does {escaped} run? \"double\" and 'single' & bold"
    assert plain(parser().parseInline(entry.prompt)[0].children or ()) == note.prompt


def _named(failures: list[dict]) -> str:
    return "\n".join(
        f"{f['mode']}: {f['ratio']}:1 {f['ink']} on {f['paper']} {f['element']} “{f['text']}”"
        for f in failures
    )


def contrast(ink: str, paper: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(ink), luminance(paper)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("mode", ["Light", "Night"])
def test_every_text_of_the_page_has_contrast(probe, mode):
    """Toolbar, counts, deck titles, strips, buttons, status and frame labels: at least 4.5:1
    against what is really behind them (backgrounds composed, opacity counted)."""
    found = probe[f"contrast{mode}"]
    assert found["checked"] > 1000
    expected = {
        ".toolbar h1", ".toolbar label", ".toolbar input", ".toolbar select", ".counts b", ".counts .count",
        ".deck-title", ".strip .key", ".strip .meta", ".strip button", ".strip .hint", ".status span",
        ".status pre", ".frame > .side", ".crumb", ".ask", ".answer", ".cloze", ".highlight", ".card code",
        ".table th", ".table td", ".source",
    }  # fmt: skip
    assert expected <= set(found["covered"])
    page = [f for f in found["failing"] if not f["card"]]
    assert page == [], _named(page)


@pytest.mark.parametrize("mode", ["Light", "Night"])
def test_every_text_of_the_cards_has_contrast(probe, mode):
    """Crumb, prompt, answer, code (every highlighted token), cloze, tables: at least 4.5:1."""
    card = [f for f in probe[f"contrast{mode}"]["failing"] if f["card"]]
    assert card == [], _named(card)


def test_a_copied_drop_line_removes_exactly_that_card(probe, preview, tmp_path):
    seed = [c for c in probe["copies"] if str(preview.notes[c["guid"]].origin).startswith(str(SEED))]
    copied = seed[len(seed) // 2]
    note = preview.notes[copied["guid"]]
    source = tmp_path / SEED.name
    shutil.copyfile(SEED, source)
    # Pasted into the file the note's strip names.
    curation = tmp_path / next(s["curation"] for s in probe["strips"] if s["guid"] == note.guid)
    shutil.copyfile(SEED.with_name(curation.name), curation)  # the seed's own curation, then the paste
    with curation.open("a", encoding="utf-8") as file:
        file.write(copied["drop"][0])
    result = CliRunner().invoke(main, ["cards", str(source), "--out", str(tmp_path / "decks"), "--json"])
    assert result.exit_code == 0, result.output
    assert "curation" not in result.stderr
    after = [json.loads(line)["key"] for line in result.stdout.splitlines()]
    before = [preview.notes[c["guid"]].key for c in seed]
    assert after == [key for key in before if key != note.key]


def test_build_writes_a_preview_beside_each_deck(tmp_path):
    source = tmp_path / "deck.md"
    source.write_text("# Deck\n\n## Part\n\n- **Alpha:** one\n- **Beta:** `two`\n", encoding="utf-8")
    out = tmp_path / "decks"
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(out), "--preview"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Deck: preview -> {out / 'deck.preview.html'}"
    page = (out / "deck.preview.html").read_text(encoding="utf-8")
    assert page.count('<article class="note"') == 2
    assert "Beta?" in page and "<code>two</code>" in page and "part — beta?" in page
    assert 'data-curation="deck.curation.yaml"' in page


def test_a_preview_after_a_build_offers_each_rewrite(tmp_path, monkeypatch):
    """A build makes no rewrite drafts; the preview pages of the next build (or ``preview``),
    with the same cache, still offer a rewrite of every note."""
    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "deck.md"
    source.write_text("# Deck\n\n## Part\n\n- **Alpha:** one\n- **Beta:** `two`\n", encoding="utf-8")
    out = tmp_path / "decks"
    assert CliRunner().invoke(main, ["build", str(source), "--out", str(out)]).exit_code == 0
    for command in (
        ["build", str(source), "--out", str(out), "--preview"],
        ["preview", str(source), "--out", str(tmp_path / "p.html"), "--decks", str(out)],
    ):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
    for page in (out / "deck.preview.html", tmp_path / "p.html"):
        entries = re.findall(r'data-copy="rewrite" data-entry="([^"]*)"', page.read_text(encoding="utf-8"))
        assert len(entries) == 2 and all("answer:" in unescape(e) for e in entries), entries


# --- Math ---------------------------------------------------------------------------------

MATH_SOURCE = """\
# Algebra

## Basics

- **Square:** $x^2$ and \\(a_1\\)
- **Sum:** $$\\sum_{i=1}^{n} x_i = \\frac{n(n+1)}{2} + \\frac{a}{b} + \\frac{c}{d} + \\frac{e}{f} + \\frac{g}{h}$$

## Success metrics

- **Error of $\\frac{1}{x^{2}}$:** <3%
"""

MATH_PROBE = """
<script>
window.addEventListener('load', function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll('.card'));
  var out = parent.document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    katex: document.querySelectorAll('.card .katex').length,
    display: document.querySelectorAll('.card .katex-display').length,
    errors: document.querySelectorAll('.card .katex-error').length,
    raw: cards.filter(function (c) { return /\\\\[(\\[]/.test(c.textContent); }).length,
    fraction: document.querySelectorAll('.card .katex .mfrac').length,
    page: document.scrollingElement.scrollWidth,
    wide: cards.filter(function (c) { return c.scrollWidth > c.clientWidth + 1; }).length
  });
  parent.document.body.appendChild(out);
});
</script>
"""


@pytest.fixture(scope="module")
def math_page(tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("math")
    (work / "algebra.md").write_text(MATH_SOURCE, encoding="utf-8")
    page = work / "preview.html"
    result = CliRunner().invoke(
        main, ["preview", str(work / "algebra.md"), "--decks", str(work / "decks"), "--out", str(page)]
    )
    assert result.exit_code == 0, result.output
    return page.read_text(encoding="utf-8")


def test_katex_is_inlined_only_when_a_deck_has_math(math_page, preview):
    html = preview.html
    assert "renderMathInElement" in math_page and "data:font/woff2;base64," in math_page
    assert "url(fonts/" not in math_page
    assert "katex" not in html.lower()


def test_math_is_typeset_in_the_preview(math_page, tmp_path):
    if BROWSER is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    found = in_browser(math_page, MATH_PROBE, tmp_path)
    # Square and Sum (front shows the label, back the answer) and the metric cloze's label.
    assert found["katex"] >= 5
    assert found["display"] == 1
    assert found["errors"] == 0
    assert found["fraction"] >= 2  # the cloze's \\frac, its braces written as entities, too
    assert found["raw"] == 0  # no card still shows TeX delimiters
    assert found["page"] <= 390
    assert found["wide"] == 0


def test_a_reversible_note_shows_both_of_its_cards(tmp_path):
    """The reverse card asks with the answer and answers with the prompt."""
    source = tmp_path / "pairs.yaml"
    source.write_text(
        "cards:\n  - id: verkle\n    front: Proof size, MPT vs Verkle?\n    back: about 200 B\n    reverse: true\n",
        encoding="utf-8",
    )
    page = tmp_path / "preview.html"
    result = CliRunner().invoke(
        main, ["preview", str(source), "--decks", str(tmp_path / "decks"), "--out", str(page)]
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    frames = [f.split("</article>")[0] for f in html.split('<div class="frame">')[1:]]
    sides = [
        re.match(r'<div class="side">([^<]*)</div><div class="card (front|back)">(.*)', f, re.S).groups()
        for f in frames
    ]
    assert [(label, side) for label, side, _ in sides] == [
        ("front", "front"),
        ("back", "back"),
        ("card 2 · front", "front"),
        ("card 2 · back", "back"),
    ]
    reverse_front, reverse_back = sides[2][2], sides[3][2]
    assert "about 200 B" in reverse_front and "Proof size" not in reverse_front
    assert (
        reverse_back.index("about 200 B")
        < reverse_back.index('<hr id="answer">')
        < reverse_back.index("Proof size")
    )
