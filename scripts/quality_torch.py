#!/usr/bin/env python3
"""PyTorch reference for `npm run bench:quality`: the same 2-D U-Net as Atrium's engine
(scripts/bench_cpu_torch.py), trained by the plain recipe of the semi-supervised literature
(SSL4MIS's 2-D scripts) on the same case, for the same wall-clock budget and thread count, then
scored where it never saw a label.

    python3 scripts/quality_torch.py --case DIR --method supervised|mean-teacher (--minutes M | --iterations N) --threads N [--seed S]

DIR holds manifest.json ({"shape": [ni, nj, nk], "axis": "k", "classes": C (background
included), "scans": [{"image": file, "truth": file, "known": file or null}]}) and the raw arrays
it names (float32 images, uint8 truth and known masks, NIfTI voxel order). Scan 0 is the one
annotated (on the slices where `known` is 1); the others are unannotated.

Recipe (SSL4MIS train_fully_supervised_2D / train_mean_teacher_2D, shortened to the budget):
per-scan z-score over non-zero voxels (clipped to the 0.5-99.5th percentiles, as Atrium),
whole slices zero-padded to a multiple of 16, random rot90 + flip or rotation by U(-20, 20)
degrees, SGD lr 0.01 (momentum 0.9, weight decay 1e-4) with poly decay, L = 0.5 (CE + Dice),
batch 4 labelled (+ 4 unlabelled for Mean Teacher), EMA decay 0.99, teacher input noise
clamp(N(0, 0.1^2), +-0.2), consistency weight 0.1 sigmoid-ramped over 40 % of the run. The
number of iterations is planned from the pace of the first 10 steps, or fixed by --iterations.
Prints one JSON line: {"method", "iterations", "seconds", "dice": [[per class] per unannotated
scan], "mean"}.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from bench_cpu_torch import UNet2d, supervised_loss


def zscore(image):
    out = np.zeros_like(image, dtype=np.float32)
    nz = image != 0
    if not nz.any():
        return out
    v = image[nz]
    lo, hi = np.percentile(v, 0.5), np.percentile(v, 99.5)
    v = np.clip(v, lo, hi)
    std = v.std()
    out[nz] = (v - v.mean()) / std if std > 0 else 0
    return out


def load(case):
    with open(os.path.join(case, 'manifest.json')) as f:
        m = json.load(f)
    ni, nj, nk = m['shape']
    scans = []
    for s in m['scans']:
        read = lambda name, dtype: np.fromfile(os.path.join(case, name), dtype).reshape(nk, nj, ni)
        scans.append({'image': zscore(read(s['image'], np.float32)), 'truth': read(s['truth'], np.uint8),
                      'known': read(s['known'], np.uint8) if s['known'] else None})
    return m, scans


def pad16(a):
    h, w = a.shape[-2:]
    ph, pw = -(-h // 16) * 16, -(-w // 16) * 16
    oy, ox = (ph - h) // 2, (pw - w) // 2
    out = np.zeros(a.shape[:-2] + (ph, pw), a.dtype)
    out[..., oy:oy + h, ox:ox + w] = a
    return out, (oy, ox)


def augment(image, label, rng):
    """SSL4MIS RandomGenerator: rot90 + flip with p 0.5, else rotation with p 0.5."""
    from scipy import ndimage
    if rng.random() < 0.5:
        k, axis = rng.integers(4), rng.integers(2)
        image, label = np.flip(np.rot90(image, k), axis).copy(), np.flip(np.rot90(label, k), axis).copy()
    elif rng.random() < 0.5:
        angle = rng.uniform(-20, 20)
        image = ndimage.rotate(image, angle, order=1, reshape=False)
        label = ndimage.rotate(label, angle, order=0, reshape=False, cval=255)
    return image, label


def batch(samples):
    images = [pad16(s[0])[0] for s in samples]
    labels = [pad16(s[1].astype(np.int64))[0] for s in samples]
    h = max(i.shape[0] for i in images); w = max(i.shape[1] for i in images)
    x = np.zeros((len(samples), 1, h, w), np.float32)
    y = np.zeros((len(samples), h, w), np.int64)
    for n, (i, l) in enumerate(zip(images, labels)):
        x[n, 0, :i.shape[0], :i.shape[1]] = i
        y[n, :l.shape[0], :l.shape[1]] = l
    return torch.from_numpy(x), torch.from_numpy(y)


def masked_supervised(logits, y, classes):
    known = y != 255
    # Padding and rotated-in corners are unknown in Atrium; here they are background only where known.
    y = torch.where(known, y, torch.zeros_like(y))
    ce = (F.cross_entropy(logits, y, reduction='none') * known).sum() / known.sum().clamp(min=1)
    p = torch.softmax(logits, 1) * known[:, None]
    t = F.one_hot(y, classes).movedim(-1, 1).float() * known[:, None]
    inter = (p * t).sum((0, 2, 3))
    dice = 1 - (2 * inter + 1e-5) / (p.sum((0, 2, 3)) + t.sum((0, 2, 3)) + 1e-5)
    return 0.5 * (ce + dice[1:].mean())


def ramp(t, length):
    if length == 0:
        return 1.0
    phase = 1 - min(max(t, 0), length) / length
    return math.exp(-5 * phase * phase)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--case', required=True)
    ap.add_argument('--method', choices=['supervised', 'mean-teacher'], required=True)
    length = ap.add_mutually_exclusive_group(required=True)
    length.add_argument('--minutes', type=float)
    length.add_argument('--iterations', type=int)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    m, scans = load(args.case)
    classes = m['classes']
    labeled = [(s, k) for s, scan in enumerate(scans) if scan['known'] is not None for k in range(scan['known'].shape[0]) if scan['known'][k].any()]
    unlabeled = [(s, k) for s, scan in enumerate(scans) for k in range(scan['image'].shape[0]) if (s, k) not in set(labeled)]

    def sample(ref, with_label):
        scan = scans[ref[0]]
        image = scan['image'][ref[1]]
        label = np.where(scan['known'][ref[1]] == 1, scan['truth'][ref[1]], 255) if with_label else np.zeros(image.shape, np.uint8)
        return augment(image, label, rng)

    model = UNet2d(classes).train()
    teacher = None
    if args.method == 'mean-teacher':
        teacher = UNet2d(classes).train()
        teacher.load_state_dict(model.state_dict())
        for p in teacher.parameters():
            p.requires_grad_(False)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    budget = None if args.minutes is None else args.minutes * 60
    started = time.perf_counter()
    iterations, t = args.iterations, 0
    while iterations is None or t < iterations:
        if iterations is not None:
            for g in opt.param_groups:
                g['lr'] = 0.01 * (1 - t / iterations) ** 0.9
        x, y = batch([sample(labeled[rng.integers(len(labeled))], True) for _ in range(4)])
        # Unknown pixels (255) stay out of the loss; padding counts as unknown too.
        if teacher is None:
            loss = masked_supervised(model(x), y, classes)
        else:
            u, _ = batch([sample(unlabeled[rng.integers(len(unlabeled))], False) for _ in range(4)])
            h = min(x.shape[2], u.shape[2]); w = min(x.shape[3], u.shape[3])
            logits = model(torch.cat([x[:, :, :h, :w], u[:, :, :h, :w]]))
            loss_s = masked_supervised(logits[:4], y[:, :h, :w], classes)
            with torch.no_grad():
                noise = torch.clamp(torch.randn_like(u) * 0.1, -0.2, 0.2)
                target = torch.softmax(teacher(u[:, :, :h, :w] + noise[:, :, :h, :w]), 1)
            weight = 0.1 * ramp(t, 0.4 * (iterations or 1e9))
            loss = loss_s + weight * ((torch.softmax(logits[4:], 1) - target) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if teacher is not None:
            alpha = min(1 - 1 / (t + 1), 0.99)
            with torch.no_grad():
                for pt, ps in zip(teacher.parameters(), model.parameters()):
                    pt.mul_(alpha).add_(ps, alpha=1 - alpha)
        t += 1
        if iterations is None and t == 10:
            pace = (time.perf_counter() - started) / t
            iterations = max(t, int(budget * 0.95 / pace))
    seconds = time.perf_counter() - started
    model.eval()
    dice = []
    with torch.no_grad():
        for scan in scans[1:]:
            image, (oy, ox) = pad16(scan['image'])
            nk, nj, ni = scan['image'].shape
            pred = np.zeros((nk, nj, ni), np.uint8)
            for first in range(0, nk, 8):
                x = torch.from_numpy(image[first:first + 8][:, None].copy())
                pred[first:first + 8] = model(x).argmax(1).numpy()[:, oy:oy + nj, ox:ox + ni]
            truth = scan['truth']
            row = []
            for c in range(1, classes):
                p, r = pred == c, truth == c
                total = p.sum() + r.sum()
                row.append(1.0 if total == 0 else float(2 * (p & r).sum() / total))
            dice.append(row)
    mean = float(np.mean(dice))
    print(json.dumps({'method': args.method, 'iterations': iterations, 'seconds': round(seconds, 1), 'dice': dice, 'mean': mean}), flush=True)


if __name__ == '__main__':
    main()
