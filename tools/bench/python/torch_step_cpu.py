"""CPU time per PyTorch training step of an aelab preset, for comparisons on a
shared machine (wall time there includes waiting for a core; CPU time at 1
thread does not). Reads the preset's aelab spec as JSON on stdin, builds it with
torch_peer.build_model, trains on random pixels (batch 128, Adam as the bench).

  cd packages/backend-onnxruntime && npx tsx -e 'import { presetSpec } from "@aelab/core"; console.log(JSON.stringify(presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 32 })))' \
    | /usr/bin/python3 ../../tools/bench/python/torch_step_cpu.py 20 [threads]
"""
import json
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_peer import build_model  # noqa: E402

threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)
spec = json.load(sys.stdin)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
model = build_model(torch, spec, 0.2)
s = spec["input"]["shape"]
x = torch.rand(128, s[2], s[0], s[1]) if len(s) == 3 else torch.rand(128, *s)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
loss_fn = torch.nn.functional.binary_cross_entropy if spec["loss"] == "bce" else torch.nn.functional.mse_loss


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), x)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(3):
    step()
w0, c0 = time.perf_counter(), time.process_time()
for _ in range(steps):
    step()
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
print(f"{spec['name']}: {1000 * wall / steps:.2f} ms/step, {steps * 128 / wall:.0f} samples/s, CPU {1000 * cpu / steps:.2f} ms/step ({cpu / wall:.2f} cores), torch {torch.__version__}, {threads} thread(s)")
