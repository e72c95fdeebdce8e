"""store.environment: a variable set for a block, then as it was, also when the block raises or
another thread sets it at the same time."""

from __future__ import annotations

import os
import threading

import pytest

from medkb.store.environment import environment_variable

NAME = "MEDKB_TEST_VARIABLE"


@pytest.mark.parametrize("before", [None, "the user's"])
def test_the_variable_is_set_inside_and_as_it_was_after(monkeypatch, before):
    monkeypatch.delenv(NAME, raising=False)
    if before is not None:
        monkeypatch.setenv(NAME, before)
    with environment_variable(NAME, "inside"):
        assert os.environ[NAME] == "inside"
    assert os.environ.get(NAME) == before


def test_the_variable_is_restored_when_the_block_raises(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    with pytest.raises(RuntimeError, match="failed"), environment_variable(NAME, "inside"):
        raise RuntimeError("failed")
    assert NAME not in os.environ


def test_two_threads_that_set_it_leave_it_as_it_was(monkeypatch):
    """Unguarded, the second thread would save the first's value as the one to restore: the first
    restores (unsets) it, the second then sets the first's value for good."""
    monkeypatch.delenv(NAME, raising=False)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with environment_variable(NAME, "first"):
            first_in.set()
            second_in.wait(timeout=0.5)  # unguarded, the second thread is inside by now
        first_out.set()

    def second() -> None:
        first_in.wait()
        with environment_variable(NAME, "second"):
            second_in.set()
            first_out.wait(timeout=5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert NAME not in os.environ
