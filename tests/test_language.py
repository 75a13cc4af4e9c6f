"""A deck speaks its document's language: the language comes from the front matter or is
detected from the prose, and every word deckbuilder adds to a prompt is that language's
(``builder/locale/words.yaml``). Small sources written here, run through the real reading and
extraction."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from builder.build import notes_of
from builder.extract import extract
from builder.extract.cues import is_template, specific_part
from builder.locale import (
    QUESTION_MARKS,
    answer_labels,
    detect,
    ends_sentence,
    language_code,
    languages,
    question_labels,
    words_for,
)
from builder.model import Note
from builder.read import parse, read

SPOKEN = ("en", "zh", "ja", "ko", "es", "fr", "de", "pt", "ru", "fa", "ar")
"""The languages issue 18 asks for (Greek comes on top)."""


def notes(tmp_path: Path, text: str, name: str = "notes.md") -> list[Note]:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return notes_of("Deck", extract(read(path, name)).cards)


def prompts(found: list[Note]) -> list[str]:
    return [n.prompt for n in found]


# --- The catalogue -------------------------------------------------------------------------


def test_every_language_asked_for_is_in_the_catalogue() -> None:
    assert set(SPOKEN) <= set(languages())


@pytest.mark.parametrize("language", SPOKEN)
def test_each_language_has_its_own_words(language: str) -> None:
    words = words_for(language)
    assert words.language == language
    asked = words.steps_in_order(3)
    assert words.ends_question(asked)
    assert words.code("Rust") != words.code(None)
    assert "Rust" in words.code("Rust")
    if language != "en":
        english = words_for("en")
        assert asked != english.steps_in_order(3)
        assert words.code("Rust") != english.code("Rust")
        assert words.step(2) != english.step(2)
        assert words.what_is_it() != english.what_is_it()


def test_natural_prompts() -> None:
    zh, ja, fa, es, fr, ru = (words_for(code) for code in ("zh", "ja", "fa", "es", "fr", "ru"))
    assert zh.steps_in_order(3) == "按顺序的 3 个步骤？"
    assert zh.ask(zh.pair("启动服务", zh.code("Rust"))) == "启动服务：Rust 代码？"
    assert ja.ask(ja.code("Python")) == "Python のコード？"
    assert fa.steps_in_order(3) == "۳ گام به ترتیب؟"
    assert es.ask("Latencia") == "¿Latencia?"
    assert es.ask("¿Latencia") == "¿Latencia?"
    assert fr.ask("Latence") == "Latence\u202f?"
    assert [ru.steps_in_order(n) for n in (1, 2, 4)] == [
        "1 шаг по порядку?",
        "2 шага по порядку?",
        "4 шага по порядку?",
    ]
    assert words_for("en").steps_in_order(3) == "the 3 steps, in order?"
    assert words_for("en").what_is_it() == "what is it?"
    assert es.what_is_it() == "¿Qué es?"
    assert zh.what_is_it() == "是什么？"
    assert fa.what_is_it() == "چیست؟"


def test_persian_and_arabic_read_right_to_left() -> None:
    assert [words_for(code).direction for code in ("fa", "ar", "en", "zh")] == ["rtl", "rtl", "ltr", "ltr"]


def test_question_and_answer_labels_of_every_language() -> None:
    assert {"question", "q", "问题", "问", "pregunta", "вопрос", "پرسش", "سؤال"} <= question_labels()
    assert {"answer", "a", "答案", "答", "respuesta", "ответ", "پاسخ", "جواب"} <= answer_labels()
    # One letter labels a fact as often as a question outside English and CJK ("R: 4.7 kΩ").
    assert {"p", "r", "f"}.isdisjoint(question_labels() | answer_labels())


def test_a_list_of_cues_is_parted_in_the_language() -> None:
    assert words_for("zh").comma.join(["解析", "校验"]) == "解析，校验"
    assert words_for("en").comma == ", "


def test_language_tags_as_generators_write_them() -> None:
    assert language_code("pt-BR") == "pt"
    assert language_code("zh_CN") == "zh"
    assert language_code("zh-Hans") == "zh"
    assert language_code("EN") == "en"
    assert language_code("jp") == "ja"
    assert language_code("it") is None
    assert words_for("it").language == "en"
    assert words_for(None).language == "en"


# --- Question marks of every script ----------------------------------------------------------


@pytest.mark.parametrize("mark", QUESTION_MARKS)
def test_a_question_mark_of_any_script_ends_a_question(mark: str) -> None:
    for language in SPOKEN:
        assert words_for(language).ends_question(f"Why{mark}")
        assert words_for(language).unasked(f"Why {mark}") == "Why"


def test_the_greek_semicolon_asks_only_in_greek() -> None:
    assert words_for("el").ends_question("Τι είναι;")
    assert words_for("el").ends_question("Τι είναι\u037e")
    assert not words_for("en").ends_question("a list; of things;")
    assert words_for("en").unasked("things;") == "things;"


@pytest.mark.parametrize("sentence", ["It stops.", "它停止了。", "止まる！", "Why?", "چرا؟", "Τι\u037e"])
def test_a_sentence_ends_in_any_script(sentence: str) -> None:
    assert ends_sentence(sentence)
    assert not ends_sentence("A label")


def test_spanish_question_loses_its_opening_mark_with_its_closing_one() -> None:
    assert words_for("es").unasked("¿Por qué?") == "Por qué"
    assert words_for("es").unasked("¿Por qué") == "¿Por qué"


# --- Detection ------------------------------------------------------------------------------

SAMPLES = {
    "en": "The cache is written to disk when the process exits, and it is read again on start.",
    "zh": "所有权规则保证内存安全，编译器在编译时检查借用。",
    "ja": "所有権のルールはメモリの安全性を保証します。",
    "ko": "소유권 규칙은 메모리 안전성을 보장합니다.",
    "es": "La caché se escribe en el disco cuando el proceso termina y se lee de nuevo al iniciar.",
    "fr": "Le cache est écrit sur le disque quand le processus se termine, et il est relu au démarrage.",
    "de": "Der Cache wird auf die Festplatte geschrieben, wenn der Prozess endet.",
    "pt": "O cache é gravado no disco quando o processo termina e é lido novamente.",
    "ru": "Кэш записывается на диск, когда процесс завершается, и читается снова при запуске.",
    "fa": "حافظهٔ نهان هنگام پایان برنامه روی دیسک نوشته می‌شود و در شروع دوباره خوانده می‌شود.",
    "ar": "تُكتب الذاكرة المؤقتة على القرص عندما تنتهي العملية، وتُقرأ مرة أخرى عند البدء.",
    "el": "Η κρυφή μνήμη γράφεται στον δίσκο όταν τελειώνει η διεργασία.",
}

SHORT = {
    "en": "What is the borrow checker?",
    "zh": "什么是借用检查器？",
    "ja": "借用チェッカーとは？",
    "ko": "빌림 검사기란?",
    "es": "¿Qué es el verificador de préstamos?",
    "fr": "Qu'est-ce que le vérificateur d'emprunts ?",
    "de": "Was ist der Borrow-Checker und wie funktioniert er?",
    "pt": "O que é o verificador de empréstimos?",
    "ru": "Что такое проверка заимствований?",
    "fa": "بررسی‌کنندهٔ قرض چیست؟",
    "ar": "ما هو مدقق الاستعارة؟",
}


@pytest.mark.parametrize("language", SAMPLES)
def test_detects_a_sentence(language: str) -> None:
    assert detect(SAMPLES[language]) == language


@pytest.mark.parametrize("language", SHORT)
def test_detects_a_short_question(language: str) -> None:
    assert detect(SHORT[language]) == language


def test_nothing_to_tell_by_is_english() -> None:
    assert detect("") == "en"
    assert detect("42 + 17 = 59") == "en"
    assert detect(["Rust", "Tokio"]) == "en"


def test_chinese_with_english_terms_is_chinese() -> None:
    assert detect("使用 HashMap 和 Arc 在线程之间共享数据，Mutex 保护写入。") == "zh"


def test_detection_leaves_code_and_links_out() -> None:
    text = """
    # 并发

    用通道在线程之间传递消息，详见 https://doc.rust-lang.org/book/the-rust-programming-language.html

    ```rust
    // Send the value to the receiving thread, then wait for the thread to finish its work
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || tx.send(compute_the_value_of_the_thing()).unwrap());
    ```

    `let received_value_from_the_channel = rx.recv().unwrap();` 阻塞直到收到。
    """
    assert parse(dedent(text), "notes.md").language == "zh"


def test_front_matter_wins_over_detection() -> None:
    text = "---\nlang: es\n---\n# Caching\n\nThe cache is written to disk when the process exits.\n"
    assert parse(text, "notes.md").language == "es"
    text = "---\nlanguage: pt-BR\n---\n# Cache\n\nThe cache is written to disk.\n"
    assert parse(text, "notes.md").language == "pt"


def test_a_language_deckbuilder_does_not_speak_is_kept_and_asked_in_english(tmp_path: Path) -> None:
    text = """
    ---
    lang: it
    ---
    # Installazione

    Procedura:

    1. Scaricare il pacchetto
    2. Eseguire l'installazione
    """
    assert parse(dedent(text).lstrip(), "notes.md").language == "it"
    assert "Installazione › Procedura — the 2 steps, in order?" in prompts(notes(tmp_path, text))


# --- Prompts in the document's language ---------------------------------------------------------

CHINESE = """
# 所有权

## 安装

配置步骤：

1. 下载安装包
2. 运行安装程序
3. 重启终端

启动服务：

```rust
fn main() {
    println!("hello");
}
```

## 术语表

| 术语 | 含义 |
|---|---|
| 借用 | 不取得所有权的引用 |
"""


def test_a_chinese_page_asks_in_chinese(tmp_path: Path) -> None:
    asked = prompts(notes(tmp_path, CHINESE))
    assert "安装 › 配置步骤 — 按顺序的 3 个步骤？" in asked
    assert "术语表 — 借用？" in asked
    assert not any(p.endswith("?") and "Rust" not in p for p in asked)


def test_a_chinese_code_block_asks_in_chinese(tmp_path: Path) -> None:
    assert "安装 — 启动服务：Rust 代码？" in prompts(notes(tmp_path, CHINESE))


def test_front_matter_language_asks_in_spanish(tmp_path: Path) -> None:
    text = """
    ---
    lang: es
    ---
    # Instalación

    Pasos:

    1. Descargar el paquete
    2. Ejecutar el instalador

    | Comando | Efecto |
    |---|---|
    | `ls` | Lista los archivos |
    """
    asked = prompts(notes(tmp_path, text))
    assert "Instalación › Pasos — ¿Los 2 pasos, en orden?" in asked
    assert "Instalación — ¿ls: Efecto?" in asked


def test_a_step_without_words_is_titled_in_the_language_and_keyed_as_before(tmp_path: Path) -> None:
    text = """
    ---
    lang: de
    ---
    # Einrichtung

    1. ```sh
       cargo build
       ```
    """
    found = notes(tmp_path, text)
    assert all("step-1" in n.key for n in found)
    assert all("Schritt 1" in n.prompt for n in found)


def test_a_persian_heading_ending_in_its_question_mark_is_a_question(tmp_path: Path) -> None:
    text = """
    # پرسش‌ها

    ## چرا Rust حافظه را امن نگه می‌دارد؟

    چون قواعد مالکیت در زمان کامپایل بررسی می‌شوند و هیچ مقداری دو مالک ندارد.
    """
    found = notes(tmp_path, text)
    assert [n.kind for n in found] == ["question"]
    assert found[0].prompt.endswith("چرا Rust حافظه را امن نگه می‌دارد؟")


def test_a_persian_heading_reads_as_a_question() -> None:
    assert words_for("fa").ends_question("چرا Rust حافظه را امن نگه می‌دارد؟")
    assert detect("چرا Rust حافظه را امن نگه می‌دارد؟") == "fa"


# --- Tables whose columns lack headers ------------------------------------------------------------


def test_a_table_with_only_its_first_column_headed_asks_by_that_column(tmp_path: Path) -> None:
    text = """
    # Networking

    ## Status codes

    | Code | |
    |---|---|
    | 404 | Not found |
    | 503 | Service unavailable |
    """
    found = notes(tmp_path, text)
    assert prompts(found) == ["Status codes — 404?", "Status codes — 503?"]
    assert [n.answer for n in found] == ["Not found", "Service unavailable"]
    assert not any("column" in n.prompt for n in found)
    # Keyed by the column's place, as the cell's card always was: the notes keep their GUIDs.
    assert found[0].key.endswith("cell:404:column-2")


def test_a_table_without_any_header_asks_by_its_caption(tmp_path: Path) -> None:
    text = """
    # Networking

    **Ports to know:**

    | | | |
    |---|---|---|
    | SSH | 22 | TCP |
    """
    found = notes(tmp_path, text)
    assert prompts(found) == ["Networking › Ports to know — SSH?"]
    assert found[0].answer.split() == ["22", "TCP"]


def test_a_headerless_chinese_table(tmp_path: Path) -> None:
    text = """
    # 网络

    ## 常用端口

    | 协议 | |
    |---|---|
    | SSH | 22 |
    """
    assert prompts(notes(tmp_path, text)) == ["常用端口 — SSH？"]


def test_a_before_after_row_without_a_key_is_named_in_the_language(tmp_path: Path) -> None:
    text = """
    ---
    lang: fr
    ---
    # Performances

    | Mesure | Before | After |
    |---|---|---|
    | | 120 ms | 40 ms |
    """
    found = notes(tmp_path, text)
    assert len(found) == 1
    assert found[0].prompt.startswith("Performances — ligne 1")
    assert found[0].prompt.endswith(": 120 ms → [...]")
    assert found[0].key.endswith("metric:row-1")


# --- Headings judged in the document's language ---------------------------------------------------


@pytest.mark.parametrize(
    "heading", ["参考资料", "参考文献", "Weiterführende Literatur", "Références", "Литература", "منابع"]
)
def test_a_references_section_gives_no_card(tmp_path: Path, heading: str) -> None:
    text = f"""
    # Rust

    ## {heading}

    - **The Book:** the official guide to the language
    """
    assert notes(tmp_path, text) == []


def test_a_reference_answer_is_no_references_section(tmp_path: Path) -> None:
    text = """
    # Rust

    ## 参考答案

    - **所有权:** 每个值只有一个所有者
    """
    assert [n.key for n in notes(tmp_path, text)] == ["notes/参考答案/fact:所有权"]


@pytest.mark.parametrize("title", ["背景", "概要", "Visão geral", "Zusammenfassung", "Введение", "خلاصه"])
def test_a_heading_of_frame_words_only_is_a_frame_in_every_language(title: str) -> None:
    assert is_template(title)


def test_the_specific_part_of_a_framed_heading() -> None:
    assert specific_part("背景：所有权") == "所有权"
    assert specific_part("Résumé : emprunts") == "emprunts"
    assert not is_template("所有权")
    assert not is_template("Ownership rules")


def test_a_spanish_before_after_table_gives_metrics(tmp_path: Path) -> None:
    text = """
    ---
    lang: es
    ---
    # Rendimiento

    | Medida | Antes | Después |
    |---|---|---|
    | Latencia | 120 ms | 40 ms |
    """
    found = notes(tmp_path, text)
    assert [(n.kind, n.prompt) for n in found] == [("metric", "Rendimiento — Latencia: 120 ms → [...]")]


def test_detection_reads_a_long_unbroken_text_at_once() -> None:
    # A megabyte without a space (a pasted blob): read in one pass, never once per character.
    assert detect("a" * 1_000_000 + "@") == "en"
    assert detect(["所有权" * 100_000, "x" * 1_000_000]) == "zh"


def test_a_persian_card_reads_right_to_left_and_its_code_left_to_right(tmp_path: Path) -> None:
    """Imported into Anki, a Persian card's text takes its direction from its words
    (``unicode-bidi: plaintext``, as ``dir="auto"`` would) and code stays left to right."""
    from anki.collection import Collection

    from support import import_apkg, run

    source = tmp_path / "ownership.md"
    source.write_text(
        "# مالکیت\n\n## قوانین مالکیت\n\n- **مالک:** هر مقدار در Rust یک مالک دارد.\n",
        encoding="utf-8",
    )
    assert run("build", str(source), "--out", str(tmp_path / "decks")).exit_code == 0
    [apkg] = (tmp_path / "decks").glob("*.apkg")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        import_apkg(col, apkg)
        [card_id] = col.find_cards("")
        card = col.get_card(card_id)
        question, answer = card.question(), card.answer()
        assert "مالک؟" in question and "هر مقدار در Rust یک مالک دارد." in answer
        css = card.note_type()["css"]
        assert (
            ".prompt, .answer, .extra, .prompt p, .answer p, .prompt li, .answer li { unicode-bidi: plaintext; }"
            in css
        )
        assert ".highlight, code { direction: ltr;" in css
    finally:
        col.close()


@pytest.mark.parametrize(
    ("language", "named"),
    [("en", "part 1 of 2"), ("zh", "第 1 部分（共 2 部分）"), ("fa", "بخش ۱ از ۲"), ("de", "Teil 1 von 2")],
)
def test_a_part_of_a_long_code_block_is_named_in_the_documents_language(language: str, named: str) -> None:
    assert words_for(language).part(1, 2) == named


def test_a_few_words_of_markup_are_not_a_language() -> None:
    """One Spanish "y" among tags and names is no reason to ask in Spanish."""
    assert detect("Markup Tag script alert Div div onclick x y") == "en"
    assert detect("El sistema guarda los datos en la memoria y los escribe al disco.") == "es"
