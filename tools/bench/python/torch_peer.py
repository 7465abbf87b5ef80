"""The PyTorch peer of `npm run bench`, and the machine's sgemm peak.

Why this file exists: the bench compares aelab's backends with PyTorch on the
same models, data and timing protocol, in the same run. The Node side writes
the data file and sends a JSON request on stdin (the aelab specs, the protocol
constants); this script answers with one JSON document on stdout. Progress goes
to stderr. It must run under Debian's /usr/bin/python3 (python3-torch,
python3-numpy); the caller unsets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for it.

The model is built from the aelab spec itself (channels-last shapes mapped to
PyTorch's channels-first). 'same' transposed convolutions use padding and
output_padding, which gives Keras's shapes and FLOPs but places the output one
pixel off from Keras (see the research notes); that does not change throughput.
"""

import ctypes
import json
import math
import os
import platform
import resource
import sys
import time

USER_HZ = 100


def log(message):
    print(f"  [peer] {message}", file=sys.stderr, flush=True)


# --- foreign load and quiet waits (mirrors tools/bench/src/cpu-load.ts) -------


def snapshot():
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:8]]
        user, nice, system, _idle, _iowait, irq, softirq = fields
        busy = user + nice + system + irq + softirq
    except OSError:
        busy = None
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), busy, r.ru_utime + r.ru_stime


def cpu_use(a, b):
    seconds = max(b[0] - a[0], 1e-6)
    own = b[2] - a[2]
    foreign = None if a[1] is None or b[1] is None else max(0.0, (b[1] - a[1]) / USER_HZ - own) / seconds
    return foreign, own / seconds


class QuietWaiter:
    def __init__(self, per_rep, budget, clean_load):
        self.per_rep, self.budget, self.clean_load, self.spent = per_rep, budget, clean_load, 0.0

    def wait(self):
        limit = min(self.per_rep, self.budget - self.spent)
        if limit <= 0:
            return
        t0 = time.perf_counter()
        while True:
            a = snapshot()
            time.sleep(0.25)
            foreign, _ = cpu_use(a, snapshot())
            waited = time.perf_counter() - t0
            if foreign is None or foreign < self.clean_load or waited >= limit:
                self.spent += waited
                return


def run_reps(count, waiter, rep):
    out = []
    for _ in range(count):
        waiter.wait()
        a = snapshot()
        samples = rep()
        b = snapshot()
        seconds = b[0] - a[0]
        foreign, own = cpu_use(a, b)
        out.append({"samplesPerSecond": samples / seconds, "seconds": seconds, "foreignLoad": foreign, "ownCpu": own})
    return out


def calls_for(seconds, batch, fn):
    t0 = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        if time.perf_counter() - t0 >= seconds:
            return calls * batch


# --- BLAS facts and the sgemm peak ------------------------------------------


def openblas_info(threads):
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_set_num_threads(threads)
        return {
            "core": lib.openblas_get_corename().decode(),
            "config": lib.openblas_get_config().decode(),
            "threads": lib.openblas_get_num_threads(),
        }
    except (OSError, AttributeError) as error:
        return {"error": f"libblas.so.3 is not OpenBLAS or did not load: {error}"}


def measure_peak(req, waiter, torch):
    n, reps = req["peak"]["n"], req["peak"]["reps"]
    try:
        import numpy as np

        rng = np.random.default_rng(0)
        a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
        matmul, library = (lambda: a @ b), f"numpy {np.__version__} matmul"
    except ImportError:
        if torch is None:
            return None, "neither numpy nor torch is importable"
        a, b = torch.rand(n, n), torch.rand(n, n)
        matmul, library = (lambda: torch.mm(a, b)), f"torch {torch.__version__} mm"
    log(f"sgemm peak: {n}^3 float32, best of {reps}")
    matmul()
    flop = 2.0 * n**3
    samples = run_reps(reps, waiter, lambda: (matmul(), 1)[1])
    out = [{"gflops": flop * s["samplesPerSecond"] / 1e9, **s} for s in samples]
    return {"n": n, "library": library, "gflops": max(r["gflops"] for r in out), "reps": out}, None


# --- the model, built from the aelab spec ------------------------------------


def pair(v):
    return (v, v) if isinstance(v, int) else (v[0], v[1])


def same_pads(size, k, s):
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def activation(nn, name, alpha):
    table = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "elu": nn.ELU, "gelu": nn.GELU}
    if name == "linear":
        return []
    if name == "leakyRelu":
        return [nn.LeakyReLU(alpha)]
    return [table[name]()]


def conv2d(nn, layer, shape):
    c, h, w = shape
    (kh, kw), (sh, sw) = pair(layer["kernelSize"]), pair(layer["strides"])
    mods = []
    if layer["padding"] == "same":
        oh, top, bottom = same_pads(h, kh, sh)
        ow, left, right = same_pads(w, kw, sw)
        if (top, left) == (bottom, right):
            pad = (top, left)
        else:
            mods.append(nn.ZeroPad2d((left, right, top, bottom)))
            pad = 0
    else:
        oh, ow, pad = (h - kh) // sh + 1, (w - kw) // sw + 1, 0
    mods.append(nn.Conv2d(c, layer["filters"], (kh, kw), (sh, sw), pad))
    return mods, (layer["filters"], oh, ow)


def transpose_axis(size, k, s, padding):
    """(padding, output_padding, output size) giving Keras's output size on one axis."""
    if padding == "same":
        p = max(0, math.ceil((k - s) / 2))
        return p, s - k + 2 * p, size * s
    return 0, max(0, s - k), size * s + max(k - s, 0)


def conv2d_transpose(nn, layer, shape):
    c, h, w = shape
    (kh, kw), (sh, sw) = pair(layer["kernelSize"]), pair(layer["strides"])
    (ph, eh, oh), (pw, ew, ow) = transpose_axis(h, kh, sh, layer["padding"]), transpose_axis(w, kw, sw, layer["padding"])
    if not (0 <= eh < sh and 0 <= ew < sw):
        raise ValueError(f"conv2dTranspose {layer} has no PyTorch equivalent here")
    return [nn.ConvTranspose2d(c, layer["filters"], (kh, kw), (sh, sw), (ph, pw), (eh, ew))], (layer["filters"], oh, ow)


def max_pool(nn, layer, shape):
    c, h, w = shape
    k = pair(layer["poolSize"])
    s = pair(layer.get("strides") or layer["poolSize"])
    if layer["padding"] == "valid":
        return [nn.MaxPool2d(k, s)], (c, (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1)
    (oh, top, _), (ow, left, _) = same_pads(h, k[0], s[0]), same_pads(w, k[1], s[1])
    if top or left:
        raise ValueError(f"maxPool2d {layer} pads before the input; not mapped to PyTorch")
    return [nn.MaxPool2d(k, s, ceil_mode=True)], (c, oh, ow)


def make_layer(nn, layer, shape, alpha):
    kind = layer["type"]
    if kind == "dense":
        return [nn.Linear(shape[0], layer["units"]), *activation(nn, layer["activation"], alpha)], (layer["units"],)
    if kind in ("conv2d", "conv2dTranspose"):
        mods, out = (conv2d if kind == "conv2d" else conv2d_transpose)(nn, layer, shape)
        return [*mods, *activation(nn, layer["activation"], alpha)], out
    if kind == "maxPool2d":
        return max_pool(nn, layer, shape)
    if kind == "upSampling2d":
        sh, sw = pair(layer["size"])
        return [nn.Upsample(scale_factor=(sh, sw), mode="nearest")], (shape[0], shape[1] * sh, shape[2] * sw)
    if kind == "flatten":
        return [nn.Flatten()], (math.prod(shape),)
    if kind == "reshape" and len(layer["targetShape"]) in (1, 3):
        t = layer["targetShape"]
        return ([nn.Flatten()], (t[0],)) if len(t) == 1 else ([nn.Unflatten(1, (t[2], t[0], t[1]))], (t[2], t[0], t[1]))
    if kind == "dropout":
        return [nn.Dropout(layer["rate"])], shape
    raise ValueError(f"layer {layer} is not mapped to PyTorch")


def build_model(torch, spec, alpha):
    nn = torch.nn
    reg = spec.get("regularization", {})
    if spec.get("variational") or spec.get("noise") or any(reg.get(k, 0) for k in ("l1", "l2", "activityL1")):
        raise ValueError("the PyTorch peer builds plain autoencoders only (no noise, penalties or VAE heads)")
    s = spec["input"]["shape"]
    shape = (s[2], s[0], s[1]) if len(s) == 3 else tuple(s)
    parts = []
    for layers in (spec["encoder"], spec["decoder"]):
        mods = []
        for layer in layers:
            made, shape = make_layer(nn, layer, shape, alpha)
            mods.extend(made)
        parts.append(nn.Sequential(*mods))
    model = nn.Sequential(*parts)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


# --- the measurements --------------------------------------------------------


def load_images(torch, req):
    import numpy as np

    flat = np.fromfile(req["dataPath"], dtype="<f4")
    s = req["sampleShape"]
    images = torch.from_numpy(flat).reshape(-1, *s)
    if len(s) == 3:
        images = images.permute(0, 3, 1, 2).contiguous()
    return images


def measure_training(torch, model, spec, images, req, waiter):
    F = torch.nn.functional
    adam = req["adam"]
    opt = torch.optim.Adam(model.parameters(), lr=adam["learningRate"], betas=(adam["beta1"], adam["beta2"]), eps=adam["epsilon"])
    loss_fn = F.binary_cross_entropy if spec["loss"] == "bce" else F.mse_loss
    batch = req["batch"]
    batches = [images[i * batch : (i + 1) * batch] for i in range(images.shape[0] // batch)]
    state = {"next": 0}

    def step():
        xb = batches[state["next"] % len(batches)]
        state["next"] += 1
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), xb)
        loss.backward()
        opt.step()
        if not math.isfinite(loss.item()):
            raise ValueError("training loss is not finite")

    model.train()
    for _ in range(req["warmupSteps"]):
        step()
    steps = req["stepsPerRep"]

    def rep():
        for _ in range(steps):
            step()
        return steps * batch

    return {"workload": "train", "batch": batch, "stepsPerRep": steps, "reps": run_reps(req["reps"], waiter, rep)}


def measure_inference(torch, model, images, req, waiter):
    model.eval()
    out = []
    with torch.inference_mode():
        for run in req["inference"]:
            x = images[req["heldOutStart"] : req["heldOutStart"] + run["batch"]]
            part = model[0] if run["part"] == "encode" else model
            fn = lambda: part(x).numpy()  # noqa: E731 — the output is materialised, as on the JS side
            calls_for(req["inferWarmupSeconds"], run["batch"], fn)
            reps = run_reps(req["reps"], waiter, lambda: calls_for(req["inferRepSeconds"], run["batch"], fn))
            out.append({"workload": run["workload"], "batch": run["batch"], "reps": reps})
    return out


def measure_preset(torch, preset, images, req, waiter):
    torch.manual_seed(1)
    model = build_model(torch, preset["spec"], req["leakyReluAlpha"])
    log(f"{preset['name']}: train, {req['reps']} reps x {preset['trainSteps']} steps")
    train = measure_training(torch, model, preset["spec"], images, {**req, "stepsPerRep": preset["trainSteps"]}, waiter)
    log(f"{preset['name']}: inference")
    return [train, *measure_inference(torch, model, images, req, waiter)]


def main():
    req = json.load(sys.stdin)
    waiter = QuietWaiter(req["quiet"]["perRepSeconds"], req["quiet"]["budgetSeconds"], req["cleanLoad"])
    answer = {"python": platform.python_version(), "executable": sys.executable, "torch": None, "results": []}
    try:
        import torch

        torch.set_num_threads(req["threads"])
        answer["torch"] = torch.__version__
        answer["torchThreads"] = torch.get_num_threads()
    except ImportError as error:
        torch, answer["torchError"] = None, f"{type(error).__name__}: {error}"
    answer["openblas"] = openblas_info(req["threads"])
    if req.get("peak"):
        answer["peak"], answer["peakError"] = measure_peak(req, waiter, torch)
    if torch is not None and req["presets"]:
        images = load_images(torch, req)
        for preset in req["presets"]:
            try:
                measurements = measure_preset(torch, preset, images, req, waiter)
                notes = []
            except ValueError as error:
                measurements, notes = [], [f"not measured: {error}"]
            blas = answer["openblas"].get("core")
            detail = f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads" + (f", OpenBLAS {blas} kernels" if blas else "")
            answer["results"].append({"system": "pytorch", "detail": detail, "preset": preset["name"], "measurements": measurements, "notes": notes})
    answer["quietWaitSeconds"] = waiter.spent
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
