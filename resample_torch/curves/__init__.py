"""Learning curves across folds and the learning-rate range test."""
