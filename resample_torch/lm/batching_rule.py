"""When :meth:`CharRNNLanguageModel.fit_folds` trains the folds together: the measured rule.

Kept apart from the estimator (``model.py``) and the stacked trainer
(``batched.py``) because it is neither: a decision read from benchmark results.
"""

from resample_torch._checks import check_batch_folds

__all__ = ["CPU_MAX_HIDDEN", "batching_choice"]

#: On the CPU, the largest hidden size at which K = 5 folds trained together beat
#: five one-by-one fits by at least 1.1x, per cell (1 layer, batch 32, bptt 64;
#: benchmarks/results/torch_folds_cpu_rule.md, from ``bench_torch_folds.py
#: --hidden-sizes 24,64,128``). LSTM: never, since one-by-one fits run oneDNN's
#: fused LSTM kernel, which the stacked Python time loop cannot match.
CPU_MAX_HIDDEN = {"gru": 64, "rnn": 128, "lstm": 0}


def batching_choice(estimator):
    """``(batch, reason)``: whether ``fit_folds`` trains the folds together, and why.

    ``batch_folds=True``/``False`` decide; ``"auto"`` reads the measured rule: on
    CUDA always (K small models fill a GPU better than one), on the CPU when
    ``hidden_size`` is at most :data:`CPU_MAX_HIDDEN` of the cell, elsewhere never.
    """
    mode = check_batch_folds(estimator.batch_folds)
    if isinstance(mode, bool):
        return mode, f"batch_folds={mode}"
    device = estimator._check_params()
    cell, hidden = estimator.cell, estimator.hidden_size
    if device.type == "cuda":
        return True, ("batch_folds='auto' on CUDA: folds trained together (the GPU rule is not yet measured; "
                      "benchmarks/run_torch_gpu.sh)")
    if device.type == "cpu":
        limit = CPU_MAX_HIDDEN[cell]
        if hidden <= limit:
            return True, (f"batch_folds='auto' on the CPU: {cell} with hidden_size={hidden} <= {limit}, where "
                          "training the folds together was measured faster (benchmarks/results/torch_folds_cpu_rule.md)")
        why = (f"{cell} with hidden_size={hidden} > {limit}" if limit
               else f"{cell}: torch's fused one-by-one LSTM kernel is faster")
        return False, (f"batch_folds='auto' on the CPU: {why}, so the folds are fitted one by one "
                       "(benchmarks/results/torch_folds_cpu_rule.md)")
    return False, f"batch_folds='auto' on {device.type}: fold batching is not measured there; one by one"
