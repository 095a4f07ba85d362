"""district.bulk.collector_paused: the cycle collector off for a batch, as it was after."""

import gc

import pytest

from district.bulk import collector_paused


@pytest.fixture(autouse=True)
def _collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_off_inside_and_on_again_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error():
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0
    assert gc.isenabled()


def test_nested_pauses_leave_it_off_until_the_outer_one_ends():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator_each_call_pauses_it():
    @collector_paused()
    def collector_state():
        return gc.isenabled()

    assert collector_state() is False
    assert collector_state() is False
    assert gc.isenabled()
