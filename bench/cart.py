#!/usr/bin/python3
"""scikit-learn CART on condnet's quantized data, for bench/trees.ts.

Reads the integer inputs (little-endian int32, n x d, row-major) and labels (int32, n) that
bench/trees.ts wrote, fits DecisionTreeClassifier grown to purity for each criterion, and
prints one JSON object: per criterion the node count, the depth of each training input's
leaf (its number of tests), and the fitted tree itself (children, feature, threshold, class
per node) so the caller can pack it as a condnet blob and check it in the engine.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier


def main():
    x_path, y_path, n, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    x = np.fromfile(x_path, dtype="<i4").reshape(n, d)
    y = np.fromfile(y_path, dtype="<i4")
    out = {"sklearn": sklearn.__version__, "criteria": {}}
    for criterion in sys.argv[5:]:
        t0 = time.perf_counter()
        # Grown to purity (the defaults: no depth limit, min_samples_leaf=1); all features
        # considered at every split, so random_state only breaks exact ties.
        clf = DecisionTreeClassifier(criterion=criterion, random_state=0).fit(x, y)
        seconds = time.perf_counter() - t0
        t = clf.tree_
        depth = np.asarray(clf.decision_path(x).sum(axis=1)).ravel() - 1
        out["criteria"][criterion] = {
            "fitSeconds": seconds,
            "nodeCount": int(t.node_count),
            "leaves": int(clf.get_n_leaves()),
            "trainAccuracy": float((clf.predict(x) == y).mean()),
            "depth": depth.astype(int).tolist(),
            "tree": {
                "left": t.children_left.tolist(),
                "right": t.children_right.tolist(),
                "feature": t.feature.tolist(),
                "threshold": t.threshold.tolist(),
                "label": clf.classes_[t.value[:, 0, :].argmax(axis=1)].astype(int).tolist(),
            },
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
