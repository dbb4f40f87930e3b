"""numpy's and PyTorch's side of the benchmark, run by bench/run.ts as a subprocess.

Usage: python3 bench/peers.py --lib numpy|torch|sklearn --workload W1|W2|W3|W5 [--quick] [--data DIR]
                               [--torch-threads N] [--variant NAME]

W1  the seed network, one SGD step (forward + backward + update), float64.
W2  MNIST MLP 784-128-64-10, ReLU/softmax/cross-entropy, Adam 1e-3, batch 64, float32
    (the split written by bench/run.ts to DIR as raw float32/int32 files), seconds per epoch.
W3  float32 matmul n = 512, GFLOP/s.
W5  scikit-learn's digits, 64-128-64-10, ReLU/softmax/cross-entropy, Adam 1e-3, batch 32,
    50 epochs on 1,347 rows (also from DIR), float32: seconds for the 50 epochs.

How each peer runs (OpenBLAS threads, glibc's allocator settings) comes from the environment
bench/run.ts gives it; --variant names that configuration in the output, and blas_info() records
what numpy actually loaded.

Each measurement is printed as one line: "@@" followed by JSON, like the Node workers.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np


def summarize(values):
    s = sorted(values)
    n = len(s)
    median = s[(n - 1) // 2] if n % 2 == 1 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"median": median, "min": s[0], "max": s[-1], "reps": n, "values": list(values)}


def time_per_call(fn, inner, reps, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - t0) / inner)
    return out


VARIANT = {"name": None}


def emit(peer, workload, unit, values, extra):
    extra = dict(extra, config=config_info())
    if VARIANT["name"]:
        extra["variant"] = VARIANT["name"]
    print("@@" + json.dumps({"peer": peer, "workload": workload, "unit": unit, "figure": summarize(values), "extra": extra}), flush=True)


def config_info():
    """The settings in force that change these peers' speed."""
    keys = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")
    return {k: os.environ.get(k) for k in keys}


SEED_W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]
SEED_W2 = [[0.7, 0.9], [0.8, 0.1]]


def read_raw(directory, name, dtype, cols):
    """A raw array file written by bench/run.ts, as rows of `cols` (a flat array for cols 0)."""
    a = np.fromfile(os.path.join(directory, name), dtype=dtype)
    return a.reshape(-1, cols) if cols else a


def load_mnist(d):
    return (read_raw(d, "train-x.f32", np.float32, 784), read_raw(d, "train-y.f32", np.float32, 10),
            read_raw(d, "test-x.f32", np.float32, 784), read_raw(d, "test-labels.i32", np.int32, 0))


# ---------------------------------------------------------------- numpy

def numpy_w1(quick):
    x = np.array([[1.0, 2.0, 3.0]])
    t = np.array([[0.5, 0.1]])
    W1 = np.array(SEED_W1)
    b1 = np.array([0.5, 0.5])
    W2 = np.array(SEED_W2)
    b2 = np.array([0.3, 0.3])
    lr = 0.5

    def step():
        nonlocal W1, b1, W2, b2
        h = 1.0 / (1.0 + np.exp(-(x @ W1.T + b1)))
        y = 1.0 / (1.0 + np.exp(-(h @ W2.T + b2)))
        d2 = (y - t) * y * (1.0 - y)
        d1 = (d2 @ W2) * h * (1.0 - h)
        W2 -= lr * (d2.T @ h)
        b2 -= lr * d2.sum(0)
        W1 -= lr * (d1.T @ x)
        b1 -= lr * d1.sum(0)

    inner = 2000 if quick else 10000
    values = [s * 1e6 for s in time_per_call(step, inner, 5 if quick else 11, inner)]
    emit("numpy", "W1", "µs", values, {"numpy": np.__version__, "dtype": "float64", "note": "hand-written forward/backward, in-place updates"})


def numpy_w2(quick, data_dir):
    X, Y, Xt, labels = load_mnist(data_dir)
    rng = np.random.default_rng(1)

    def he(fan_out, fan_in):
        return (rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    params = [he(128, 784), np.zeros(128, np.float32), he(64, 128), np.zeros(64, np.float32), he(10, 64), np.zeros(10, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    state = {"t": 0}
    lr, b1, b2, eps = np.float32(1e-3), 0.9, 0.999, 1e-8

    def forward(x):
        W1, c1, W2, c2, W3, c3 = params
        z1 = x @ W1.T + c1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2.T + c2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3.T + c3
        return z1, h1, z2, h2, z3

    def train_step(x, y):
        W1, c1, W2, c2, W3, c3 = params
        z1, h1, z2, h2, z3 = forward(x)
        z3 = z3 - z3.max(1, keepdims=True)
        p = np.exp(z3)
        p /= p.sum(1, keepdims=True)
        d3 = (p - y) / np.float32(x.shape[0])
        d2 = (d3 @ W3) * (z2 > 0)
        d1 = (d2 @ W2) * (z1 > 0)
        grads = [d1.T @ x, d1.sum(0), d2.T @ h1, d2.sum(0), d3.T @ h2, d3.sum(0)]
        state["t"] += 1
        tt = state["t"]
        step = lr / (1 - b1 ** tt)
        c2sqrt = np.sqrt(1 - b2 ** tt)
        for i, g in enumerate(grads):
            m[i] *= b1
            m[i] += (1 - b1) * g
            v[i] *= b2
            v[i] += (1 - b2) * (g * g)
            params[i] -= step * m[i] / (np.sqrt(v[i]) / c2sqrt + eps)

    n = X.shape[0]
    epochs = 2 if quick else 5
    share = 0.25 if quick else 1.0  # --quick times a quarter of each epoch and scales up
    times = []
    for e in range(epochs + 1):
        order = rng.permutation(n)[: int(n * share)]
        t0 = time.perf_counter()
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            train_step(X[idx], Y[idx])
        if e > 0:
            times.append((time.perf_counter() - t0) / share)
    acc = float((forward(Xt)[4].argmax(1) == labels).mean())
    emit("numpy", "W2", "s/epoch", times, {"numpy": np.__version__, "accuracy": acc, "epochsTrained": (epochs + 1) * share, "blas": blas_info()})


def numpy_w3(quick):
    n = 512
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    c = np.empty((n, n), np.float32)
    values = [2 * n ** 3 / s / 1e9 for s in time_per_call(lambda: np.matmul(a, b, out=c), 20, 5 if quick else 15, 20)]
    emit("numpy", "W3", "GFLOP/s", values, {"numpy": np.__version__, "blas": blas_info()})


def blas_info():
    """Which BLAS numpy runs (threadpoolctl when installed), and the OpenBLAS variables in force."""
    info = {"OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"), "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    try:
        import threadpoolctl  # noqa: PLC0415
        info["threadpools"] = [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")} for p in threadpoolctl.threadpool_info()]
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    return info


# ---------------------------------------------------------------- torch

TORCH_THREADS = {"n": 1}


def set_torch_threads(torch):
    # NOTE: 1 by default: two OpenMP threads on top of OpenBLAS's own threads spin against each
    # other (W2: 0.42 s vs 15 s per epoch); run.ts tries 2 with OpenBLAS on one thread.
    torch.set_num_threads(TORCH_THREADS["n"])


def load_digits(d):
    return (read_raw(d, "digits-train-x.f32", np.float32, 64), read_raw(d, "digits-train-labels.i32", np.int32, 0),
            read_raw(d, "digits-test-x.f32", np.float32, 64), read_raw(d, "digits-test-labels.i32", np.int32, 0))


def torch_w5(quick, data_dir):
    """64-128-64-10 on digits, Adam 1e-3, batch 32, 50 epochs: seconds per run of 50 epochs."""
    import torch  # noqa: PLC0415
    set_torch_threads(torch)
    X, labels, Xt, labels_t = load_digits(data_dir)
    X = torch.from_numpy(X)
    y = torch.from_numpy(labels.astype(np.int64))
    n = X.shape[0]

    def once(seed):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        t0 = time.perf_counter()
        for _ in range(50):
            order = torch.randperm(n)
            for s in range(0, n, 32):
                idx = order[s:s + 32]
                opt.zero_grad()
                loss_fn(model(X[idx]), y[idx]).backward()
                opt.step()
        secs = time.perf_counter() - t0
        with torch.no_grad():
            acc = float((model(torch.from_numpy(Xt)).argmax(1).numpy() == labels_t).mean())
        return secs, acc

    once(0)
    runs = [once(r + 1) for r in range(3 if quick else 7)]
    emit("pytorch", "W5", "s", [r[0] for r in runs], {"torch": torch.__version__, "accuracy": runs[0][1], "threads": torch.get_num_threads(), "dtype": "float32"})


def sklearn_w5(quick, data_dir):
    """The same network as scikit-learn's MLPClassifier (adam, batch 32, 50 epochs, no L2, no early stop)."""
    import warnings  # noqa: PLC0415
    import sklearn  # noqa: PLC0415
    from sklearn.exceptions import ConvergenceWarning  # noqa: PLC0415
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415
    X, labels, Xt, labels_t = load_digits(data_dir)

    def once(seed):
        clf = MLPClassifier(hidden_layer_sizes=(128, 64), activation="relu", solver="adam", alpha=0.0, batch_size=32,
                            learning_rate_init=1e-3, max_iter=50, shuffle=True, tol=0.0, n_iter_no_change=1000, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.perf_counter()
            clf.fit(X, labels)
            secs = time.perf_counter() - t0
        return secs, float((clf.predict(Xt) == labels_t).mean()), clf.n_iter_, str(clf.coefs_[0].dtype)

    once(0)
    runs = [once(r + 1) for r in range(3 if quick else 7)]
    emit("sklearn", "W5", "s", [r[0] for r in runs], {"sklearn": sklearn.__version__, "accuracy": runs[0][1], "epochs": runs[0][2], "dtype": runs[0][3], "blas": blas_info()})


def torch_w1(quick):
    import torch  # noqa: PLC0415
    set_torch_threads(torch)
    W1 = torch.tensor(SEED_W1, dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor([0.5, 0.5], dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor(SEED_W2, dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor([0.3, 0.3], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)
    t = torch.tensor([[0.5, 0.1]], dtype=torch.float64)
    opt = torch.optim.SGD([W1, b1, W2, b2], lr=0.5)

    def step():
        opt.zero_grad()
        h = torch.sigmoid(torch.nn.functional.linear(x, W1, b1))
        y = torch.sigmoid(torch.nn.functional.linear(h, W2, b2))
        loss = 0.5 * ((y - t) ** 2).sum()
        loss.backward()
        opt.step()

    inner = 300 if quick else 1000
    values = [s * 1e6 for s in time_per_call(step, inner, 5 if quick else 11, inner)]
    emit("pytorch", "W1", "µs", values, {"torch": torch.__version__, "dtype": "float64", "threads": torch.get_num_threads()})


def torch_w2(quick, data_dir):
    import torch  # noqa: PLC0415
    set_torch_threads(torch)
    torch.manual_seed(1)
    X, Y, Xt, labels = load_mnist(data_dir)
    X = torch.from_numpy(X)
    y_idx = torch.from_numpy(Y.argmax(1))
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = X.shape[0]
    epochs = 2 if quick else 5
    share = 0.25 if quick else 1.0  # --quick times a quarter of each epoch and scales up
    times = []
    for e in range(epochs + 1):
        order = torch.randperm(n)[: int(n * share)]
        t0 = time.perf_counter()
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            opt.zero_grad()
            loss = loss_fn(model(X[idx]), y_idx[idx])
            loss.backward()
            opt.step()
        if e > 0:
            times.append((time.perf_counter() - t0) / share)
    with torch.no_grad():
        acc = float((model(torch.from_numpy(Xt)).argmax(1).numpy() == labels).mean())
    emit("pytorch", "W2", "s/epoch", times, {"torch": torch.__version__, "accuracy": acc, "epochsTrained": (epochs + 1) * share, "threads": torch.get_num_threads()})


def torch_w3(quick):
    import torch  # noqa: PLC0415
    set_torch_threads(torch)
    n = 512
    a = torch.rand(n, n)
    b = torch.rand(n, n)
    c = torch.empty(n, n)
    values = [2 * n ** 3 / s / 1e9 for s in time_per_call(lambda: torch.mm(a, b, out=c), 20, 5 if quick else 15, 20)]
    emit("pytorch", "W3", "GFLOP/s", values, {"torch": torch.__version__, "threads": torch.get_num_threads()})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", choices=["numpy", "torch", "sklearn"], required=True)
    p.add_argument("--workload", choices=["W1", "W2", "W3", "W5"], required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"))
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--variant", default=None)
    a = p.parse_args()
    TORCH_THREADS["n"] = a.torch_threads
    VARIANT["name"] = a.variant
    runs = {
        ("numpy", "W1"): lambda: numpy_w1(a.quick), ("numpy", "W2"): lambda: numpy_w2(a.quick, a.data), ("numpy", "W3"): lambda: numpy_w3(a.quick),
        ("torch", "W1"): lambda: torch_w1(a.quick), ("torch", "W2"): lambda: torch_w2(a.quick, a.data), ("torch", "W3"): lambda: torch_w3(a.quick),
        ("torch", "W5"): lambda: torch_w5(a.quick, a.data), ("sklearn", "W5"): lambda: sklearn_w5(a.quick, a.data),
    }
    runs[(a.lib, a.workload)]()
    print(f"# python {platform.python_version()}", file=sys.stderr)


if __name__ == "__main__":
    main()
