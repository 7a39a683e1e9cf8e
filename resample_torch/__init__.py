"""resample_torch: the resampling methods of ``resample`` for PyTorch models.

scikit-learn estimators around torch modules (:class:`TorchClassifier`,
:class:`TorchRegressor`), character-level recurrent language models trained by
truncated backpropagation through time (:class:`CharRNNLanguageModel`) with the
K fold models of a cross-validation trained together, and the sequence-aware
pieces that cross-validating a language model needs (:func:`text_blocks`,
:func:`block_bootstrap_perplexity`), and transfer learning: a pretrained network as a
frozen feature extractor computed once per cross-validation run
(:class:`FrozenFeatures`), fine-tuning (:class:`FineTuneClassifier`) and ensembles
of torch classifiers.

The core package ``resample`` never imports torch; this plugin builds on it.
"""

from resample_torch.transfer.backbones import efficientnet_lite0, imagenet_normalizer
from resample_torch.transfer.ensembles import AveragedFineTuneClassifier, FoldEnsembleClassifier, SnapshotEnsembleClassifier
from resample_torch.tabular.estimators import MLP, TorchClassifier, TorchRegressor
from resample_torch.transfer.finetune import FineTuneClassifier
from resample_torch.transfer.frozen import FrozenFeatures
from resample_torch.lm.intervals import (
    PerplexityInterval,
    block_bootstrap_perplexity,
    cross_val_block_log_likelihood,
    cv_perplexity_interval,
)
from resample_torch.lm.model import BlockLogLikelihood, CharRNN, CharRNNLanguageModel
from resample_torch.lm.ngram import NGramLanguageModel
from resample_torch.lm.text import TextBlock, Vocabulary, text_blocks
from resample_torch.curves.learning import LearningCurves, learning_curves
from resample_torch.curves.lr_range import LRRangeResult, lr_range_test

__all__ = [
    "CharRNNLanguageModel",
    "text_blocks",
    "NGramLanguageModel",
    "TextBlock",
    "block_bootstrap_perplexity",
    "cross_val_block_log_likelihood",
    "Vocabulary",
    "CharRNN",
    "BlockLogLikelihood",
    "MLP",
    "TorchClassifier",
    "TorchRegressor",
    "FrozenFeatures",
    "FineTuneClassifier",
    "FoldEnsembleClassifier",
    "SnapshotEnsembleClassifier",
    "AveragedFineTuneClassifier",
    "efficientnet_lite0",
    "imagenet_normalizer",
    "learning_curves",
    "LearningCurves",
    "lr_range_test",
    "LRRangeResult",
    "cv_perplexity_interval",
    "PerplexityInterval",
]
