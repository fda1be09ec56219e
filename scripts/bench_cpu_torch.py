#!/usr/bin/env python3
"""PyTorch (CPU) side of `npm run bench:cpu`: the same U-Net 2D and V-Net 3D as Atrium's
engine (docs/methods.md §1), timed on the same cases with the same thread count.

    python3 scripts/bench_cpu_torch.py --threads N --cases '<json list>' [--device cuda]

With --device cuda (`npm run bench:gpu`) the networks and data live on the GPU; every timed
step ends with a value read back (loss.item(), the argmax), which waits for the GPU.

Each case is {"name", "kind": "unet2d"|"vnet3d", "mode": "train"|"infer-slices"|"infer-window",
"batch", "size": [H, W] or [D, H, W], "classes", "reps", and for inference "scan" (NIfTI
order [ni, nj, nk]) and "stride" [si, sj, sk]}. Prints one JSON object per line:
{"name", "ms" (wall; training: median step), "cpuMs" (process CPU time), "params", "detail"};
a first line {"torch": version, "threads": n}.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DEVICE = torch.device('cpu')


# ---- U-Net 2D (SSL4MIS reference): 1,813,764 parameters at width 16 with 4 classes ----

class UNetBlock(nn.Module):
    """Conv3x3 -> BN -> LeakyReLU -> Dropout(p) -> Conv3x3 -> BN -> LeakyReLU."""

    def __init__(self, cin, cout, p):
        super().__init__()
        self.conv_conv = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.01),
            nn.Dropout(p), nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.01))

    def forward(self, x):
        return self.conv_conv(x)


class UNetUp(nn.Module):
    """1x1 conv to the skip's channels, bilinear x2 (align corners), concat [skip, up], block."""

    def __init__(self, deep, skip):
        super().__init__()
        self.conv1x1 = nn.Conv2d(deep, skip, 1)
        self.conv = UNetBlock(2 * skip, skip, 0.0)

    def forward(self, x, skip):
        x = F.interpolate(self.conv1x1(x), scale_factor=2, mode='bilinear', align_corners=True)
        return self.conv(torch.cat([skip, x], dim=1))


class UNet2d(nn.Module):
    def __init__(self, classes, width=16, cin=1):
        super().__init__()
        ch = [width * m for m in (1, 2, 4, 8, 16)]
        drop = [0.05, 0.1, 0.2, 0.3, 0.5]
        self.inc = UNetBlock(cin, ch[0], drop[0])
        self.downs = nn.ModuleList([UNetBlock(ch[i - 1], ch[i], drop[i]) for i in range(1, 5)])
        self.ups = nn.ModuleList([UNetUp(ch[4 - k], ch[3 - k]) for k in range(4)])
        self.out = nn.Conv2d(ch[0], classes, 3, padding=1)

    def forward(self, x):
        feats = [self.inc(x)]
        for down in self.downs:
            feats.append(down(F.max_pool2d(feats[-1], 2)))
        h = feats[4]
        for k, up in enumerate(self.ups):
            h = up(h, feats[3 - k])
        return self.out(h)


# ---- V-Net 3D (UA-MT / CAML / CrossMatch reference): 9,448,866 parameters at width 16, 2 classes ----

def conv_bn_relu(cin, cout, k=3, s=1, p=1, transpose=False):
    conv = nn.ConvTranspose3d(cin, cout, k, stride=s, padding=p) if transpose else nn.Conv3d(cin, cout, k, stride=s, padding=p)
    return [conv, nn.BatchNorm3d(cout), nn.ReLU(inplace=True)]


def stage(n, cin, cout):
    layers = []
    for i in range(n):
        layers += conv_bn_relu(cin if i == 0 else cout, cout)
    return nn.Sequential(*layers)


class VNet3d(nn.Module):
    def __init__(self, classes, width=16, cin=1):
        super().__init__()
        w = width
        self.one, self.one_dw = stage(1, cin, w), nn.Sequential(*conv_bn_relu(w, 2 * w, 2, 2, 0))
        self.two, self.two_dw = stage(2, 2 * w, 2 * w), nn.Sequential(*conv_bn_relu(2 * w, 4 * w, 2, 2, 0))
        self.three, self.three_dw = stage(3, 4 * w, 4 * w), nn.Sequential(*conv_bn_relu(4 * w, 8 * w, 2, 2, 0))
        self.four, self.four_dw = stage(3, 8 * w, 8 * w), nn.Sequential(*conv_bn_relu(8 * w, 16 * w, 2, 2, 0))
        self.five = stage(3, 16 * w, 16 * w)
        self.five_up = nn.Sequential(*conv_bn_relu(16 * w, 8 * w, 2, 2, 0, transpose=True))
        self.six = stage(3, 8 * w, 8 * w)
        self.six_up = nn.Sequential(*conv_bn_relu(8 * w, 4 * w, 2, 2, 0, transpose=True))
        self.seven = stage(3, 4 * w, 4 * w)
        self.seven_up = nn.Sequential(*conv_bn_relu(4 * w, 2 * w, 2, 2, 0, transpose=True))
        self.eight = stage(2, 2 * w, 2 * w)
        self.eight_up = nn.Sequential(*conv_bn_relu(2 * w, w, 2, 2, 0, transpose=True))
        self.nine = stage(1, w, w)
        self.out = nn.Conv3d(w, classes, 1)
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, x):
        x1 = self.one(x)
        x2 = self.two(self.one_dw(x1))
        x3 = self.three(self.two_dw(x2))
        x4 = self.four(self.three_dw(x3))
        x5 = self.dropout(self.five(self.four_dw(x4)))
        h = self.six(self.five_up(x5) + x4)
        h = self.seven(self.six_up(h) + x3)
        h = self.eight(self.seven_up(h) + x2)
        h = self.nine(self.eight_up(h) + x1)
        return self.out(self.dropout(h))


def build(kind, classes):
    return UNet2d(classes) if kind == 'unet2d' else VNet3d(classes)


def supervised_loss(logits, target, classes):
    """0.5 (CE + Dice over the foreground classes), as Atrium's supervisedLoss."""
    ce = F.cross_entropy(logits, target)
    p = torch.softmax(logits, 1)
    y = F.one_hot(target, classes).movedim(-1, 1).float()
    dims = [0] + list(range(2, p.dim()))
    inter = (p * y).sum(dims)
    dice = 1 - (2 * inter + 1e-5) / (p.sum(dims) + y.sum(dims) + 1e-5)
    return 0.5 * (ce + dice[1:].mean())


def train_ms(c):
    model = build(c['kind'], c['classes']).to(DEVICE).train()
    # As docs/methods.md's CrossMatch: SGD (Nesterov) for the 2-D net, AdamW for the 3-D one.
    if c['kind'] == 'unet2d':
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    x = torch.randn(c['batch'], 1, *c['size'], device=DEVICE)
    y = torch.randint(0, c['classes'], (c['batch'], *c['size']), device=DEVICE)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = supervised_loss(model(x), y, c['classes'])
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    reps = max(1, c.get('reps', 1))
    times, cpu = [], time.process_time()
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / reps
    return sorted(times)[len(times) // 2], cpu_ms, sum(p.numel() for p in model.parameters()), f'median of {reps} steps'


def window_starts(n, patch, stride):
    if n < patch:
        return [-((patch - n) // 2)]
    count = math.ceil((n - patch) / stride) + 1
    return [min(i * stride, n - patch) for i in range(count)]


@torch.no_grad()
def infer_ms(c):
    model = build(c['kind'], c['classes']).to(DEVICE).eval()
    params = sum(p.numel() for p in model.parameters())
    ni, nj, nk = c['scan']
    scan = torch.randn(nk, nj, ni, device=DEVICE)  # tensor order [k, j, i] of a NIfTI volume
    pad16 = lambda n: -(-n // 16) * 16
    start, cpu = time.perf_counter(), time.process_time()
    if c['mode'] == 'infer-slices':
        # Axial slices [j, i], zero-padded to a multiple of 16, in batches.
        ph, pw = pad16(nj), pad16(ni)
        out = torch.empty(c['classes'], nk, nj, ni, device=DEVICE)
        for first in range(0, nk, c['batch']):
            b = scan[first:first + c['batch']]
            x = torch.zeros(b.shape[0], 1, ph, pw, device=DEVICE)
            oy, ox = (ph - nj) // 2, (pw - ni) // 2
            x[:, 0, oy:oy + nj, ox:ox + ni] = b
            p = torch.softmax(model(x), 1)[:, :, oy:oy + nj, ox:ox + ni]
            out[:, first:first + b.shape[0]] = p.movedim(0, 1)
        detail = f'{math.ceil(nk / c["batch"])} batches of {c["batch"]} slices'
    else:
        pk, pj, pi = c['size']
        si, sj, sk = c['stride']
        acc = torch.zeros(c['classes'], nk, nj, ni, device=DEVICE)
        count = torch.zeros(nk, nj, ni, device=DEVICE)
        windows = [(k, j, i) for k in window_starts(nk, pk, sk) for j in window_starts(nj, pj, sj) for i in window_starts(ni, pi, si)]
        for k, j, i in windows:
            x = scan[k:k + pk, j:j + pj, i:i + pi][None, None]
            p = torch.softmax(model(x), 1)[0]
            acc[:, k:k + pk, j:j + pj, i:i + pi] += p
            count[k:k + pk, j:j + pj, i:i + pi] += 1
        out = acc / count
        detail = f'{len(windows)} windows of {pk}x{pj}x{pi}, stride {si}x{sj}x{sk}'
    out.argmax(0).cpu()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, params, detail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, required=True)
    ap.add_argument('--cases', required=True)
    ap.add_argument('--device', default='cpu')
    args = ap.parse_args()
    global DEVICE
    DEVICE = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    name = torch.cuda.get_device_name(DEVICE) if DEVICE.type == 'cuda' else 'cpu'
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'device': name}), flush=True)
    for c in json.loads(args.cases):
        ms, cpu_ms, params, detail = train_ms(c) if c['mode'] == 'train' else infer_ms(c)
        print(json.dumps({'name': c['name'], 'ms': ms, 'cpuMs': cpu_ms, 'params': params, 'detail': detail}), flush=True)


if __name__ == '__main__':
    main()
