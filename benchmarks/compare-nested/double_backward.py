# PyTorch's side of ModeBenchmarks' DoubleBackward (README, "Benchmarks"): the gradient penalty ||J_x^T u||^2 + (d<u,h>/db)^2
# over h = tanh(W x + b), 256 inputs and 128 units, in float64 on one thread — its value (one backward) and its gradient in
# x, W, b and u (a double backward: autograd.grad with create_graph, then again). Medians of 2,000 calls after 200 warm-up.
# Run: /usr/bin/python3 benchmarks/compare-nested/double_backward.py (Debian's python3-torch).
import torch, time, statistics
torch.set_num_threads(1)
torch.manual_seed(0)
n_in, n_out = 256, 128
x = (torch.rand(n_in, dtype=torch.float64) * 2 - 1).requires_grad_()
w = ((torch.rand(n_out, n_in, dtype=torch.float64) * 2 - 1) * 0.1).requires_grad_()
b = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
u = (torch.rand(n_out, dtype=torch.float64) * 2 - 1).requires_grad_()
def penalty(create):
    h = torch.tanh(w @ x + b)
    gx, gb = torch.autograd.grad(h, (x, b), grad_outputs=u, create_graph=create)
    return (gx * gx).sum() + gb * gb
def value():
    return penalty(False)
def gradient():
    p = penalty(True)
    return torch.autograd.grad(p, (x, w, b, u))
def median(f, reps=2000):
    for _ in range(200): f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e6
v, g = median(value), median(gradient)
print(f"torch {torch.__version__}, 1 thread: penalty value (one backward) {v:.1f} us, its gradient (double backward) {g:.1f} us, ratio {g / v:.2f}x")
