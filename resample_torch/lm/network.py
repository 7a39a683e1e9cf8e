"""The character-level recurrent network: embedding, one-layer recurrent cells, decoder.

Each layer is its own one-layer ``nn.RNN``/``nn.GRU``/``nn.LSTM`` so that dropout
between layers uses masks drawn by the trainer (:mod:`resample_torch.lm.training`),
and streams can be reset where a stretch of text restarts.
"""

import torch
from torch import nn

__all__ = ["CELLS", "CharRNN", "detach_state"]

#: cell name -> (torch module, gates per hidden unit)
CELLS = {"rnn": (nn.RNN, 1), "gru": (nn.GRU, 3), "lstm": (nn.LSTM, 4)}


class CharRNN(nn.Module):
    """Embedding, ``num_layers`` recurrent layers, linear decoder to symbol logits.

    Each layer is its own one-layer ``nn.RNN``/``nn.GRU``/``nn.LSTM`` so that dropout
    between layers uses masks drawn by the trainer (the same masks whether the model
    is trained alone or stacked with the other folds' models).

    Examples
    --------
    >>> net = CharRNN(vocab_size=257, embedding_dim=8, hidden_size=16, num_layers=2, cell="lstm")
    >>> x = torch.zeros(5, 3, dtype=torch.long)  # (time, streams)
    >>> logits, state = net(x, net.init_state(3, torch.device("cpu")))
    >>> tuple(logits.shape), len(state), len(state[0])
    ((5, 3, 257), 2, 2)
    """

    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, cell):
        super().__init__()
        rnn_cls, _ = CELLS[cell]
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.layers = nn.ModuleList(
            rnn_cls(embedding_dim if i == 0 else hidden_size, hidden_size) for i in range(num_layers)
        )
        self.decoder = nn.Linear(hidden_size, vocab_size)

    @property
    def widths(self):
        """Widths of the tensors dropout applies to: the embedding, then each layer."""
        return [self.embedding.embedding_dim] + [layer.hidden_size for layer in self.layers]

    def init_state(self, batch_size, device):
        """Zero hidden state: one ``(1, B, H)`` tensor per layer, a pair for LSTM."""
        def zeros(layer):
            return torch.zeros(1, batch_size, layer.hidden_size, device=device)

        if self.cell == "lstm":
            return [(zeros(layer), zeros(layer)) for layer in self.layers]
        return [zeros(layer) for layer in self.layers]

    def forward(self, x, state, resets=(), keep=None, masks=None):
        """Logits of the next symbol at every position.

        x      : (T, B) symbol codes
        state  : from ``init_state`` or a previous call
        resets : sorted time offsets t at which some stream's state is zeroed
                 before reading x[t] (where ``keep[t, b] == 0``)
        keep   : (T, B) float, 0 where a stream restarts
        masks  : dropout masks, one per entry of ``widths``, each (T, B, width)
        returns: logits (T, B, V), new state
        """
        h = self.embedding(x)  # (T, B, E)
        if masks is not None:
            h = h * masks[0]
        new_state = []
        for i, layer in enumerate(self.layers):
            h, s = _run_layer(layer, h, state[i], resets, keep)  # (T, B, H)
            if masks is not None:
                h = h * masks[i + 1]
            new_state.append(s)
        return self.decoder(h), new_state  # (T, B, V)


def _mask_state(state, keep_t):
    """Zero the state of streams where ``keep_t`` (B,) is 0."""
    m = keep_t.view(1, -1, 1)
    if isinstance(state, tuple):
        return tuple(s * m for s in state)
    return state * m


def _run_layer(layer, inp, state, resets, keep):
    """One recurrent layer over (T, B, in), resetting streams at ``resets``.

    Between resets the layer runs as one call of torch's own fused loop.
    """
    if not resets:
        return layer(inp, state)
    outs, prev, T = [], 0, inp.shape[0]
    for t in list(resets) + [T]:
        if t > prev:
            out, state = layer(inp[prev:t], state)
            outs.append(out)
        if t < T:
            state = _mask_state(state, keep[t])
        prev = t
    return torch.cat(outs), state


def detach_state(state):
    """Cut the graph between chunks (truncated BPTT)."""
    return [tuple(s.detach() for s in st) if isinstance(st, tuple) else st.detach() for st in state]
