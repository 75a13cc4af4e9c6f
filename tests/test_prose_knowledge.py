"""Knowledge written without bold, as docs sites, READMEs and books write it: a heading naming
a concept and a paragraph defining it, ``Term — definition`` bullets, a short list its heading
frames, and an italic term defined in its sentence. What only illustrates stays skipped, and
nothing is carded twice.
"""

from __future__ import annotations

from textwrap import dedent

from builder.model import Note

from support import notes_from


def _notes(text: str) -> list[Note]:
    return notes_from(dedent(text).lstrip())


def _asked(notes: list[Note]) -> list[tuple[str, str, str]]:
    return [(n.kind, n.prompt, n.answer) for n in notes]


def test_a_heading_naming_a_concept_is_asked_by_the_sentence_that_defines_it() -> None:
    notes = _notes(
        """
        # Databases

        ## Sharding

        Sharding distributes data across databases so that each holds a subset. Adding
        shards spreads the **write load**.

        ## Federation

        Federation (or functional partitioning) splits up databases by function.

        ## Write-ahead logs

        A write-ahead log records every change before it reaches the data files.
        """
    )
    asked = _asked(notes)
    assert asked[0] == (
        "fact",
        "Sharding — what is it?",
        "Sharding distributes data across databases so that each holds a subset.",
    )
    # The paragraph's other sentences are read as prose still; the definition is not clozed.
    assert asked[1] == (
        "cloze",
        "Sharding — Adding shards spreads the [...].",
        "Adding shards spreads the write load.",
    )
    assert asked[2][1:] == (
        "Federation — what is it?",
        "Federation (or functional partitioning) splits up databases by function.",
    )
    # A plural heading, a singular sentence with its article.
    assert asked[3][1:] == (
        "Write-ahead logs — what is it?",
        "A write-ahead log records every change before it reaches the data files.",
    )
    assert len(notes) == 4


def test_a_heading_whose_first_words_name_the_concept_needs_a_sentence_saying_what_it_is() -> None:
    notes = _notes(
        """
        # Kubernetes

        ## ConfigMap object

        A ConfigMap is an API object that stores configuration for other objects to use. It
        has a data section.

        ## Cache tuning

        Cache misses dominate the tail latency of every read path we measured.
        """
    )
    assert _asked(notes) == [
        (
            "fact",
            "ConfigMap object — what is it?",
            "A ConfigMap is an API object that stores configuration for other objects to use.",
        )
    ]


def test_sentences_that_do_not_define_the_heading_give_no_definition() -> None:
    notes = _notes(
        """
        # Hardware

        ## Cache

        A cache miss costs a trip to memory in most designs we know.

        ## ConfigMaps

        ConfigMap does not provide secrecy or encryption of any kind.

        ## What is a page?

        A page is the unit the kernel maps.

        ## Overview

        Overview sections summarise what the chapter holds for readers.
        """
    )
    assert not any(n.prompt.endswith("what is it?") for n in notes)


def test_term_dash_definition_bullets_are_facts() -> None:
    notes = _notes(
        """
        # Probes

        ## Probe types

        - Liveness probe — restarts the container when it fails.
        - Readiness probe – removes the Pod from Service endpoints until it passes.
        - Startup probe - holds the other probes until the application has started.
        """
    )
    assert _asked(notes) == [
        ("fact", "Probe types — Liveness probe?", "restarts the container when it fails."),
        ("fact", "Probe types — Readiness probe?", "removes the Pod from Service endpoints until it passes."),
        ("fact", "Probe types — Startup probe?", "holds the other probes until the application has started."),
    ]


def test_a_short_list_framed_by_its_heading_gives_one_gap_per_item() -> None:
    notes = _notes(
        """
        # Rust

        ## Ownership Rules

        First, let's look at the rules. Keep these rules in mind as we work through them:

        - Each value in Rust has an owner.
        - There can only be one owner of a value at any one time.
        - When the owner goes out of scope, the value will be dropped.

        ## Drawbacks

        - Federation adds more hardware and additional complexity to every deployment.
        - Joining data from two databases is more complex, and slower than one query.
        """
    )
    rules, drawbacks = notes
    text = rules.fields["Text"]
    assert text.count("{{c") == 3
    assert "{{c3::When the owner goes out of scope, the value will be dropped.}}" in text
    # The caption is the sentence that introduces the list, not the paragraph before it.
    assert rules.prompt.startswith("Ownership Rules › Keep these rules in mind as we work through them —")
    assert drawbacks.fields["Text"].count("{{c") == 2


def test_a_list_in_the_middle_of_prose_keeps_its_long_items_shown() -> None:
    notes = _notes(
        """
        # Notes

        ## Storage

        Some background comes first here.

        - Federation adds more hardware and additional complexity to every deployment.
        - Indexes speed up reads.
        """
    )
    [note] = [n for n in notes if n.kind == "cloze"]
    assert note.fields["Text"].count("{{c") == 1
    assert "{{c1::Indexes speed up reads.}}" in note.fields["Text"]


def test_an_italic_term_defined_in_its_sentence_is_a_gap() -> None:
    notes = _notes(
        """
        # Rust

        ## Memory

        *Ownership* is a set of rules that govern how a program manages memory. We call the
        action of creating a reference *borrowing*. Freeing twice is known as a *double free*
        error. Such code is *not* valid, and the compiler says so loudly.
        """
    )
    gaps = sorted(n.answer for n in notes if n.kind == "cloze")
    assert [n.prompt for n in notes] == [
        "Memory — [...] is a set of rules that govern how a program manages memory.",
        "Memory — We call the action of creating a reference [...].",
        "Memory — Freeing twice is known as a [...] error.",
    ]
    assert "Such code is not valid, and the compiler says so loudly." not in gaps


def test_a_question_heading_is_answered_by_its_own_text_cut_when_long() -> None:
    long = " ".join(["Parallel search interleaves threads, so results come in any order."] * 12)
    notes = _notes(
        f"""
        # FAQ

        <h3 name="order">
        How can I get results in a consistent order?
        </h3>

        Use `--sort path`: it searches with one thread and sorts by path.

        ### Does it support *lookaround*?

        Think about why a finite automaton cannot look back?

        Not by default. The default engine guarantees linear time; **PCRE2** adds it with `-P`.

        ### Why is the search slower with PCRE2?

        {long}

        PCRE2 backtracks where the default engine runs an automaton, and is **slower** for it.

        ### Where are the docs?

        #### Guide

        The guide covers configuration.

        #### Man page

        The man page lists every flag.
        """
    )
    asked = {n.prompt: n.answer for n in notes if n.kind == "question"}
    # An HTML heading is a heading; its text is the question.
    assert asked["How can I get results in a consistent order?"] == (
        "Use --sort path: it searches with one thread and sorts by path."
    )
    # An aside that asks something else is no answer; it is listed, never carded.
    assert asked["Does it support lookaround?"] == (
        "Not by default. The default engine guarantees linear time; PCRE2 adds it with -P."
    )
    # Too long for one card: the answer is cut to its first sentences, the rest read as prose
    # (its marked sentence a cloze of its own).
    slower = asked["Why is the search slower with PCRE2?"]
    assert slower.startswith("Parallel search interleaves threads") and len(slower) <= 600
    assert any(n.kind == "cloze" and "automaton, and is [...] for it" in n.prompt for n in notes)
    # Sub-headings alone answer nothing: their own text is carded.
    assert not any("Where are the docs?" in prompt for prompt in asked)
    assert not any("PCRE2 adds it" in n.answer for n in notes if n.kind == "cloze")


def test_an_html_heading_on_one_line_titles_a_section() -> None:
    notes = _notes(
        """
        # Tools

        <h2 id="rg">ripgrep</h2>

        - **Default engine:** finite automata
        """
    )
    assert [n.prompt for n in notes] == ["ripgrep — Default engine?"]


def test_a_references_heading_is_skipped_but_a_topic_starting_with_the_word_is_not() -> None:
    notes = _notes(
        """
        # Rust

        ## References and Borrowing

        A *reference* is like a pointer to data another variable owns.

        ## Source(s) and further reading: borrowing

        - [The book](https://doc.rust-lang.org/book/)
        """
    )
    assert [n.prompt for n in notes] == [
        "References and Borrowing — A [...] is like a pointer to data another variable owns."
    ]


def test_emphasis_that_only_stresses_is_no_gap() -> None:
    notes = _notes(
        """
        # Tools

        ## Search

        ripgrep will **not** touch your files. *And* it is repeated a thousand times over.
        You are performing a **s**ubstitution here. Searches run in **parallel** by default.
        默认情况下，搜索是**并行**执行的。
        """
    )
    assert [(n.prompt, n.answer) for n in notes] == [
        ("Search — Searches run in [...] by default.", "Searches run in parallel by default."),
        ("Search — 默认情况下，搜索是[...]执行的。", "默认情况下，搜索是并行执行的。"),
    ]


def test_the_sentences_before_a_blocks_caption_are_read_as_prose() -> None:
    notes = _notes(
        """
        # Rust

        ## Assignment

        A **move** transfers ownership to the new variable. Moving a string:

        ```rust
        let s2 = s1;
        ```
        """
    )
    assert [n.prompt for n in notes] == [
        "Assignment — A [...] transfers ownership to the new variable.",
        "Assignment — Moving a string: Rust code?",
    ]


def test_a_caption_that_points_back_keeps_the_sentence_it_points_to() -> None:
    notes = _notes(
        """
        # Rust

        ## Memory

        Some text comes first. A String needs memory on the heap, unknown at compile time. This
        means:

        - The memory must be requested from the allocator at runtime.
        - It must be returned to the allocator when the String is done.
        """
    )
    [note] = notes
    assert note.prompt.startswith(
        "Memory — A String needs memory on the heap, unknown at compile time. This means\n- [...]"
    )


def test_a_pointer_elsewhere_is_no_answer_and_a_concept_elsewhere_needs_its_copula() -> None:
    notes = _notes(
        """
        # FAQ

        ## How do I enable true colors?

        First, see the previous question's answer on colors.

        Set `--colors match:fg:0x4f,0x8a,0xff` to pick any RGB colour.

        ## 分片

        分片是把数据分布到多个数据库的做法。

        ## HTML

        HTML شامل یک عنصر dialog است که وقتی باز می‌شود نمایش داده می‌شود.
        """
    )
    asked = {n.prompt: n.answer for n in notes}
    assert (
        asked["How do I enable true colors?"]
        == "Set --colors match:fg:0x4f,0x8a,0xff to pick any RGB colour."
    )
    # (The page is mostly English, so it asks in English.)
    assert asked["分片 — what is it?"] == "分片是把数据分布到多个数据库的做法。"
    assert not any(prompt.startswith("HTML") for prompt in asked)


def test_concepts_and_terms_are_found_where_other_languages_put_them() -> None:
    spanish = _notes(
        """
        # ConfigMaps

        ## Objeto ConfigMap

        Un ConfigMap es un objeto de la API que permite almacenar la configuración de otros objetos.
        """
    )
    assert [n.prompt for n in spanish] == ["Objeto ConfigMap — ¿Qué es?"]
    japanese = _notes(
        """
        # 所有権

        ## ムーブ

        これは*二重解放*エラーとして知られ、メモリ安全性上のバグの一つです。
        """
    )
    assert [(n.prompt, n.answer) for n in japanese] == [
        (
            "ムーブ — これは[...]エラーとして知られ、メモリ安全性上のバグの一つです。",
            "これは二重解放エラーとして知られ、メモリ安全性上のバグの一つです。",
        )
    ]


def test_a_table_of_keys_and_their_descriptions_asks_by_the_key_alone() -> None:
    notes = _notes(
        """
        # Pods

        ## Pod phase

        | Value | Description |
        |---|---|
        | Pending | Accepted, but a container is not ready to run yet. |
        | Running | Bound to a node, with every container created. |
        """
    )
    assert [(n.prompt, n.answer) for n in notes] == [
        ("Pod phase — Pending?", "Accepted, but a container is not ready to run yet."),
        ("Pod phase — Running?", "Bound to a node, with every container created."),
    ]


def test_documentation_prose_names_its_terms_in_plain_words_or_in_code() -> None:
    notes = _notes(
        """
        # Pods

        ## Fault recovery

        Kubernetes uses a higher-level abstraction, called a controller, that manages Pods.
        The spec of a Pod has a `restartPolicy` field with values `Always` and `Never`.
        Run `kubectl`:
        """
    )
    assert [(n.prompt, n.answer) for n in notes] == [
        (
            "Fault recovery — Kubernetes uses a higher-level abstraction, called a [...], that manages Pods.",
            "Kubernetes uses a higher-level abstraction, called a controller, that manages Pods.",
        ),
        (
            "Fault recovery — The spec of a Pod has a [...] field with values Always and Never.",
            "The spec of a Pod has a restartPolicy field with values Always and Never.",
        ),
    ]


def test_no_rule_of_its_own_hides_the_pages_subject_or_narrates_an_example() -> None:
    notes = _notes(
        """
        # Strings

        ## Parts

        A `String` holds a pointer. A `String` grows on the heap. A `String` can be mutated.
        A `String` is freed by `drop` when it goes out of scope. Take a `String`.
        When we print the value at the end, it will be `hello`.

        ## Reading

        - See the section on moves for what assignment does.
        - Every value has one owner at a time.
        """
    )
    prompts = [n.prompt for n in notes]
    assert prompts[0] == "Parts — A String is freed by [...] when it goes out of scope."
    assert not any("String [...]" in p or "[...] holds" in p or "it will be [...]" in p for p in prompts)
    reading = next(n for n in notes if n.prompt.startswith("Reading"))
    assert "{{c1::Every value has one owner at a time.}}" in reading.fields["Text"]
    assert "{{c" not in reading.fields["Text"].split("See the section")[1].split("</li>")[0]


def test_long_steps_keep_the_sentence_that_introduces_them() -> None:
    notes = _notes(
        """
        # ConfigMaps

        ## Use

        There are three ways to use a ConfigMap to configure a container inside a Pod:

        1. Pass command line arguments to the entrypoint of a container
        1. Set environment variables for a container from its keys
        1. Add a file in a read-only volume, for the application to read
        """
    )
    [note] = notes
    assert note.prompt.startswith(
        "Use — There are three ways to use a ConfigMap to configure a container inside a Pod\n1. [...]"
    )
    assert note.fields["Text"].count("{{c") == 3


def test_a_how_question_cut_short_keeps_the_sentence_that_says_how() -> None:
    why = " ".join(["Parallel search interleaves its threads, so the order of results changes."] * 6)
    notes = _notes(
        f"""
        # FAQ

        ## How can I get results in a stable order?

        {why}

        The only way is to sort the output. (It costs the parallelism!) You can achieve this
        with the `--sort path` flag.

        ## What changed recently?

        Please consult the CHANGELOG.
        """
    )
    [note] = [n for n in notes if n.kind == "question"]
    assert note.answer.endswith("You can achieve this with the --sort path flag.")
    assert len(note.answer) <= 900


def test_a_sentence_marked_whole_is_no_cloze_and_cjk_code_names_are_gaps() -> None:
    notes = _notes(
        """
        # Java

        ## 总结

        记住：**每个对象在堆上分配，引用在栈上保存，垃圾回收器只回收不可达的对象**。

        这个方法被称为 `finalize`，在对象被垃圾回收器回收之前由虚拟机调用一次。
        """
    )
    assert [n.answer for n in notes] == [
        "这个方法被称为 finalize，在对象被垃圾回收器回收之前由虚拟机调用一次。"
    ]


def test_a_caption_naming_the_following_thing_keeps_the_sentence_before_it() -> None:
    notes = _notes(
        """
        # Rust

        ## Scope

        A scope is the range within a program for which an item is valid. Take the following
        variable:

        ```rust
        let s = "hello";
        ```
        """
    )
    assert [n.prompt for n in notes] == [
        "Scope — A scope is the range within a program for which an item is valid. Take the following variable: Rust code?"
    ]


def test_an_answer_keeps_the_command_its_last_sentence_leads_into() -> None:
    why = " ".join(["Windows consoles before version 10 have no way to show true colors."] * 6)
    notes = _notes(
        f"""
        # FAQ

        ## How do I make the `-f` flag faster?

        The `-f` flag reads one pattern per line from a file. {why}

        Raise the cache with the `--dfa-size-limit` flag.

        ## How do I enable true colors?

        {why} Instead of this:

        ```
        $ rg x --colors 'match:fg:0x33,0x66,0xFF'
        ```

        you should do this

        ```
        $ rg x --colors 'match:none' --colors 'match:fg:0x33,0x66,0xFF'
        ```
        """
    )
    answers = {n.prompt: n.answer for n in notes if n.kind == "question"}
    assert answers["How do I make the -f flag faster?"].endswith(
        "Raise the cache with the --dfa-size-limit flag."
    )
    assert answers["How do I enable true colors?"].endswith(
        "$ rg x --colors 'match:none' --colors 'match:fg:0x33,0x66,0xFF'"
    )


def test_a_name_a_rule_already_hid_on_the_page_is_not_asked_for_again() -> None:
    notes = _notes(
        """
        # Pods

        ## Waiting

        When you use `kubectl` to query a Pod that is waiting, you also see a Reason field.

        ## Running

        When you use `kubectl` to query a Pod that is running, you see when it entered that state.
        """
    )
    assert [n.answer for n in notes] == [
        "When you use kubectl to query a Pod that is waiting, you also see a Reason field."
    ]
