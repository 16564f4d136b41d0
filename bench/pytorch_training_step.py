#!/usr/bin/env python3
"""PyTorch reference timings of one CLIP-LIT training iteration per stage, as the paper's train.py runs them.

Written from the paper's description and OpenAI CLIP's published architecture, not copied from
either codebase. CLIP ViT-B/32 and RN101 are built at full size with random weights (timing only),
frozen and in eval mode as clip.load returns them. Per stage it prints one JSON line:
{"stage", "seconds": [...], "peak_rss_mib", "torch"}. Run with Debian's python3-torch (PyTorch 1.13).

The steps do what train.py does, including its redundant work: the reconstruction stage also
computes the CLIP score and the enhancement-weighted feature loss before its own loss, and prompt
fine-tuning re-encodes the prompts once per ranked group (Prompts.forward is called per group).

Usage: pytorch_training_step.py --threads 2 --repeat 3 --batch 8 --prompt-batch 16 --image-size 512
"""
import argparse
import json
import resource
import sys
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_reference import EnhancementNetwork

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads, causal):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(width, 4 * width)), ("gelu", QuickGELU()), ("c_proj", nn.Linear(4 * width, width))]))
        self.ln_2 = nn.LayerNorm(width)
        self.causal = causal

    def forward(self, x):  # L x N x D
        mask = None
        if self.causal:
            mask = torch.full((x.shape[0], x.shape[0]), float("-inf")).triu_(1)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, causal):
        super().__init__()
        self.resblocks = nn.Sequential(*[Block(width, heads, causal) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, resolution=224, patch=32, width=768, layers=12, heads=12, output=512):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, patch, patch, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(width) * width ** -0.5)
        self.positional_embedding = nn.Parameter(torch.randn((resolution // patch) ** 2 + 1, width) * width ** -0.5)
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, causal=False)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.randn(width, output) * width ** -0.5)

    def forward(self, x):
        x = self.conv1(x).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding + torch.zeros(x.shape[0], 1, x.shape[-1])
        x = self.ln_pre(torch.cat([cls, x], 1) + self.positional_embedding)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0]) @ self.proj


class Bottleneck(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(inplanes, planes, 1, bias=False), nn.BatchNorm2d(planes)
        self.conv2, self.bn2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False), nn.BatchNorm2d(planes)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3, self.bn3 = nn.Conv2d(planes, planes * 4, 1, bias=False), nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride > 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(nn.AvgPool2d(stride), nn.Conv2d(inplanes, planes * 4, 1, bias=False), nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(self.avgpool(out)))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ModifiedResNet(nn.Module):
    """Returns the stem's and four stages' outputs (the reconstruction loss's features) and the embedding."""

    def __init__(self, layers=(3, 4, 23, 3), width=64, output=512, resolution=224):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, width // 2, 3, 2, 1, bias=False), nn.BatchNorm2d(width // 2)
        self.conv2, self.bn2 = nn.Conv2d(width // 2, width // 2, 3, padding=1, bias=False), nn.BatchNorm2d(width // 2)
        self.conv3, self.bn3 = nn.Conv2d(width // 2, width, 3, padding=1, bias=False), nn.BatchNorm2d(width)
        self.inplanes = width
        self.layer1 = self._stage(width, layers[0], 1)
        self.layer2 = self._stage(width * 2, layers[1], 2)
        self.layer3 = self._stage(width * 4, layers[2], 2)
        self.layer4 = self._stage(width * 8, layers[3], 2)
        embed = width * 32
        self.positional_embedding = nn.Parameter(torch.randn((resolution // 32) ** 2 + 1, embed) / embed ** 0.5)
        self.attnpool = nn.MultiheadAttention(embed, embed // 64)
        self.c_proj = nn.Linear(embed, output)

    def _stage(self, planes, blocks, stride):
        layers = [Bottleneck(self.inplanes, planes, stride)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes, 1) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        stem = F.avg_pool2d(x, 2)
        s1 = self.layer1(stem)
        s2 = self.layer2(s1)
        s3 = self.layer3(s2)
        s4 = self.layer4(s3)
        tokens = s4.flatten(2).permute(2, 0, 1)
        tokens = torch.cat([tokens.mean(0, keepdim=True), tokens]) + self.positional_embedding[:, None, :]
        pooled = self.attnpool(tokens[:1], tokens, tokens, need_weights=False)[0][0]
        return self.c_proj(pooled), [stem, s1, s2, s3, s4]


class TextEncoder(nn.Module):
    def __init__(self, width=512, layers=12, heads=8, context=77, vocab=49408, output=512):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.transformer = Transformer(width, layers, heads, causal=True)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, output) * width ** -0.5)

    def forward(self, prompts, tokens):
        x = self.transformer((prompts + self.positional_embedding).permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), tokens.argmax(-1)] @ self.text_projection


def frozen(module):
    for p in module.parameters():
        p.requires_grad = False
    return module.eval()


def clip_input(images):
    x = F.interpolate(images, (224, 224), mode="bilinear", align_corners=False)
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--prompt-batch", type=int, default=16)
    parser.add_argument("--image-size", type=int, default=512)
    parser.add_argument("--stages", default="prompt-init,reconstruction,enhancement,prompt-ranking")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    vit, text, rn = frozen(VisionTransformer()), frozen(TextEncoder()), frozen(ModifiedResNet())
    network = EnhancementNetwork().train()
    tokens = torch.zeros(1, 77, dtype=torch.long)
    tokens[0, :18] = torch.arange(1, 19)  # start, 16 placeholders, end: argmax at 17
    prompts = nn.Parameter(torch.randn(2, 77, 512) * 0.02)
    net_opt = torch.optim.Adam(network.parameters(), lr=2e-5, weight_decay=1e-3)
    prompt_opt = torch.optim.Adam([prompts], lr=5e-6, weight_decay=1e-3)
    backlit = torch.rand(args.batch, 3, args.image_size, args.image_size)
    features = F.normalize(torch.randn(args.prompt_batch, 512), dim=-1)
    labels = torch.randint(0, 2, (args.prompt_batch,))

    def probabilities(image_features, flag):
        # Prompts.forward: the text encoder runs on every call; similarities image by image.
        t = text(prompts, tokens)
        t = t / t.norm(dim=-1, keepdim=True)
        rows = [100.0 * image_features[i:i + 1] @ t.T for i in range(image_features.shape[0])]
        logits = torch.cat(rows)
        return logits if flag == 0 else logits.softmax(-1)[:, 0]

    def clip_score(final, text_features):
        f = vit(clip_input(final))
        f = f / f.norm(dim=-1, keepdim=True)
        return (100.0 * f @ (text_features / text_features.norm(dim=-1, keepdim=True)).T).softmax(-1)[:, 0].mean()

    def clip_mse(final, inp, weights):
        _, predicted = rn(clip_input(final))
        with torch.no_grad():
            _, reference = rn(clip_input(inp))
        loss = 0
        for w, p, r in zip(weights, predicted, reference):
            loss = loss + w * F.mse_loss(p, r, reduction="none").flatten(1).mean(1).sum()
        return loss

    def enhancement_step(reconstruction):
        with torch.no_grad():
            text_features = text(prompts, tokens)
        light = network(backlit)
        final = torch.clamp(backlit / (light + 1e-9), 0, 1)
        cliploss = 16 * 20 * clip_score(final, text_features)
        mse = 25 * clip_mse(final, backlit, [1.0, 1.0, 1.0, 1.0, 0.5])
        loss = 25 * clip_mse(final, backlit, [1.0] * 5) if reconstruction else cliploss + 0.9 * mse
        net_opt.zero_grad()
        loss.backward()
        net_opt.step()

    def prompt_init_step():
        loss = F.cross_entropy(probabilities(features, 0), labels)
        prompt_opt.zero_grad()
        loss.backward()
        prompt_opt.step()

    def ranking_step():
        groups = [features, features.roll(1, 0), features.roll(2, 0), features.roll(3, 0)]
        p = [probabilities(g, 1) for g in groups]
        margin = lambda hi, lo, m: F.relu(m - (hi - lo)).mean()
        loss = 200 * (margin(p[0], p[3], 0.9) + margin(p[0], p[1], 0.9) + margin(p[1], p[2], 0.1) + margin(p[2], p[3], 0.1))
        prompt_opt.zero_grad()
        loss.backward()
        prompt_opt.step()

    steps = {
        "prompt-init": prompt_init_step,
        "reconstruction": lambda: enhancement_step(True),
        "enhancement": lambda: enhancement_step(False),
        "prompt-ranking": ranking_step,
    }
    for stage in args.stages.split(","):
        steps[stage]()  # warm-up
        seconds = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            steps[stage]()
            seconds.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(json.dumps({"stage": stage, "seconds": seconds, "peak_rss_mib": peak, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
