"""A code step over 15 lines with no comment to cut at: cut at its top-level items (a function,
a struct, an impl, a class, a SQL statement, a YAML top-level key), else at blank lines, each
part asked by its signature and the block's cue."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from builder.extract import Extraction, extract
from builder.extract.code import MOST_LINES
from builder.model import Answered, Card, Snippet
from builder.read import read


def extracted(tmp_path: Path, text: str, name: str = "notes.md") -> Extraction:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip(), encoding="utf-8")
    return extract(read(path, name))


def code_cards(found: Extraction) -> dict[str, str]:
    """The code cards' prompts (without their crumbs), each with the code it shows."""
    return {card.ask: shown(card) for card in found.cards if card.kind == "code"}


def shown(card: Card) -> str:
    assert isinstance(card.form, Answered)
    snippet = card.form.answer[0]
    assert isinstance(snippet, Snippet)
    return snippet.text


def line_of(text: str, needle: str) -> int:
    lines = dedent(text).lstrip().splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def assert_readable(code: dict[str, str]) -> None:
    """No part is too long, only closing brackets, or only imports."""
    for ask, text in code.items():
        filled = [line.strip() for line in text.splitlines() if line.strip()]
        assert len(filled) <= MOST_LINES, ask
        assert not all(set(line) <= set("})];,") for line in filled), ask
        assert not all(line.startswith(("use ", "import ", "from ")) for line in filled), ask


RUST = """
    # Inventory

    ## Stock

    The stock keeper:

    ```rust
    use std::collections::HashMap;
    use std::sync::RwLock;

    const LOW: u32 = 3;

    pub struct Stock {
        items: RwLock<HashMap<String, u32>>,
        alerts: Vec<String>,
    }

    impl Stock {
        pub fn take(&mut self, name: &str, count: u32) -> Option<u32> {
            let mut items = self.items.write().unwrap();
            let left = items.get_mut(name)?;
            *left = left.checked_sub(count)?;
            Some(*left)
        }
    }

    fn report(stock: &Stock) -> String {
        stock.alerts.join(", ")
    }
    ```
    """


def test_rust_block_is_cut_at_its_items_imports_joining_the_next(tmp_path: Path) -> None:
    found = extracted(tmp_path, RUST)
    code = code_cards(found)
    assert list(code) == [
        "The stock keeper, pub struct Stock: Rust code?",
        "The stock keeper, impl Stock: Rust code?",
        "The stock keeper, fn report(...): Rust code?",
    ]
    first = code["The stock keeper, pub struct Stock: Rust code?"]
    assert first.startswith("use std::collections::HashMap;\nuse std::sync::RwLock;\n\nconst LOW")
    assert first.endswith("alerts: Vec<String>,\n}")
    assert code["The stock keeper, impl Stock: Rust code?"].endswith("    }\n}")
    assert_readable(code)
    cards = [c for c in found.cards if c.kind == "code"]
    assert [c.origin.line for c in cards] == [
        line_of(RUST, "use std::collections"),
        line_of(RUST, "impl Stock"),
        line_of(RUST, "fn report"),
    ]
    assert cards[0].crumbs == ("Stock",)
    assert [c.key.rsplit("/", 1)[1] for c in cards] == [
        "code:block:pub-struct-stock",
        "code:block:impl-stock",
        "code:block:fn-report",
    ]
    assert not found.diagnostics


PYTHON = """
    # Service

    ## Settings

    The settings module:

    ```python
    import os
    import sys
    from dataclasses import dataclass


    @dataclass
    class Config:
        host: str
        port: int

        def url(self) -> str:
            return f"http://{self.host}:{self.port}"


    def load(path: str) -> Config:
        with open(path) as f:
            data = f.read()
        host, port = data.split(":")
        return Config(host, int(port))


    def main() -> None:
        config = load(os.environ.get("CONFIG", sys.argv[1]))
        print(config.url())
    ```
    """


def test_python_classes_and_functions_with_their_decorators(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, PYTHON))
    assert list(code) == [
        "The settings module, class Config: Python code?",
        "The settings module, def load(...): Python code?",
        "The settings module, def main(): Python code?",
    ]
    assert "@dataclass\nclass Config:" in code["The settings module, class Config: Python code?"]
    assert code["The settings module, def load(...): Python code?"].startswith("def load(")
    assert_readable(code)


GO = """
    # Web

    ## Server

    Serving requests:

    ```go
    package main

    import (
    \t"fmt"
    \t"net/http"
    )

    type Server struct {
    \tname string
    }

    func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {
    \tfmt.Fprintf(w, "hello from %s", s.name)
    \tw.WriteHeader(200)
    }

    func main() {
    \ts := &Server{name: "x"}
    \thttp.HandleFunc("/", s.Handle)
    \thttp.ListenAndServe(":8080", nil)
    }
    ```
    """


def test_go_receiver_kept_arguments_elided(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, GO))
    assert list(code) == [
        "Serving requests, type Server struct: Go code?",
        "Serving requests, func (s *Server) Handle(...): Go code?",
        "Serving requests, func main(): Go code?",
    ]
    assert code["Serving requests, type Server struct: Go code?"].startswith("package main\n")
    assert_readable(code)


SQL = """
    # Shop

    ## Schema

    The orders schema:

    ```sql
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT UNIQUE
    );
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER REFERENCES customers(id),
      total NUMERIC(10, 2),
      placed_at TIMESTAMP
    );
    SELECT c.name, SUM(o.total)
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    WHERE o.placed_at > '2024-01-01'
    GROUP BY c.name;
    ```
    """


def test_sql_statements_end_at_their_semicolon(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, SQL))
    assert list(code) == [
        "The orders schema, CREATE TABLE customers: SQL code?",
        "The orders schema, CREATE TABLE orders: SQL code?",
        "The orders schema, SELECT c.name, SUM(o.total): SQL code?",
    ]
    assert code["The orders schema, SELECT c.name, SUM(o.total): SQL code?"].endswith("GROUP BY c.name;")
    assert_readable(code)


YAML = """
    # Cluster

    ## Deployment

    A deployment for the web server:

    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        app: web
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - name: web
            image: nginx:1.25
    ```
    """


def test_yaml_is_cut_at_its_top_level_keys(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, YAML))
    assert list(code) == [
        "A deployment for the web server, apiVersion, kind, metadata: YAML code?",
        "A deployment for the web server, spec: YAML code?",
    ]
    assert code["A deployment for the web server, spec: YAML code?"].startswith("spec:\n")


LONG_FUNCTION = """
    # Payments

    ## Refunds

    The refund routine:

    ```rust
    fn refund(
        ledger: &mut Ledger,
        payment: PaymentId,
        amount: Cents,
    ) -> Result<Receipt, RefundError> {
        let paid = ledger.payment(payment)?;
        if amount > paid.amount {
            return Err(RefundError::TooMuch);
        }

        // record the refund before paying it out
        let entry = ledger.append(Entry::refund(payment, amount))?;
        ledger.flush()?;

        let receipt = bank::pay_back(paid.card, amount)?;
        ledger.confirm(entry, &receipt)?;
        Ok(receipt)
    }
    ```
    """


def test_one_long_function_is_cut_at_blank_lines_into_even_parts(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, LONG_FUNCTION))
    assert list(code) == [
        "The refund routine, fn refund(...), part 1 of 2: Rust code?",
        "The refund routine, fn refund(...), part 2 of 2"
        " (record the refund before paying it out): Rust code?",
    ]
    first, second = code.values()
    assert first.endswith("return Err(RefundError::TooMuch);\n    }")
    assert second.startswith("    // record the refund")
    assert second.endswith("Ok(receipt)\n}")
    assert "\n\n" in second  # the blank line between its paragraphs is kept
    assert_readable(code)


LONG_IMPL = """
    # Wallet

    ## Keys

    ```rust
    // the key manager
    #[wasm_bindgen]
    impl KeyManager {
        pub fn unlock(&mut self, password: &str) -> Result<bool, KeyError> {
            let salt = self.salt()?;
            let key = derive(password, &salt)?;
            self.key = self.decrypt(&key)?;
            Ok(true)
        }

        pub fn lock(&mut self) {
            self.key.zeroize();
        }

        pub fn sign(&self, tx: &Transaction) -> Result<Signature, KeyError> {
            let digest = tx.hash();
            let signature = ecdsa::sign(&self.key, &digest)?;
            Ok(signature)
        }
    }
    ```
    """


def test_a_long_impl_is_cut_at_its_methods(tmp_path: Path) -> None:
    code = code_cards(extracted(tmp_path, LONG_IMPL))
    assert list(code) == [
        "the key manager, impl KeyManager › pub fn unlock(...): Rust code?",
        "the key manager, impl KeyManager › pub fn lock(...): Rust code?",
        "the key manager, impl KeyManager › pub fn sign(...): Rust code?",
    ]
    unlock, lock, sign = code.values()
    assert unlock.startswith("#[wasm_bindgen]\nimpl KeyManager {\n    pub fn unlock(")
    # shown without the indentation its lines share
    assert lock == "pub fn lock(&mut self) {\n    self.key.zeroize();\n}"
    assert sign.startswith("    pub fn sign(") and sign.endswith("    }\n}")  # the impl closed


NO_BLANK = """
    # Setup

    ## Fixtures

    Loading the fixtures:

    ```rust
    fn small() -> u32 {
        1
    }

    fn load(rows: &mut Vec<u32>) {
    {body}
    }
    ```
    """.replace("{body}", "\n".join(f"        rows.push({n});" for n in range(16)))


def test_a_part_with_nothing_to_cut_at_gives_no_card_and_a_warning(tmp_path: Path) -> None:
    found = extracted(tmp_path, NO_BLANK)
    assert list(code_cards(found)) == ["Loading the fixtures, fn small(): Rust code?"]
    line = line_of(NO_BLANK, "fn load")
    (warning,) = [d for d in found.diagnostics if d.origin.line == line]
    assert "fn load(...)" in warning.message and str(MOST_LINES) in warning.message
    (skipped,) = [s for s in found.skipped if s.origin.line == line]
    assert skipped.text == "Loading the fixtures, fn load(...)"
    assert skipped.key.endswith("code:block:fn-load")


def test_a_step_that_fits_is_not_cut(tmp_path: Path) -> None:
    short = "\n".join(RUST.splitlines()[:-13]) + "\n    ```\n"
    code = code_cards(extracted(tmp_path, short))
    assert list(code) == ["The stock keeper: Rust code?"]


INCLUDED = """
    # Listings

    ## Stock keeper

    The whole listing:

    ```rust
    {{#include stock.rs}}
    ```
    """


def test_an_included_listing_is_cut_the_same_way(tmp_path: Path) -> None:
    listing = dedent(RUST).split("```rust\n", 1)[1].split("```", 1)[0]
    (tmp_path / "stock.rs").write_text(listing, encoding="utf-8")
    code = code_cards(extracted(tmp_path, INCLUDED))
    assert list(code) == [
        "The whole listing, pub struct Stock: Rust code?",
        "The whole listing, impl Stock: Rust code?",
        "The whole listing, fn report(...): Rust code?",
    ]


def test_the_seeds_fixes_are_carded_by_their_signatures(seed_extraction: Extraction) -> None:
    asks = [card.ask for card in seed_extraction.cards if card.kind == "code"]
    for ask in (
        "Safe bounded unsafe pattern, fn verify_merkle_root_safe(...), part 1 of 2: Rust code?",
        "After: Per-symbol sharding with lock-free reads, struct MatchingEngine: Rust code?",
        "After: Per-symbol sharding with lock-free reads, impl MatchingEngine: Rust code?",
        "WASM module with isolated memory, pub struct KeyManager: Rust code?",
        "WASM module with isolated memory, impl KeyManager › pub fn sign_transaction(...): Rust code?",
    ):
        assert ask in asks
    assert not [d for d in seed_extraction.diagnostics if "too many to recall" in d.message]


CONSOLE = """
    # Build

    ## Errors

    The compiler says:

    ```console
    $ cargo build
       Compiling shop v0.1.0
    {body}
    error: could not compile `shop`
    ```
    """.replace("{body}", "\n".join(f"    warning: unused variable `x{n}`" for n in range(16)))


def test_console_output_is_not_cut(tmp_path: Path) -> None:
    """A session that is mostly a program's output is no code to recall: no card, no warning,
    listed as program output."""
    found = extracted(tmp_path, CONSOLE)
    assert code_cards(found) == {}
    assert not found.diagnostics
    assert [(s.reason, s.text) for s in found.skipped if s.reason == "program output"] == [
        ("program output", "$ cargo build")
    ]


ONE_LINERS = """
    # Shapes

    ## Points

    The point types:

    ```rust
    #[derive(Clone, Copy)]
    struct Origin { x: i32, y: i32 }
    impl Origin {
        fn new() -> Origin {
            Origin { x: 0, y: 0 }
        }

        fn moved(&self, dx: i32, dy: i32) -> Origin {
            Origin { x: self.x + dx, y: self.y + dy }
        }
    }
    fn distance(a: &Origin, b: &Origin) -> f64 {
        let dx = (a.x - b.x) as f64;
        let dy = (a.y - b.y) as f64;
        let squared = dx * dx + dy * dy;
        squared.sqrt()
    }
    ```
    """


def test_an_item_on_one_line_ends_there(tmp_path: Path) -> None:
    """A one-line struct is a small piece: it joins the impl after it, which names the part."""
    code = code_cards(extracted(tmp_path, ONE_LINERS))
    assert list(code) == [
        "The point types, impl Origin: Rust code?",
        "The point types, fn distance(...): Rust code?",
    ]
    assert code["The point types, impl Origin: Rust code?"].startswith(
        "#[derive(Clone, Copy)]\nstruct Origin {"
    )
