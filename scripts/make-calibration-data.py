#!/usr/bin/env python3
"""Makes data/calibration/: a real, overconfident classifier's validation and
test logits, and reference values computed with numpy/scipy/sklearn.

Model: scikit-learn's MLPClassifier (two hidden layers of 512 ReLU units, no
L2 penalty, 300 epochs of Adam: training loss ~0) on the 8x8 digits data that
ships with scikit-learn (load_digits: offline). Trained on 10 % of the data (180 images) so
that it overfits and is overconfident, as Guo et al. (2017) describe for
modern networks. Logits are the output layer's pre-activation, computed here
from the network's weights (coefs_, intercepts_) in float64, then stored as
float32.

Needs Debian's python3-sklearn and python3-scipy (apt-get install). Only
this script needs them: the tests read the committed files.

Usage: python3 scripts/make-calibration-data.py   (deterministic: fixed seeds)
"""
import json
import os

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import logsumexp, softmax
from sklearn.datasets import load_digits
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'calibration')
BINS = 15


def logits_of(mlp, x):
    h = x
    for w, b in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1]):
        h = np.maximum(h @ w + b, 0.0)
    return h @ mlp.coefs_[-1] + mlp.intercepts_[-1]


def nll(z, y, t=1.0):
    z = z.astype(np.float64) / t
    return float(np.mean(logsumexp(z, axis=1) - z[np.arange(len(y)), y]))


def ece_mce(p, y, bins=BINS):
    """Guo et al. 2017, transcribed: bins (k/M, (k+1)/M] over max-probability confidence."""
    conf = p.max(axis=1)
    hit = (p.argmax(axis=1) == y).astype(np.float64)
    ece, mce = 0.0, 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        m = (conf > lo) & (conf <= hi) if k > 0 else (conf <= hi)
        if m.sum() == 0:
            continue
        gap = abs(hit[m].mean() - conf[m].mean())
        ece += m.sum() / len(y) * gap
        mce = max(mce, gap)
    return ece, mce


def summary(z, y, t=1.0):
    p = softmax(z.astype(np.float64) / t, axis=1)
    ece, mce = ece_mce(p, y)
    onehot = np.eye(z.shape[1])[y]
    return {'accuracy': float(np.mean(p.argmax(axis=1) == y)), 'nll': nll(z, y, t),
            'brier': float(np.mean(np.sum((p - onehot) ** 2, axis=1))), 'ece': ece, 'mce': mce}


def main():
    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    x_train, x_rest, y_train, y_rest = train_test_split(x, y, train_size=0.1, random_state=0, stratify=y)
    x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest)
    mlp = MLPClassifier(hidden_layer_sizes=(512, 512), alpha=0.0, max_iter=300, tol=1e-10,
                        n_iter_no_change=300, random_state=0, learning_rate_init=1e-3)
    mlp.fit(x_train, y_train)
    z_val = logits_of(mlp, x_val)
    z_test = logits_of(mlp, x_test)
    # The pre-activation really is what the network turns into probabilities.
    assert np.allclose(softmax(z_test, axis=1), mlp.predict_proba(x_test), atol=1e-9)

    os.makedirs(OUT, exist_ok=True)
    z_val32, z_test32 = z_val.astype('<f4'), z_test.astype('<f4')
    for name, arr in [('val-logits.f32', z_val32), ('test-logits.f32', z_test32),
                      ('val-labels.i32', y_val.astype('<i4')), ('test-labels.i32', y_test.astype('<i4'))]:
        arr.tofile(os.path.join(OUT, name))
    zv, zt = z_val32.astype(np.float64), z_test32.astype(np.float64)

    # Temperature: bounded scalar minimisation of NLL(T) in float64 (scipy), polished
    # by a bracketed root of NLL'(β) = mean(E_p[z] − z_y) (brentq to 1e-15).
    res = minimize_scalar(lambda t: nll(zv, y_val, t), bounds=(0.05, 50), method='bounded',
                          options={'xatol': 1e-12})
    from scipy.optimize import brentq

    def dnll(beta):
        p = softmax(zv * beta, axis=1)
        return float(np.mean((p * zv).sum(axis=1) - zv[np.arange(len(y_val)), y_val]))
    beta = brentq(dnll, 0.5 / res.x, 2 / res.x, xtol=1e-15, rtol=1e-15)
    t_ref = 1 / beta

    # Platt scaling on a binary task from the same net: "is it an 8?", logit
    # z_8 − logsumexp(z_others); Platt's smoothed targets; BFGS to a tight gradient.
    cls = 8
    others = np.delete(zv, cls, axis=1)
    zb = (zv[:, cls] - logsumexp(others, axis=1)).astype('<f4')
    yb = (y_val == cls).astype(np.int32)
    zb64 = zb.astype(np.float64)
    n_pos, n_neg = yb.sum(), len(yb) - yb.sum()
    tgt = np.where(yb == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def platt_obj(ab):
        f = ab[0] * zb64 + ab[1]
        return float(np.sum(np.logaddexp(0, f) - tgt * f))

    def platt_grad(ab):
        f = ab[0] * zb64 + ab[1]
        d = 1 / (1 + np.exp(-f)) - tgt
        return np.array([np.sum(d * zb64), np.sum(d)])
    pl = minimize(platt_obj, [0.0, np.log((n_pos + 1) / (n_neg + 1))], jac=platt_grad, method='BFGS',
                  options={'gtol': 1e-11, 'maxiter': 10000})
    zb.tofile(os.path.join(OUT, 'val-binary8-logits.f32'))

    # Vector scaling with l2 = 1e-3: mean NLL of softmax(w ⊙ z + b) + l2/2 Σ((w−1)² + b²).
    l2 = 1e-3
    k = zv.shape[1]
    onehot = np.eye(k)[y_val]

    def vs_obj(theta):
        w, b = theta[:k], theta[k:]
        q = zv * w + b
        return float(np.mean(logsumexp(q, axis=1) - q[np.arange(len(y_val)), y_val])
                     + 0.5 * l2 * (np.sum((w - 1) ** 2) + np.sum(b ** 2)))

    def vs_grad(theta):
        w, b = theta[:k], theta[k:]
        r = softmax(zv * w + b, axis=1) - onehot
        return np.concatenate([np.mean(r * zv, axis=0) + l2 * (w - 1), np.mean(r, axis=0) + l2 * b])
    vs = minimize(vs_obj, np.concatenate([np.ones(k), np.zeros(k)]), jac=vs_grad, method='BFGS',
                  options={'gtol': 1e-12, 'maxiter': 20000})

    # Isotonic, one-vs-rest on the float32 probabilities (softmax of the float32
    # logits, stored so both sides see the same inputs), sklearn's model, then
    # renormalised; applied to the test probabilities.
    pv32 = softmax(zv, axis=1).astype('<f4')
    pt32 = softmax(zt, axis=1).astype('<f4')
    pv32.tofile(os.path.join(OUT, 'val-probs.f32'))
    pt32.tofile(os.path.join(OUT, 'test-probs.f32'))
    q = np.zeros(pt32.shape)
    for c in range(k):
        iso = IsotonicRegression(out_of_bounds='clip').fit(pv32[:, c].astype(np.float64), (y_val == c).astype(float))
        q[:, c] = iso.predict(pt32[:, c].astype(np.float64))
    s = q.sum(axis=1, keepdims=True)
    q = np.where(s > 0, q / np.where(s > 0, s, 1), 1.0 / k)

    ref = {
        'source': 'scripts/make-calibration-data.py; sklearn MLPClassifier(512, 512, alpha=0) on load_digits',
        'classes': k, 'val': int(len(y_val)), 'test': int(len(y_test)), 'train': int(len(y_train)),
        'trainAccuracy': float(mlp.score(x_train, y_train)),
        'bins': BINS,
        'temperature': {'T': t_ref, 'scipyBoundedT': float(res.x), 'nllBefore': nll(zv, y_val), 'nllAfter': nll(zv, y_val, t_ref)},
        'test': {'before': summary(zt, y_test), 'after': summary(zt, y_test, t_ref)},
        'platt': {'class': cls, 'a': float(pl.x[0]), 'b': float(pl.x[1]), 'gradNorm': float(np.abs(platt_grad(pl.x)).max())},
        'vectorScaling': {'l2': l2, 'scale': vs.x[:k].tolist(), 'bias': vs.x[k:].tolist(),
                          'gradNorm': float(np.abs(vs_grad(vs.x)).max())},
        'isotonicTestRows': list(range(0, len(y_test), 9)),
        'isotonicTest': [q[i].tolist() for i in range(0, len(y_test), 9)],
    }
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
        f.write('\n')
    print(json.dumps({key: ref[key] for key in ['trainAccuracy', 'temperature', 'test', 'platt']}, indent=1))
    print('vector scaling grad', ref['vectorScaling']['gradNorm'])


if __name__ == '__main__':
    main()
