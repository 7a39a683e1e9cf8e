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

from ._backbones import efficientnet_lite0, imagenet_normalizer
from ._ensembles import AveragedFineTuneClassifier, FoldEnsembleClassifier, SnapshotEnsembleClassifier
from ._estimators import MLP, TorchClassifier, TorchRegressor
from ._finetune import FineTuneClassifier
from ._frozen import FrozenFeatures
from ._intervals import block_bootstrap_perplexity, cross_val_block_log_likelihood
from ._lm import BlockLogLikelihood, CharRNN, CharRNNLanguageModel
from ._ngram import NGramLanguageModel
from ._text import TextBlock, Vocabulary, text_blocks

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
]
