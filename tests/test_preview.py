"""The preview page, checked in a real browser (headless Chromium) at a phone's width."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from html import escape, unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)

# Runs in the page once it has loaded; leaves its findings as JSON in <pre id="probe">.
PROBE = """
<script>
window.addEventListener('load', function () {
  function bg(el) { return getComputedStyle(el).backgroundColor + '|' + getComputedStyle(el).color; }
  var cards = Array.prototype.slice.call(document.querySelectorAll('.card'));
  var wide = cards.filter(function (c) { return c.scrollWidth > c.clientWidth + 1; })
                  .map(function (c) { return c.closest('.note').getAttribute('data-guid'); });
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.card .highlight, .card .table'));
  var scrolling = boxes.filter(function (b) { return b.scrollWidth > b.clientWidth + 1; });
  var unscrollable = scrolling.filter(function (b) { return getComputedStyle(b).overflowX !== 'auto'; });
  var first = cards[0], light = bg(first);
  var night = document.getElementById('night');
  night.click();
  var dark = bg(first), nightClass = first.classList.contains('nightMode');
  night.click();
  var filter = document.getElementById('filter');
  filter.value = 'dhat'; filter.dispatchEvent(new Event('input'));
  var dhat = document.getElementById('shown').textContent;
  filter.value = ''; filter.dispatchEvent(new Event('input'));
  var kind = document.getElementById('kind');
  kind.value = 'code'; kind.dispatchEvent(new Event('change'));
  var code = document.querySelectorAll('.note:not([hidden])').length;
  kind.value = ''; kind.dispatchEvent(new Event('change'));
  var tag = document.getElementById('tag');
  tag.value = 'kind::metric'; tag.dispatchEvent(new Event('change'));
  var metric = document.querySelectorAll('.note:not([hidden])').length;
  var out = parent.document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    viewport: window.innerWidth, page: document.scrollingElement.scrollWidth,
    cards: cards.length, wide: wide, scrolling: scrolling.length, unscrollable: unscrollable.length,
    light: light, dark: dark, nightClass: nightClass, dhat: dhat, code: code, metric: metric
  });
  parent.document.body.appendChild(out);
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


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> tuple[str, list[dict]]:
    work = tmp_path_factory.mktemp("preview")
    runner = CliRunner()
    page = work / "preview.html"
    result = runner.invoke(main, ["preview", str(SEED), "--decks", str(work / "decks"), "--out", str(page)])
    assert result.exit_code == 0, result.output
    cards = runner.invoke(main, ["cards", str(SEED), "--out", str(work / "decks"), "--json"])
    return page.read_text(encoding="utf-8"), [json.loads(line) for line in cards.stdout.splitlines()]


def test_page_is_self_contained(preview):
    html, _ = preview
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(http" not in html


def test_page_shows_every_note_with_the_note_type_css(preview):
    from builder.notetypes import css

    html, notes = preview
    assert css() in html
    shown = re.findall(r'data-guid="([^"]+)"', html)
    assert [unescape(g) for g in shown] == [n["guid"] for n in notes]
    for kind, n in Counter(n["kind"] for n in notes).items():
        assert f'<span class="count" data-kind="{kind}">{kind} {n}</span>' in html


def in_browser(page: str, probe: str, work: Path) -> dict:
    """Load ``page`` with ``probe`` in a phone-wide frame of headless Chromium; the probe's JSON."""
    harness = work / "harness.html"
    harness.write_text(phone(page.replace("</body>", probe + "</body>")), encoding="utf-8")
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
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture(scope="module")
def probe(preview, tmp_path_factory) -> dict:
    if BROWSER is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    html, _ = preview
    return in_browser(html, PROBE, tmp_path_factory.mktemp("probe"))


def test_nothing_overflows_sideways_at_390px(probe, preview):
    _, notes = preview
    assert probe["viewport"] == 390
    assert probe["page"] <= 390
    assert probe["cards"] >= 2 * len(notes)
    assert probe["wide"] == []
    # Wide code and tables do exist in the seed, and they scroll inside their box.
    assert probe["scrolling"] > 0
    assert probe["unscrollable"] == 0


def test_night_mode_changes_the_card_colours(probe):
    assert probe["nightClass"] is True
    assert probe["light"] != probe["dark"]


def test_filters_by_text_kind_and_tag(probe, preview):
    _, notes = preview
    assert 0 < int(probe["dhat"]) < 5
    assert probe["code"] == sum(1 for n in notes if n["kind"] == "code")
    assert probe["metric"] == sum(1 for n in notes if n["kind"] == "metric")


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
    html, _ = preview
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
    assert [(label.split(" · ")[:2], side) for label, side, _ in sides] == [
        (["front", "fact"], "front"),
        (["back", "fact"], "back"),
        (["card 2", "front"], "front"),
        (["card 2", "back"], "back"),
    ]
    reverse_front, reverse_back = sides[2][2], sides[3][2]
    assert "about 200 B" in reverse_front and "Proof size" not in reverse_front
    assert (
        reverse_back.index("about 200 B")
        < reverse_back.index('<hr id="answer">')
        < reverse_back.index("Proof size")
    )
