"""The book's one tie rule (diy_nn.book.studies): a setting is better only when
every one of its seeds beats every seed of the other."""
import pytest

from diy_nn.book.studies import compare, spread, sweep


def test_ranges_that_do_not_overlap_give_the_better_setting():
    v = compare([0.95, 0.96, 0.97], [0.91, 0.92, 0.94], names=("Adam", "SGD"))
    assert v.winner == "Adam" and v.loser == "SGD" and not v.tie
    assert "every seed of Adam beats every seed of SGD" in str(v)


def test_overlapping_ranges_are_a_tie():
    v = compare([0.95, 0.96, 0.97], [0.93, 0.955, 0.94], names=("a", "b"))
    assert v.tie and v.winner is None and "a tie" in str(v)


def test_ranges_that_touch_are_a_tie():
    assert compare([997, 998, 999], [995, 996, 997]).tie


def test_lower_is_better_for_a_loss_or_a_number_of_epochs():
    v = compare([34, 30, 40], [52, 45, 60], names=("BCE", "MSE"),
                higher_is_better=False)
    assert v.winner == "BCE"


def test_counts_are_shown_as_integers():
    v = compare([997, 998, 999], [990, 991, 992], names=("x", "y"))
    assert "x 997 to 999, y 990 to 992" in str(v)


def test_fewer_than_three_seeds_are_refused():
    with pytest.raises(ValueError, match="at least 3 seeds"):
        compare([0.9, 0.8], [0.7, 0.6, 0.5])


def test_a_run_that_is_not_a_number_is_refused():
    with pytest.raises(TypeError, match="must be numbers"):
        compare([0.9, float("nan"), 0.8], [0.7, 0.6, 0.5])


def test_spread_gives_the_mean_and_the_range():
    assert spread([0.958, 0.962, 0.966]) == "0.962 (0.958 to 0.966)"


def test_sweep_names_the_best_setting_its_ties_and_the_beaten():
    v = sweep({1e-3: [0.80, 0.81, 0.82], 1e-2: [0.90, 0.91, 0.93],
               1e-1: [0.89, 0.92, 0.925], 1.0: [0.50, 0.60, 0.55]})
    assert v.best == 1e-2 and v.ties == (1e-1,) and set(v.beaten) == {1e-3, 1.0}
    assert not v.at_edge
    v.check_inside()


def test_a_best_setting_at_the_end_of_the_grid_must_be_extended():
    v = sweep({0.1: [0.5, 0.5, 0.6], 0.2: [0.7, 0.7, 0.8], 0.4: [0.9, 0.9, 0.9]})
    assert v.best == 0.4 and v.at_edge
    with pytest.raises(AssertionError, match="extend the grid"):
        v.check_inside()


def test_an_unordered_sweep_has_no_edge():
    v = sweep({"tanh": [3, 3, 4], "relu": [5, 6, 7], "sigmoid": [1, 1, 2]},
              ordered=False)
    assert v.best == "relu" and not v.at_edge
