"""metrics.accuracy and predicted_classes for indices, one-hot and a single output."""
import numpy as np
import pytest

import diy_nn as nn
from diy_nn.metrics import predicted_classes

SCORES = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.3, 0.3, 0.4]])


def test_accuracy_with_class_indices():
    assert nn.accuracy(np.array([1, 0, 2, 0]), SCORES) == 0.75


def test_accuracy_with_one_hot_labels():
    assert nn.accuracy(nn.one_hot(np.array([1, 0, 2, 0]), 3), SCORES) == 0.75


def test_accuracy_with_logits_equals_accuracy_with_probabilities():
    y = np.array([1, 0, 2, 0])
    assert nn.accuracy(y, np.log(SCORES)) == nn.accuracy(y, SCORES)


@pytest.mark.parametrize("shape", [(4,), (4, 1)], ids=str)
def test_accuracy_with_a_single_output_of_probabilities_and_0_1_labels(shape):
    y = np.array([1, 0, 1, 0]).reshape(shape)
    yhat = np.array([0.9, 0.2, 0.4, 0.6]).reshape(-1, 1)
    assert nn.accuracy(y, yhat) == 0.5
    assert nn.accuracy(y, yhat.ravel()) == 0.5


def test_accuracy_with_minus_1_plus_1_labels_and_threshold_0():
    y = np.array([[1], [-1], [1], [-1]])
    yhat = np.array([[2.0], [-0.5], [-0.1], [-3.0]])
    assert nn.accuracy(y, yhat, threshold=0) == 0.75


def test_accuracy_is_1_when_every_prediction_is_right_and_0_when_none_is():
    assert nn.accuracy(SCORES.argmax(axis=1), SCORES) == 1.0
    assert nn.accuracy((SCORES.argmax(axis=1) + 1) % 3, SCORES) == 0.0


def test_accuracy_returns_a_python_float():
    assert type(nn.accuracy(np.array([1, 0, 2, 0]), SCORES)) is float


def test_predicted_classes_is_argmax_for_several_outputs_and_threshold_for_one():
    np.testing.assert_array_equal(predicted_classes(SCORES), [1, 0, 2, 2])
    np.testing.assert_array_equal(predicted_classes(np.array([[0.7], [0.3]])), [1, 0])
    np.testing.assert_array_equal(predicted_classes(np.array([0.7, 0.3]), threshold=0.8), [0, 0])
