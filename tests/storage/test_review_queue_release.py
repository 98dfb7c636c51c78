"""The queue's read frees what it read entry by entry (so the helper thread reading a big
queue hands the GIL back to the window while it frees the cells)."""

from __future__ import annotations

from ping_desktop.storage.review_queue import release_gradually


def test_release_gradually_empties_every_table_and_keeps_what_was_taken() -> None:
    cells = {n: tuple(f"cell {n} {c}" for c in range(30)) for n in range(2000)}
    problems = {n: [("msg", "error", None)] for n in range(0, 2000, 3)}
    kept = cells[7]
    release_gradually(cells, problems, {})
    assert cells == {}
    assert problems == {}
    assert kept[0] == "cell 7 0"  # values still referenced elsewhere survive
