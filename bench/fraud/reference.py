"""Reference models for `npm run bench:fraud`: scikit-learn RandomForestClassifier and XGBoost on
label-encoded declaration columns, trained on one CSV and evaluated on another.

Usage: python3 reference.py TRAIN.csv TEST.csv  -> one JSON line per model on stdout.
Columns: the label is `Fraud` (KCS) or `illicit` (WCO BACUDA); identifiers/dates/leaky columns are
dropped; every other column is numeric when it parses as a number, else label-encoded with the codes
of the training file (unseen categories -> -1), as the KCS repository's baseline does.
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import average_precision_score, roc_auc_score

LABELS = ["Fraud", "illicit"]
DROP = {"Declaration ID", "Date", "Critical Fraud", "sgd.id", "sgd.date", "revenue", "Fraud", "illicit"}


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def as_float(values):
    try:
        return np.array([float(v) if v != "" else np.nan for v in values])
    except ValueError:
        return None


def encode(train_header, train_rows, test_header, test_rows):
    label = next(l for l in LABELS if l in train_header)
    cols = [c for c in train_header if c not in DROP]
    xtr, xte = [], []
    for c in cols:
        a = [r[train_header.index(c)] for r in train_rows]
        b = [r[test_header.index(c)] for r in test_rows]
        fa, fb = as_float(a), as_float(b)
        if fa is not None and fb is not None:
            xtr.append(np.nan_to_num(fa, nan=-1))
            xte.append(np.nan_to_num(fb, nan=-1))
        else:
            codes = {v: i for i, v in enumerate(sorted(set(a)))}
            xtr.append(np.array([codes[v] for v in a], dtype=float))
            xte.append(np.array([codes.get(v, -1) for v in b], dtype=float))
    ytr = np.array([int(float(r[train_header.index(label)])) for r in train_rows])
    yte = np.array([int(float(r[test_header.index(label)])) for r in test_rows])
    rev = None
    if "revenue" in test_header:
        rev = np.array([float(r[test_header.index("revenue")] or 0) for r in test_rows])
    return np.column_stack(xtr), ytr, np.column_stack(xte), yte, rev, cols


def metrics(name, scores, y, rev, secs):
    n = len(y)
    # Stable sort on -score: ties keep file order, as the TypeScript evaluation does.
    order = np.argsort(-scores, kind="stable")
    out = {"model": name}
    for k in (1, 2, 5, 10):
        size = max(1, round(n * k / 100))
        tp = int(y[order[:size]].sum())
        out[f"precision@{k}"] = tp / size
        out[f"recall@{k}"] = tp / y.sum() if y.sum() else None
        out[f"revenue@{k}"] = float(rev[order[:size]].sum() / rev.sum()) if rev is not None and rev.sum() > 0 else None
    out["rocAuc"] = float(roc_auc_score(y, scores))
    out["prAuc"] = float(average_precision_score(y, scores))
    out["trainSeconds"] = secs
    return out


def main():
    th, tr = read(sys.argv[1])
    vh, va = read(sys.argv[2])
    xtr, ytr, xte, yte, rev, cols = encode(th, tr, vh, va)
    models = [("sklearn-rf", lambda: RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0))]
    try:
        import xgboost

        models.append(("xgboost", lambda: xgboost.XGBClassifier(n_jobs=2, tree_method="hist", random_state=0)))
    except ImportError:
        print("xgboost not installed; skipping", file=sys.stderr)
    for name, make in models:
        m = make()
        t0 = time.perf_counter()
        m.fit(xtr, ytr)
        secs = time.perf_counter() - t0
        scores = m.predict_proba(xte)[:, 1]
        res = metrics(name, scores, yte, rev, secs)
        if hasattr(m, "feature_importances_"):
            imp = sorted(zip(cols, m.feature_importances_.tolist()), key=lambda t: -t[1])
            res["importances"] = {c: round(v, 4) for c, v in imp}
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
